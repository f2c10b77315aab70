/**
 * Fault matrix · `lamina serve` against DNS rebinding, other origins and taken ports
 * (SECURITY.md, "Server"). A real `lamina serve` process; requests with node:http so that the
 * Host and Origin headers are exactly what a hostile browser page would send.
 */
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cliBuilt, collect, lamina, startCli, tempWorkspace } from '../helpers/cli';
import { wsProtocols } from '../../src-main/server/auth';

const DEFAULT_PORT = 47860;

function raw(port: number, path: string, headers: Record<string, string>, method = 'POST', body = '{}'): Promise<{ status: number; text: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? body : undefined);
  });
}

function wsOutcome(url: string, headers: Record<string, string>, protocols?: string[]): Promise<string> {
  return new Promise((resolvePromise) => {
    const ws = new WebSocket(url, protocols ?? [], { headers });
    ws.on('open', () => {
      ws.close();
      resolvePromise('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      resolvePromise(`http ${res.statusCode}`);
      ws.terminate();
    });
    ws.on('error', (e) => resolvePromise(`error ${e.message}`));
  });
}

/** Starts `lamina serve`, waits for its URL; stderr is kept for the fallback message. */
async function serve(ws: string, args: string[]): Promise<{ child: ChildProcess; url: URL; stderr: () => string }> {
  const child = startCli(['serve', ...args, '--json'], { workspace: ws });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = await new Promise<URL>((resolvePromise, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      try {
        resolvePromise(new URL(JSON.parse(stdout).url));
      } catch {
        /* not complete yet */
      }
    });
    child.on('exit', (code) => reject(new Error(`lamina serve exited ${code}: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null) return resolvePromise();
    child.once('exit', () => resolvePromise());
    child.kill('SIGTERM');
  });
}

describe.skipIf(!cliBuilt)('faults: lamina serve refuses other hosts and origins', () => {
  const ws = tempWorkspace('lamina-fault-serve-');
  let server: Awaited<ReturnType<typeof serve>>;
  let port = 0;
  let token = '';
  let own = '';

  beforeAll(async () => {
    server = await serve(ws, ['--port', '0']);
    port = Number(server.url.port);
    token = server.url.searchParams.get('token')!;
    own = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => stop(server.child));

  it('answers its own origin and plain clients (control)', async () => {
    const plain = await raw(port, '/api/datasets.list', { Authorization: `Bearer ${token}` });
    expect(plain.status).toBe(200);
    const sameOrigin = await raw(port, '/api/datasets.list', { Authorization: `Bearer ${token}`, Origin: own });
    expect(sameOrigin.status).toBe(200);
    const viaLocalhost = await raw(port, '/api/datasets.list', { Authorization: `Bearer ${token}`, Host: `localhost:${port}`, Origin: `http://localhost:${port}` });
    expect(viaLocalhost.status).toBe(200);
    expect(await wsOutcome(`ws://127.0.0.1:${port}/events`, { Origin: own }, wsProtocols(token))).toBe('open');
  });

  it('DNS rebinding: a Host that is not this server is refused, token or not, on every route', async () => {
    const rebound = { Host: `attacker.example:${port}` };
    expect((await raw(port, '/api/datasets.list', { ...rebound, Authorization: `Bearer ${token}` })).status).toBe(403);
    expect((await raw(port, '/', rebound, 'GET')).status).toBe(403);
    expect((await raw(port, '/api/datasets.list', { Host: `127.0.0.1:${port + 1}`, Authorization: `Bearer ${token}` })).status).toBe(403);
    expect(await wsOutcome(`ws://127.0.0.1:${port}/events`, { Host: `attacker.example:${port}` }, wsProtocols(token))).toBe('http 403');
  });

  it('a page on another origin (another local port) that knows the token cannot call /api or open /events', async () => {
    const elsewhere = { Origin: `http://127.0.0.1:${port + 1}` };
    const saved = await raw(port, '/api/models.save', { ...elsewhere, Authorization: `Bearer ${token}` }, 'POST', JSON.stringify({ name: 'planted', source: 'x' }));
    expect(saved.status).toBe(403);
    expect(saved.text).toContain('cross-origin request refused');
    expect((await raw(port, `/api/datasets.list?token=${token}`, { Origin: 'http://attacker.example' })).status).toBe(403);
    expect(await wsOutcome(`ws://127.0.0.1:${port}/events`, elsewhere, wsProtocols(token))).toBe('http 403');
    const models = await raw(port, '/api/models.list', { Authorization: `Bearer ${token}` });
    expect(models.text).not.toContain('planted');
  });
});

describe.skipIf(!cliBuilt)('faults: lamina serve and ports, hosts', () => {
  const ws = tempWorkspace('lamina-fault-ports-');
  let blocker: Server;
  let taken = 0;

  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    taken = (blocker.address() as { port: number }).port;
  });
  afterAll(async () => new Promise<void>((r) => blocker.close(() => r())));

  it('an explicit --port that is taken: one clear line and exit 1, no stack', async () => {
    const r = await lamina(['serve', '--port', String(taken)], ws);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`port ${taken} on 127.0.0.1 is already in use`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it(`the default port (${DEFAULT_PORT}, not Gradio's 7860) falls back to a free one when taken, and says so`, async () => {
    // Take the default port ourselves unless something else already holds it: either way it is taken.
    const holder = createServer();
    await new Promise<void>((r) => {
      holder.once('error', () => r());
      holder.listen(DEFAULT_PORT, '127.0.0.1', () => r());
    });
    try {
      const s = await serve(ws, []);
      try {
        expect(Number(s.url.port)).not.toBe(DEFAULT_PORT);
        expect(Number(s.url.port)).not.toBe(7860);
        expect(s.stderr()).toContain(`port ${DEFAULT_PORT} is in use; serving on port ${s.url.port} instead`);
      } finally {
        await stop(s.child);
      }
    } finally {
      await new Promise<void>((r) => (holder.listening ? holder.close(() => r()) : r()));
    }
  });

  it('a non-loopback --host needs --allow-remote, and says the token would travel in clear text', async () => {
    const r = await lamina(['serve', '--host', '0.0.0.0', '--port', '0'], ws);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--allow-remote');
    expect(r.stderr).toContain('clear text');
    const s = startCli(['serve', '--host', '0.0.0.0', '--port', '0', '--allow-remote', '--json'], { workspace: ws });
    const done = collect(s);
    await new Promise((r2) => s.stdout!.once('data', r2));
    s.kill('SIGTERM');
    const out = await done;
    expect(out.stderr).toContain('WARNING: serving on 0.0.0.0');
    expect(out.stderr).toContain('clear text');
  });
});
