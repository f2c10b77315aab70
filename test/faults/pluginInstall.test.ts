/**
 * Fault matrix · what a plugin install may bring (SECURITY.md, "Plugin install"): a symbolic link
 * that leaves the plugin folder, a gzip bomb, an oversized manifest. Each is refused with one line
 * (exit 2) and leaves nothing installed.
 */
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBuilt, lamina, tempWorkspace } from '../helpers/cli';

function plugin(dir: string, id: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: id, version: '1.0.0', lamina: { apiVersion: '^1.0.0', contributes: {} } }));
  return dir;
}

/** A ustar header for one regular file of `size` bytes. */
function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512, 0);
  h.write(name, 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

/** package/package.json, then one file of `zeros` bytes of zeros: tiny gzipped, huge unpacked. */
async function gzipBomb(file: string, zeros: number): Promise<void> {
  const manifest = Buffer.from(JSON.stringify({ name: 'bomb', version: '1.0.0', lamina: { apiVersion: '^1.0.0', contributes: {} } }));
  const chunk = Buffer.alloc(1024 * 1024, 0);
  async function* parts() {
    yield tarHeader('package/package.json', manifest.length);
    yield Buffer.concat([manifest, Buffer.alloc((512 - (manifest.length % 512)) % 512, 0)]);
    yield tarHeader('package/zeros.bin', zeros);
    for (let left = zeros; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
    yield Buffer.alloc(1024, 0);
  }
  await pipeline(Readable.from(parts()), createGzip({ level: 9 }), createWriteStream(file));
}

describe.skipIf(!cliBuilt)('faults: plugin install limits', () => {
  const ws = tempWorkspace('lamina-fault-install-');
  const src = mkdtempSync(join(tmpdir(), 'lamina-fault-install-src-'));

  beforeAll(async () => {
    expect((await lamina(['init', ws], ws)).code).toBe(0);
  });

  it('refuses a plugin folder holding a symbolic link that leaves the folder', async () => {
    const dir = plugin(join(src, 'linky'), 'linky');
    const secret = join(src, 'secret.txt');
    writeFileSync(secret, 'not for plugins');
    symlinkSync(secret, join(dir, 'data.txt'));
    const r = await lamina(['plugin', 'install', dir], ws);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a symbolic link to');
    expect(r.stderr).toContain('outside the plugin folder');
    expect(existsSync(join(ws, 'plugins', 'linky'))).toBe(false);

    // A link that stays inside the folder is fine.
    const ok = plugin(join(src, 'inside'), 'inside');
    writeFileSync(join(ok, 'a.txt'), 'a');
    symlinkSync('a.txt', join(ok, 'b.txt'));
    const good = await lamina(['plugin', 'install', ok], ws);
    expect(good.code, good.stderr).toBe(0);
  });

  it('refuses a gzip bomb (300 MiB of zeros in a small .tgz) without unpacking it', async () => {
    const bomb = join(src, 'bomb.tgz');
    await gzipBomb(bomb, 300 * 1024 * 1024);
    expect(statSync(bomb).size).toBeLessThan(2 * 1024 * 1024);
    const r = await lamina(['plugin', 'install', bomb], ws);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unpacks to more than 256 MiB|over the 128 MiB limit/);
    expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('Installing a plugin'))).toHaveLength(1);
    expect(existsSync(join(ws, 'plugins', 'bomb'))).toBe(false);
  });

  it('refuses a manifest over 1 MiB', async () => {
    const dir = join(src, 'fat');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fat', version: '1.0.0', lamina: { apiVersion: '^1.0.0', contributes: {} }, padding: 'x'.repeat(2 * 1024 * 1024) }));
    const r = await lamina(['plugin', 'install', dir], ws);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('larger than 1 MiB');
  });
});
