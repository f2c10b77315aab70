/**
 * A secret that never leaves this machine's user account: trust marks and plugin consents are
 * HMACs under it, so a workspace (or its database) copied from elsewhere carries no trust.
 * Lives in $LAMINA_CONFIG_DIR, else the platform's per-user app-data folder.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function userConfigDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.LAMINA_CONFIG_DIR) return resolve(env.LAMINA_CONFIG_DIR);
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Lamina');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Lamina');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'lamina');
}

const cache = new Map<string, Buffer>();

/** The key, created on first use. Concurrent first uses agree: the file appears atomically (link). */
export function machineKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const dir = userConfigDir(env);
  const file = join(dir, 'trust-key');
  const hit = cache.get(file);
  if (hit) return hit;
  const read = (): Buffer | null => {
    try {
      const text = readFileSync(file, 'utf8').trim();
      return /^[0-9a-f]{64}$/.test(text) ? Buffer.from(text, 'hex') : null;
    } catch {
      return null;
    }
  };
  let key = read();
  if (!key) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.trust-key-${process.pid}-${randomBytes(4).toString('hex')}`);
    writeFileSync(tmp, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    try {
      linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      rmSync(tmp, { force: true });
    }
    key = read();
    if (!key) throw new Error(`${file}: unreadable trust key (delete it to make a new one; every workspace will need trusting again)`);
  }
  cache.set(file, key);
  return key;
}

/** HMAC-SHA256 of the parts (NUL-separated) under the machine key, hex. */
export function machineMac(parts: string[], env: NodeJS.ProcessEnv = process.env): string {
  return createHmac('sha256', machineKey(env)).update(parts.join('\0')).digest('hex');
}
