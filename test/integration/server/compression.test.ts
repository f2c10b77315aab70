/**
 * What `lamina serve` sends for the renderer's files: brotli or gzip per Accept-Encoding (with
 * Content-Encoding, Vary and a per-encoding ETag), plain bytes to clients that accept neither or
 * for files that do not shrink, 304 for a matching If-None-Match, immutable caching for hashed
 * assets only. Raw node:http requests, so nothing decompresses behind the test's back.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../../src-main/core/lamina';
import { startServer, type RunningServer } from '../../../src-main/server';
import { chooseEncoding } from '../../../src-main/server/compressedFiles';

let dir: string;
let rendererDir: string;
let core: Lamina;
let server: RunningServer;
let port: number;
const appJs = Array.from({ length: 2000 }, (_, i) => `export const value${i} = ${i} * 2; // a line of a bundle\n`).join('');
/** Seeded noise: bytes that do not compress, like a font's outlines. */
const font = (() => {
  let x = 2463534242;
  return Buffer.from(Array.from({ length: 4096 }, () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x & 255)));
})();

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lamina-compress-'));
  rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), `<!doctype html><title>Lamina</title>${'<p>the lab</p>'.repeat(200)}`);
  writeFileSync(join(rendererDir, 'assets', 'app-1234abcd.js'), appJs);
  writeFileSync(join(rendererDir, 'assets', 'codicon-1234abcd.ttf'), font);
  core = Lamina.open(join(dir, 'ws'));
  server = await startServer(core, { rendererDir });
  port = server.port;
});
afterAll(async () => {
  await server?.close();
  await core?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('compressed static files', () => {
  it('sends brotli when accepted, with Content-Encoding, Vary, a brotli ETag and immutable caching for hashed assets', async () => {
    const r = await get('/assets/app-1234abcd.js', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers.vary).toBe('Accept-Encoding');
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.headers.etag).toMatch(/^"[0-9a-z]+-[0-9a-z]+-br"$/);
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(r.body.length).toBeLessThan(appJs.length / 5);
    expect(brotliDecompressSync(r.body).toString()).toBe(appJs);
  });

  it('sends gzip to a client that accepts only gzip, and plain bytes to one that accepts neither', async () => {
    const gz = await get('/assets/app-1234abcd.js', { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.etag).toMatch(/-gzip"$/);
    expect(gunzipSync(gz.body).toString()).toBe(appJs);
    const refused = await get('/assets/app-1234abcd.js', { 'Accept-Encoding': 'br;q=0, gzip;q=0' });
    const plain = await get('/assets/app-1234abcd.js');
    for (const r of [refused, plain]) {
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(r.headers.vary).toBe('Accept-Encoding');
      expect(r.body.toString()).toBe(appJs);
      expect(r.headers.etag).not.toMatch(/-(br|gzip)"$/);
    }
  });

  it('index.html is compressed too but revalidated (no-cache), and a matching If-None-Match gets 304 without a body', async () => {
    const first = await get('/', { 'Accept-Encoding': 'br' });
    expect(first.headers['content-encoding']).toBe('br');
    expect(first.headers['cache-control']).toBe('no-cache');
    expect(first.headers['content-security-policy']).toContain("script-src 'self'");
    const again = await get('/', { 'Accept-Encoding': 'br', 'If-None-Match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // The brotli validator does not match the plain body.
    const plain = await get('/', { 'If-None-Match': String(first.headers.etag) });
    expect(plain.status).toBe(200);
    expect(plain.body.toString()).toContain('<title>Lamina</title>');
  });

  it('a rebuilt file gets a new ETag and is compressed afresh', async () => {
    const before = await get('/assets/app-1234abcd.js', { 'Accept-Encoding': 'br' });
    const changed = appJs + 'export const more = 1;\n';
    const file = join(rendererDir, 'assets', 'app-1234abcd.js');
    writeFileSync(file, changed);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const after = await get('/assets/app-1234abcd.js', { 'Accept-Encoding': 'br' });
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(brotliDecompressSync(after.body).toString()).toBe(changed);
    expect(readFileSync(file, 'utf8')).toBe(changed);
  });

  it('sends a font that does not shrink as it is', async () => {
    const r = await get('/assets/codicon-1234abcd.ttf', { 'Accept-Encoding': 'br, gzip' });
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.headers['content-type']).toBe('font/ttf');
    expect(Buffer.compare(r.body, font)).toBe(0);
  });

  it('chooses the encoding from Accept-Encoding as RFC 9110 reads it', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('br');
    expect(chooseEncoding('gzip;q=1.0, br;q=0')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('identity')).toBeNull();
    expect(chooseEncoding(undefined)).toBeNull();
    expect(chooseEncoding('')).toBeNull();
  });
});
