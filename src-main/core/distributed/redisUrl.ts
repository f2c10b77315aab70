/**
 * `--queue redis://[:password@]HOST:PORT[/DB]` (or `rediss://` for TLS) → ioredis options.
 * The password may also come from $LAMINA_REDIS_PASSWORD, so it need not appear in a process list.
 * BullMQ needs `maxRetriesPerRequest: null`; ioredis's default retry strategy reconnects for ever,
 * which is what lets workers ride out a Redis restart.
 */
import type { RedisOptions } from 'bullmq';
import { LaminaError } from '../util/errors';

export interface QueueConnection {
  options: RedisOptions;
  /** The URL without its password, for messages and logs. */
  display: string;
}

export function parseQueueUrl(url: string, env: NodeJS.ProcessEnv = process.env): QueueConnection {
  const bad = (why: string) => new LaminaError('usage', `--queue expects redis://[:PASSWORD@]HOST:PORT, got "${redact(url)}": ${why}`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad(`the scheme must be redis: or rediss:, not ${u.protocol}`);
  if (!u.hostname) throw bad('no host');
  const port = u.port ? Number(u.port) : 6379;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`bad port "${u.port}"`);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw bad(`bad database number "${u.pathname.slice(1)}"`);
  const password = u.password ? decodeURIComponent(u.password) : env.LAMINA_REDIS_PASSWORD || undefined;
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const options: RedisOptions = {
    host,
    port,
    db,
    ...(password ? { password } : {}),
    ...(username ? { username } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    // Reconnect quickly at first, then every 2 s at most, for ever (a restarted Redis comes back).
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
  return { options, display: `${u.protocol}//${host.includes(':') ? `[${host}]` : host}:${port}${db ? `/${db}` : ''}` };
}

function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/**
 * Connects once without retrying, so a wrong address or password is one clear line at start-up
 * instead of an endless reconnect loop (later outages are retried for ever by the real connections).
 */
export async function probeQueue(connection: QueueConnection): Promise<void> {
  const { Redis } = await import('ioredis');
  const probe = new Redis({ ...connection.options, retryStrategy: () => null, lazyConnect: true, maxRetriesPerRequest: 0 });
  // The first error says why (WRONGPASS, ECONNREFUSED); the rejection only says the connection closed.
  let first: Error | null = null;
  probe.on('error', (e: Error) => (first ??= e));
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    const why = (first ?? (e as Error)).message.split('\n')[0];
    throw new LaminaError('failed', `cannot use the queue at ${connection.display}: ${why}`);
  } finally {
    probe.disconnect();
  }
}
