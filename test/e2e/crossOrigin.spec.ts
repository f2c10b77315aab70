/**
 * SECURITY.md, "Other origins": a page served from another loopback port that knows the token cannot
 * call /api or open /events on `lamina serve` — in a real Chromium, with the Origin the browser sets.
 */
import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';

const base = new URL(process.env.LAMINA_E2E_URL!);
const token = process.env.LAMINA_E2E_TOKEN!;
const api = `${base.protocol}//${base.host}`;
let other: Server;
let otherOrigin = '';

test.beforeAll(async () => {
  other = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>elsewhere</title><p>another site</p>'));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
  otherOrigin = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
});
test.afterAll(async () => new Promise<void>((r) => other.close(() => r())));

test('a page on another loopback port that knows the token gets 403 from /api and /events', async ({ page }) => {
  await page.goto(otherOrigin);
  // A "simple" cross-origin POST (no preflight) still reaches the server: the server must refuse it.
  const answered = page.waitForResponse((r) => r.url().startsWith(`${api}/api/models.save`));
  await page.evaluate(
    ({ api, token }) => fetch(`${api}/api/models.save?token=${token}`, { method: 'POST', mode: 'no-cors', body: JSON.stringify({ name: 'planted', source: 'x' }) }).catch(() => null),
    { api, token },
  );
  expect((await answered).status()).toBe(403);

  const socket = await page.evaluate(
    ({ host, token }) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://${host}/events`, ['lamina.v1', `lamina.token.${token}`]);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      }),
    { host: base.host, token },
  );
  expect(socket).toBe('refused');

  // Nothing was written.
  const models = await (await fetch(`${api}/api/models.list`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{}' })).json();
  expect(JSON.stringify(models)).not.toContain('planted');
});

test('the same calls from the server’s own page work (control)', async ({ page }) => {
  await page.goto(`${api}/?token=${token}`);
  const socket = await page.evaluate(
    ({ host, token }) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://${host}/events`, ['lamina.v1', `lamina.token.${token}`]);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      }),
    { host: base.host, token },
  );
  expect(socket).toBe('open');
  const status = await page.evaluate(
    ({ token }) => fetch('/api/datasets.list', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{}' }).then((r) => r.status),
    { token },
  );
  expect(status).toBe(200);
});
