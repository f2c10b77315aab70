/**
 * A private redis-server (Debian's) for one test file: a free loopback port, a password
 * (requirepass), append-only persistence in a temp folder (so a restart keeps the queue), stopped
 * afterwards. Never a shared instance.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const redisAvailable = spawnSync('redis-server', ['--version']).status === 0;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  port: number;
  password: string;
  /** redis://:PASSWORD@127.0.0.1:PORT */
  url: string;
  stop(): Promise<void>;
  /** Stops and starts the same server (same port, same data). */
  restart(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'lamina-redis-'));
  let proc: ChildProcess | null = null;
  const launch = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--dir', dir, '--appendonly', 'yes', '--save', '', '--protected-mode', 'yes'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const r = spawnSync('redis-cli', ['-p', String(port), '-a', password, '--no-auth-warning', 'ping'], { encoding: 'utf8' });
      if (r.stdout.trim() === 'PONG') return;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const halt = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((res) => p.once('exit', res));
    p.kill('SIGTERM');
    await exited;
  };
  await launch();
  return {
    port,
    password,
    url: `redis://:${password}@127.0.0.1:${port}`,
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await halt();
      await new Promise((res) => setTimeout(res, 1500));
      await launch();
    },
  };
}
