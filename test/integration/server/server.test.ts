/**
 * `lamina serve`'s server with the real facade on a temp workspace: token checks, typed 400s
 * for malformed payloads, static files with CSP, uploads, and live events during a real
 * small training run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Lamina } from '../../../src-main/core/lamina';
import { startServer, type RunningServer } from '../../../src-main/server';
import type { ApiEvent } from '../../../src-main/core/api/contract';
import { wsProtocols } from '../../../src-main/server/auth';

const iris = resolve(__dirname, '../../../resources/samples/iris.csv');
let dir: string;
let rendererDir: string;
let core: Lamina;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lamina-server-'));
  rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Lamina</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'not for the browser');
  core = Lamina.open(join(dir, 'ws'));
  server = await startServer(core, { rendererDir });
  base = new URL(server.url).origin;
});
afterAll(async () => {
  await server?.close();
  await core?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const post = (method: string, body: string | object | undefined, token: string | null = server.token, extra: Record<string, string> = {}) =>
  fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extra },
    body: typeof body === 'string' ? body : JSON.stringify(body ?? {}),
  });

describe('startServer', () => {
  it('binds loopback with a random 32-byte token in the URL', () => {
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
    expect(url.searchParams.get('token')).toBe(server.token);
  });

  it('answers 401 to API calls without or with a wrong token', async () => {
    const none = await post('datasets.list', {}, null);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await post('datasets.list', {}, 'x'.repeat(43))).status).toBe(401);
    expect((await post('datasets.list', {}, `${server.token}x`)).status).toBe(401);
    const viaQuery = await fetch(`${base}/api/datasets.list?token=${server.token}`, { method: 'POST', body: '{}' });
    expect(viaQuery.status).toBe(200);
    const upload = await fetch(`${base}/api/upload?uploadId=a&path=x.csv`, { method: 'POST', body: 'a,b\n1,2\n' });
    expect(upload.status).toBe(401);
  });

  it('refuses WebSocket connections without the token', async () => {
    const code = await new Promise<number>((res) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/events`);
      ws.on('unexpected-response', (_req, r) => res(r.statusCode ?? 0));
      ws.on('open', () => res(101));
      ws.on('error', () => undefined);
    });
    expect(code).toBe(401);
  });

  it('takes the WebSocket token only from Sec-WebSocket-Protocol, never from the query string', async () => {
    const outcome = (url: string, protocols: string[]) =>
      new Promise<string>((res) => {
        const ws = new WebSocket(url, protocols);
        ws.on('unexpected-response', (_req, r) => res(`http ${r.statusCode}`));
        ws.on('open', () => {
          res(`open ${ws.protocol}`);
          ws.close();
        });
        ws.on('error', () => undefined);
      });
    const events = `${base.replace('http', 'ws')}/events`;
    expect(await outcome(`${events}?token=${server.token}`, [])).toBe('http 401');
    expect(await outcome(events, wsProtocols('wrong-token'))).toBe('http 401');
    expect(await outcome(events, wsProtocols(server.token))).toBe('open lamina.v1');
  });

  it('turns malformed payloads into typed 400s and keeps serving', async () => {
    const notJson = await post('datasets.preview', '{"dataset": ');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('bad-request');

    const wrong = await post('runs.start', { dataset: 7, model: '' });
    expect(wrong.status).toBe(400);
    const body = (await wrong.json()) as { ok: false; error: { code: string; issues: { path: string }[] } };
    expect(body.error.issues.map((i) => i.path).sort()).toEqual(['dataset', 'model']);

    expect((await post('no.such.method', {})).status).toBe(404);
    expect((await fetch(`${base}/api/datasets.list`, { headers: { Authorization: `Bearer ${server.token}` } })).status).toBe(405);
    expect((await post('datasets.get', { dataset: 'missing' })).status).toBe(404);
    const ok = await post('datasets.list', {});
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, value: [] });
  });

  it('serves the renderer with a strict CSP, never files outside it', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain('<title>Lamina</title>');
    const js = await fetch(`${base}/assets/app.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/..%2Fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/%2e%2e/secret.txt`)).status).toBe(404);
    // An unknown route without an extension is the single-page app.
    expect(await (await fetch(`${base}/experiments`)).text()).toContain('<title>Lamina</title>');
  });

  it('imports an uploaded file (raw body) and an uploaded image-free folder path is refused', async () => {
    const up = await fetch(`${base}/api/upload?uploadId=abc123&path=${encodeURIComponent('iris upload.csv')}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}` },
      body: readFileSync(iris),
    });
    expect(up.status).toBe(200);
    const imported = await post('datasets.importUpload', { uploadId: 'abc123', entry: 'iris upload.csv' });
    const body = (await imported.json()) as { ok: boolean; value: { name: string; rows: number } };
    expect(body.ok).toBe(true);
    expect(body.value.rows).toBe(150);
    const escape = await fetch(`${base}/api/upload?uploadId=abc&path=..%2F..%2Fevil.csv`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}` },
      body: 'x',
    });
    expect(escape.status).toBe(400);
  });

  it('pushes progress, metrics and run.finished over the WebSocket during a real training run', async () => {
    const events: ApiEvent[] = [];
    const ws = new WebSocket(`${base.replace('http', 'ws')}/events`, wsProtocols(server.token));
    await new Promise<void>((res, rej) => {
      ws.on('open', () => res());
      ws.on('error', rej);
    });
    expect(ws.protocol).toBe('lamina.v1'); // the answer never echoes the token
    ws.on('message', (m) => events.push(JSON.parse(String(m)) as ApiEvent));

    const start = await post('runs.start', { dataset: 'iris upload', model: 'template:mlp', config: { epochs: 3, batchSize: 16, seed: 3 } });
    const started = (await start.json()) as { ok: boolean; value: { id: string }; error?: unknown };
    expect(started.ok, JSON.stringify(started.error)).toBe(true);
    const runId = started.value.id;

    const deadline = Date.now() + 90_000;
    while (!events.some((e) => e.type === 'run.finished' && e.runId === runId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    ws.close();
    const mine = events.filter((e) => 'runId' in e && e.runId === runId);
    const finished = mine.find((e) => e.type === 'run.finished');
    expect(finished && finished.type === 'run.finished' && finished.status).toBe('completed');
    expect(mine.some((e) => e.type === 'run.progress')).toBe(true);
    expect(mine.some((e) => e.type === 'run.metrics' && e.points.some((p) => p.key === 'loss'))).toBe(true);

    const list = (await (await post('runs.list', { status: 'completed' })).json()) as { value: { total: number; items: { id: string }[] } };
    expect(list.value.items.map((r) => r.id)).toContain(runId);
  });

  it('serves a plugin view with the view CSP through a one-time ticket, never without the token', async () => {
    const goodJs = resolve(__dirname, '../../fixtures/plugins/good-js');
    const installed = (await (await post('plugins.install', { path: goodJs })).json()) as { ok: boolean; value: { id: string; enabled: boolean } };
    expect(installed.value).toMatchObject({ id: 'good-js', enabled: true });
    const views = (await (await post('plugins.views', {})).json()) as { value: { pluginId: string; viewId: string }[] };
    expect(views.value).toContainEqual({ pluginId: 'good-js', viewId: 'probe', title: 'Sandbox probe', location: 'run-detail' });

    expect((await fetch(`${base}/plugin-views/good-js/probe`)).status).toBe(401);
    expect((await fetch(`${base}/plugin-views/good-js/probe?token=wrong`)).status).toBe(401);
    const hop = await fetch(`${base}/plugin-views/good-js/probe?token=${server.token}`, { redirect: 'manual' });
    expect(hop.status).toBe(303);
    const location = hop.headers.get('location')!;
    expect(location).toMatch(/^\/plugin-views\/good-js\/probe\?ticket=/);
    expect(location).not.toContain(server.token);
    const doc = await fetch(`${base}${location}`);
    expect(doc.status).toBe(200);
    const csp = doc.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(doc.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(await doc.text()).toContain('laminaView.register');
    // A ticket is spent once; a view of another plugin needs its own.
    expect((await fetch(`${base}${location}`)).status).toBe(401);
    const other = await fetch(`${base}/plugin-views/good-js/nope?token=${server.token}`);
    expect(other.status).toBe(404);

    const off = (await (await post('plugins.setEnabled', { id: 'good-js', enabled: false })).json()) as { value: { enabled: boolean } };
    expect(off.value.enabled).toBe(false);
    expect(((await (await post('plugins.views', {})).json()) as { value: { pluginId: string }[] }).value.filter((v) => v.pluginId === 'good-js')).toEqual([]);
    expect((await fetch(`${base}/plugin-views/good-js/probe?token=${server.token}`)).status).toBe(404);
    const bad = (await (await post('plugins.setEnabled', { id: 'good-js' })).json()) as { ok: boolean; error: { code: string } };
    expect(bad.error.code).toBe('bad-request');
  });

  it('the page CSP allows same-origin frames (plugin views) and nothing else', async () => {
    const csp = (await fetch(`${base}/`)).headers.get('content-security-policy')!;
    expect(csp).toContain("frame-src 'self'");
  });
});
