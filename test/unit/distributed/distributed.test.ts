/**
 * The pure parts of queued training: --queue URLs, refusal reasons, NaN on the wire, and the
 * coordinator's transfer endpoint (a real node:http server on a loopback port).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQueueUrl } from '../../../src-main/core/distributed/redisUrl';
import { refusalReason, workerCapabilities } from '../../../src-main/core/distributed/capabilities';
import { JOB_FORMAT } from '../../../src-main/core/distributed/jobs';
import { fromWire, toWire } from '../../../src-main/core/distributed/wire';
import { TransferServer, artifactUrl } from '../../../src-main/core/distributed/transferServer';

describe('--queue URL', () => {
  it('reads host, port, password and database, and never shows the password', () => {
    const c = parseQueueUrl('redis://:p%40ss@10.0.0.5:6390/2', {});
    expect(c.options).toMatchObject({ host: '10.0.0.5', port: 6390, db: 2, password: 'p@ss', maxRetriesPerRequest: null });
    expect(c.display).toBe('redis://10.0.0.5:6390/2');
    expect(parseQueueUrl('redis://localhost', { LAMINA_REDIS_PASSWORD: 'envpw' }).options).toMatchObject({ port: 6379, password: 'envpw' });
    expect(parseQueueUrl('rediss://user:pw@h:1', {}).options).toMatchObject({ username: 'user', tls: {} });
  });
  it('refuses what is not a redis URL with one line that hides the password', () => {
    expect(() => parseQueueUrl('http://h:1', {})).toThrow(/the scheme must be redis: or rediss:, not http:/);
    expect(() => parseQueueUrl('nonsense', {})).toThrow(/not a URL/);
    expect(() => parseQueueUrl('redis://:secret@h:99999', {})).toThrow(/--queue expects/);
    try {
      parseQueueUrl('redis://:secret@h:99999', {});
    } catch (e) {
      expect((e as Error).message).not.toContain('secret');
    }
  });
});

describe('refusals', () => {
  const caps = workerCapabilities({
    name: 'w',
    backend: 'wasm',
    backends: ['wasm', 'cpu'],
    plugins: new Map([['ensembles', { id: 'ensembles', version: '0.1.0', dir: '/x', main: 'main.js' }]]),
  });
  const job = (needs: Partial<Parameters<typeof refusalReason>[1]['needs']>, format = JOB_FORMAT) => ({
    format,
    needs: { backend: null, plugins: [], pluginApi: caps.pluginApi, ...needs },
  });
  it('takes what it can run', () => {
    expect(refusalReason(caps, job({}))).toBeNull();
    expect(refusalReason(caps, job({ backend: 'wasm', plugins: [{ id: 'ensembles', version: '0.1.0' }] }))).toBeNull();
  });
  it('names the backend, plugin, version or format it lacks', () => {
    expect(refusalReason(caps, job({ backend: 'cpu' }))).toBe('needs backend cpu; this worker offers wasm');
    expect(refusalReason(caps, job({ plugins: [{ id: 'nope', version: '1.0.0' }] }))).toBe('needs plugin nope 1.0.0, which this worker does not have');
    expect(refusalReason(caps, job({ plugins: [{ id: 'ensembles', version: '0.2.0' }] }))).toBe('needs plugin ensembles 0.2.0; this worker has 0.1.0');
    expect(refusalReason(caps, job({ pluginApi: '2.0.0' }))).toMatch(/^plugin API 2\.0\.0 on the coordinator, 1\.\d+\.\d+ here$/);
    expect(refusalReason(caps, job({}, JOB_FORMAT + 1))).toMatch(/^job format 2, this worker reads format 1/);
  });
  it('--backend must be known and installed', () => {
    expect(() => workerCapabilities({ backend: 'gpu', backends: ['cpu'], plugins: new Map() })).toThrow(/--backend must be one of tensorflow, wasm, cpu, got "gpu"/);
    expect(() => workerCapabilities({ backend: 'tensorflow', backends: ['wasm', 'cpu'], plugins: new Map() })).toThrow(/not installed on this machine/);
  });
});

describe('wire format', () => {
  it('carries NaN and infinities through JSON', () => {
    const msg = { type: 'metrics', points: [{ key: 'loss', step: 1, value: NaN }, { key: 'x', step: 2, value: -Infinity }, { key: 'y', step: 3, value: 0.5 }] };
    const back = fromWire(JSON.parse(JSON.stringify(toWire(msg))));
    expect(back.points.map((p: { value: number }) => p.value)).toEqual([NaN, -Infinity, 0.5]);
  });
});

describe('transfer endpoint', () => {
  let dir: string;
  let server: TransferServer;
  let url: string;
  const runA = 'a'.repeat(32);
  const runB = 'b'.repeat(32);
  let tokenA: string;
  let tokenB: string;
  const bytes = Buffer.from('columnar bytes');
  const hash = createHash('sha256').update(bytes).digest('hex');
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lamina-transfer-'));
    writeFileSync(join(dir, 'ds.arrow'), bytes);
    mkdirSync(join(dir, 'A'));
    mkdirSync(join(dir, 'B'));
    server = new TransferServer();
    url = await server.start();
    tokenA = server.grant(runA, { datasetHash: hash, datasetFile: join(dir, 'ds.arrow'), artifactsDir: join(dir, 'A') });
    tokenB = server.grant(runB, { datasetHash: 'f'.repeat(64), datasetFile: join(dir, 'none'), artifactsDir: join(dir, 'B') });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const put = (run: string, rel: string, token: string | null, body = 'x') =>
    fetch(artifactUrl(url, run, rel), { method: 'PUT', body, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('binds loopback and serves a dataset only to a token granted for it', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ok = await fetch(`${url}/datasets/${hash}`, { headers: { authorization: `Bearer ${tokenA}` } });
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(bytes);
    expect((await fetch(`${url}/datasets/${hash}`)).status).toBe(401);
    expect((await fetch(`${url}/datasets/${hash}`, { headers: { authorization: `Bearer ${tokenB}` } })).status).toBe(401);
  });
  it("writes a run's artifacts only with that run's token, only inside its folder", async () => {
    expect((await put(runA, 'model/model.json', tokenA, '{"ok":1}')).status).toBe(204);
    expect(readFileSync(join(dir, 'A', 'model', 'model.json'), 'utf8')).toBe('{"ok":1}');
    expect((await put(runA, 'evil.json', null)).status).toBe(401);
    expect((await put(runA, 'evil.json', tokenB)).status).toBe(401);
    expect((await put(runA, 'evil.json', 'x'.repeat(43))).status).toBe(401);
    const traversal = await fetch(`${url}/artifacts/${runA}/..%2FB%2Fowned.txt`, { method: 'PUT', body: 'x', headers: { authorization: `Bearer ${tokenA}` } });
    expect(traversal.status).toBe(400);
    expect(existsSync(join(dir, 'B', 'owned.txt'))).toBe(false);
  });
  it('a revoked token (the run ended) opens nothing', async () => {
    server.revoke(runA);
    expect((await put(runA, 'late.json', tokenA)).status).toBe(401);
    expect((await fetch(`${url}/datasets/${hash}`, { headers: { authorization: `Bearer ${tokenA}` } })).status).toBe(401);
  });
});
