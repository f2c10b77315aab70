/**
 * Distributed training on a real Redis (our own redis-server, password required) with real
 * `lamina worker` processes and real training hosts. The coordinator (this process) is the only
 * writer of the workspace's SQLite store.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../../src-main/core/lamina';
import { QueueCoordinator } from '../../../src-main/core/distributed/coordinator';
import { cliBuilt, collect, lamina, sharedDatasets, startCli } from '../../helpers/cli';
import { redisAvailable, startRedis, type TestRedis } from '../../helpers/redis';
import { startWorker, type TestWorker } from '../../helpers/workers';

const ready = cliBuilt && redisAvailable;
let dir: string;
let core: Lamina;
let redis: TestRedis;
let queue: QueueCoordinator;
const workers: TestWorker[] = [];

beforeAll(async () => {
  if (!ready) return;
  dir = mkdtempSync(join(tmpdir(), 'lamina-queue-'));
  redis = await startRedis();
  core = Lamina.open(join(dir, 'ws'));
  await core.importSample('iris');
  queue = await QueueCoordinator.open(redis.url);
  core.useRemoteTraining(queue);
});

afterAll(async () => {
  if (!ready) return;
  for (const w of workers) w.kill();
  await queue?.close();
  await core?.shutdown();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function worker(name: string, extra: string[] = []): TestWorker {
  const w = startWorker(name, redis.url, join(dir, `cache-${name}`), extra);
  workers.push(w);
  return w;
}

describe.skipIf(!ready)('runs on queue workers', () => {
  it('a 12-trial random sweep on iris (lamina sweep run --queue), two workers, one killed mid-trial: 12 completed, best reported, no duplicate points', async () => {
    const epochs = 8;
    const ws = join(dir, 'sweep-ws');
    const imported = await lamina(['import', join(sharedDatasets, 'iris.csv'), '--target', 'species'], ws);
    expect(imported.code, imported.stderr).toBe(0);
    const specFile = join(dir, 'sweep.yaml');
    writeFileSync(
      specFile,
      [
        'method: random',
        'metric: {name: val_loss, goal: minimize}',
        'run_cap: 12',
        'dataset: iris',
        'model: template:mlp',
        'seed: 11',
        'parameters:',
        '  learning_rate: {min: 0.005, max: 0.05}',
        '  batch_size: {values: [16, 32]}',
        `  epochs: {value: ${epochs}}`,
        '  early_stopping: {value: 0}',
      ].join('\n'),
    );
    const created = await lamina(['sweep', 'create', specFile, '--json'], ws);
    expect(created.code, created.stderr).toBe(0);

    const a = worker('wa', ['--concurrency', '2']);
    const b = worker('wb', ['--concurrency', '2']);
    await Promise.all([a.waitFor(/waiting for runs/), b.waitFor(/waiting for runs/)]);
    const sweep = collect(startCli(['sweep', 'run', created.json.id, '--queue', redis.url, '--parallel', '4', '--json'], { workspace: ws }));

    // Kill worker A (and its training hosts) once the coordinator has stored metrics of a trial A is training.
    let killedRun: string | null = null;
    for (let i = 0; i < 6000 && !killedRun; i++) {
      const started = [...a.log().matchAll(/run ([0-9a-f]{32}) started/g)].map((m) => m[1]);
      if (started.length && existsSync(join(ws, 'lamina.db'))) {
        const db = new Database(join(ws, 'lamina.db'), { readonly: true, fileMustExist: true });
        try {
          const n = db.prepare(`SELECT run_id FROM metrics WHERE run_id IN (${started.map(() => '?').join(',')}) AND key = 'loss' LIMIT 1`).get(...started) as { run_id: string } | undefined;
          if (n) killedRun = n.run_id;
        } finally {
          db.close();
        }
      }
      if (!killedRun) await new Promise((r) => setTimeout(r, 50));
    }
    expect(killedRun).not.toBeNull();
    a.kill();
    const r = await sweep;
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.status).toBe('finished');
    expect(r.json.trials).toHaveLength(12);
    expect(r.json.trials.map((t: { status: string }) => t.status)).toEqual(Array(12).fill('completed'));
    expect(r.json.best.run).toMatch(/^[0-9a-f]{32}$/);
    expect(Math.min(...r.json.trials.map((t: { metric: number }) => t.metric))).toBe(r.json.best.metric);

    const db = new Database(join(ws, 'lamina.db'), { readonly: true });
    try {
      const tags = (run: string) => Object.fromEntries((db.prepare(`SELECT key, value FROM tags WHERE run_id = ?`).all(run) as { key: string; value: string }[]).map((t) => [t.key, t.value]));
      // The cut-off trial restarted on B; the points A had sent were replaced, not kept.
      expect(tags(killedRun!)['queue.restarted']).toMatch(/^attempt 2 on wb replaced [1-9]\d* metric points of the attempt cut off on wa$/);
      expect(tags(killedRun!)['queue.worker']).toBe('wb');
      for (const t of r.json.trials as { run: string }[]) {
        const dup = db.prepare(`SELECT COUNT(*) AS n FROM (SELECT key, step FROM metrics WHERE run_id = ? GROUP BY key, step HAVING COUNT(*) > 1)`).get(t.run) as { n: number };
        expect(dup.n).toBe(0);
        const steps = (db.prepare(`SELECT step FROM metrics WHERE run_id = ? AND key = 'loss' ORDER BY step`).all(t.run) as { step: number }[]).map((x) => x.step);
        expect(steps).toEqual(Array.from({ length: epochs }, (_, k) => k + 1));
        // The trained model came back over HTTP and is recorded as the trial's artifact.
        expect((db.prepare(`SELECT path FROM artifacts WHERE run_id = ?`).all(t.run) as { path: string }[]).map((x) => x.path)).toContain('model/model.json');
      }
    } finally {
      db.close();
    }
    for (const w of workers.splice(0)) await w.stop();
  });

  it('a worker without the backend a run needs refuses it with its reason; the run goes to a worker that has it', async () => {
    const wasm = worker('wasm-only', ['--backend', 'wasm']);
    await wasm.waitFor(/waiting for runs/);
    const run = await core.startRun({ dataset: 'iris', model: 'template:mlp', config: { epochs: 2, seed: 7, backend: 'cpu' } });
    await wasm.waitFor(new RegExp(`refused run ${run.id}: needs backend cpu; this worker offers wasm`));
    const cpu = worker('cpu-only', ['--backend', 'cpu']);
    const final = await core.waitForRun(run.id);
    expect(final.status).toBe('completed');
    expect(final.backend).toBe('cpu');
    const tags = core.store.getTags(run.id);
    expect(tags['queue.worker']).toBe('cpu-only');
    expect(tags['queue.refused']).toBe('wasm-only: needs backend cpu; this worker offers wasm');
    expect(cpu.log()).toMatch(new RegExp(`run ${run.id} completed`));

    // A run that no connected worker can take fails with every worker's reason instead of waiting for ever.
    const nobody = await core.startRun({ dataset: 'iris', model: 'template:mlp', config: { epochs: 1, seed: 7, backend: 'tensorflow' } });
    const failed = await core.waitForRun(nobody.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/no connected worker can run it: .*wasm-only: needs backend tensorflow; this worker offers wasm/);
    expect(failed.error).toMatch(/cpu-only: needs backend tensorflow; this worker offers cpu/);
  });

  it('workers reconnect after Redis restarts, and the queue is still there', async () => {
    for (const other of workers.splice(0)) await other.stop();
    const w = worker('survivor');
    await w.waitFor(/waiting for runs/);
    await redis.restart();
    await w.waitFor(/queue connection problem/);
    await w.waitFor(/reconnected to redis:/);
    const run = await core.startRun({ dataset: 'iris', model: 'template:mlp', config: { epochs: 2, seed: 3 } });
    const final = await core.waitForRun(run.id);
    expect(final.status).toBe('completed');
    expect(core.store.getTags(run.id)['queue.worker']).toBe('survivor');
  });

  it('lamina train --queue trains on a worker and prints the same result as a local run', async () => {
    const ws = join(dir, 'cli-ws');
    expect((await lamina(['import', 'sample:iris'], ws)).code).toBe(0);
    const args = ['train', '--dataset', 'iris', '--model', 'template:mlp', '--epochs', '3', '--seed', '5', '--backend', 'cpu', '--json'];
    const remote = await lamina([...args, '--queue', redis.url], ws);
    expect(remote.code, remote.stderr).toBe(0);
    expect(remote.stderr).toMatch(/training on workers of redis:\/\/127\.0\.0\.1:\d+/);
    expect(remote.stderr).not.toContain(redis.password);
    const local = await lamina(args, ws);
    expect(remote.json.status).toBe('completed');
    // Same seed, same deterministic backend: the worker's run equals a local one.
    expect(remote.json.metrics.test_accuracy).toBe(local.json.metrics.test_accuracy);
    expect(remote.json.metrics.loss).toBe(local.json.metrics.loss);
  });

  it('a wrong password or an unreachable queue is one line, exit 1', async () => {
    const bad = redis.url.replace(redis.password, 'wrong');
    const w = await lamina(['worker', '--queue', bad], dir);
    expect(w.code).toBe(1);
    expect(w.stderr.trim()).toMatch(/^lamina: cannot use the queue at redis:\/\/127\.0\.0\.1:\d+: WRONGPASS/);
    expect(w.stderr).not.toContain('wrong@');
    const t = await lamina(['train', '--dataset', 'iris', '--model', 'template:mlp', '--queue', bad], join(dir, 'cli-ws'));
    expect(t.code).toBe(1);
    expect(t.stderr.trim().split('\n')).toHaveLength(1);
    const u = await lamina(['worker', '--queue', 'http://127.0.0.1:1'], dir);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/--queue expects redis:\/\/\[:PASSWORD@\]HOST:PORT/);
  });
});
