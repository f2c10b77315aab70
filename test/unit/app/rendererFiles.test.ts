import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../src-main/app/appOrigin';
import { contentSecurityPolicy } from '../../../src-main/app/csp';
import { mimeTypeOf, resolveRendererFile, serveRendererRequest } from '../../../src-main/app/rendererFiles';

let base: string;
let root: string;
const csp = contentSecurityPolicy();

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'lamina-renderer-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Lamina</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'editor.worker-x.js'), 'self.onmessage=()=>{}');
  writeFileSync(join(base, 'secret.txt'), 'do not serve');
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('serving the renderer on the app scheme', () => {
  it('serves files with their MIME type and the CSP header', async () => {
    const res = await serveRendererRequest(root, `${APP_ORIGIN}/assets/index-abc.js`, csp);
    expect(res.status).toBe(200);
    expect(String(res.body)).toBe('console.log(1)');
    expect(res.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['Content-Security-Policy']).toBe(csp);
    expect(res.headers['X-Content-Type-Options']).toBe('nosniff');
  });

  it('serves index.html for the root and for client-side routes', async () => {
    for (const path of ['', '/', '/runs/abc', '/index.html?x=1#/datasets']) {
      const res = await serveRendererRequest(root, `${APP_ORIGIN}${path}`, csp);
      expect(res.status, path).toBe(200);
      expect(res.headers['Content-Type']).toMatch(/^text\/html/);
    }
  });

  it('never leaves the renderer folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%00.js',
    ]) {
      const res = await serveRendererRequest(root, `${APP_ORIGIN}${path}`, csp);
      expect(String(res.body), path).not.toContain('do not serve');
      expect([403, 404], path).toContain(res.status);
    }
    expect(resolveRendererFile(root, '::not a url')).toBeNull();
  });

  it('answers 404 for missing files, still with the CSP', async () => {
    const res = await serveRendererRequest(root, `${APP_ORIGIN}/assets/missing.js`, csp);
    expect(res.status).toBe(404);
    expect(res.headers['Content-Security-Policy']).toBe(csp);
  });

  it('knows the types the renderer ships', () => {
    expect(mimeTypeOf('a.woff2')).toBe('font/woff2');
    expect(mimeTypeOf('A.SVG')).toBe('image/svg+xml');
    expect(mimeTypeOf('x.wasm')).toBe('application/wasm');
    expect(mimeTypeOf('x.unknown')).toBe('application/octet-stream');
  });
});
