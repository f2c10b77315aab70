/**
 * Distributed training on a real Redis (our own redis-server, password required) with real
 * `lamina worker` processes and real training hosts. The coordinator (this process) is the only
 * writer of the workspace's SQLite store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../../src-main/core/lamina';
import { QueueCoordinator } from '../../../src-main/core/distributed/coordinator';
import type { RunRecord } from '../../../src-main/core/domain';
import { cliBuilt, lamina } from '../../helpers/cli';
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

/** Metric rows of a run that share (key, step) with another row: must be none. */
function duplicatePoints(runId: string): number {
  const db = core.queries.db;
  return (db.prepare(`SELECT COUNT(*) AS n FROM (SELECT key, step FROM metrics WHERE run_id = ? GROUP BY key, step HAVING COUNT(*) > 1)`).get(runId) as { n: number }).n;
}

describe.skipIf(!ready)('runs on queue workers', () => {
  it('12 iris runs on two workers, one killed mid-run: 12 completed, every epoch recorded once', async () => {
    const epochs = 8;
    const a = worker('wa', ['--concurrency', '2']);
    const b = worker('wb', ['--concurrency', '2']);
    await Promise.all([a.waitFor(/waiting for runs/), b.waitFor(/waiting for runs/)]);

    // Kill worker A once the coordinator has stored metrics of a run A is training.
    const metricsSeen = new Set<string>();
    let killedRun: string | null = null;
    const off = core.onEvent((e) => {
      if (e.type === 'run.metrics') metricsSeen.add(e.runId);
    });
    const killer = (async () => {
      for (;;) {
        const started = [...a.log().matchAll(/run ([0-9a-f]{32}) started/g)].map((m) => m[1]);
        const victim = started.find((id) => metricsSeen.has(id) && core.store.requireRun(id).status === 'running');
        if (victim) {
          killedRun = victim;
          a.kill();
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const runs: RunRecord[] = [];
    for (let i = 0; i < 12; i++) {
      runs.push(await core.startRun({ dataset: 'iris', model: 'template:mlp', experiment: 'queued', config: { epochs, seed: 100 + i, earlyStoppingPatience: 0 } }));
    }
    const finals = await Promise.all(runs.map((r) => core.waitForRun(r.id)));
    await killer;
    off();

    expect(finals.map((r) => r.status)).toEqual(Array(12).fill('completed'));
    expect(killedRun).not.toBeNull();
    const restarted = finals.filter((r) => core.store.getTags(r.id)['queue.restarted']);
    expect(restarted.map((r) => r.id)).toContain(killedRun);
    // The cut-off attempt had written points (that is when A was killed); they were replaced, not kept.
    expect(core.store.getTags(killedRun!)['queue.restarted']).toMatch(/replaced [1-9]\d* metric points/);
    for (const r of restarted) {
      expect(core.store.getTags(r.id)['queue.restarted']).toMatch(/attempt 2 on wb replaced \d+ metric points of the attempt cut off on wa/);
      expect(core.store.getTags(r.id)['queue.worker']).toBe('wb');
    }
    for (const r of finals) {
      expect(duplicatePoints(r.id)).toBe(0);
      const loss = core.queries.getMetricHistory(r.id, 'loss');
      expect(loss.map((p) => p.step)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
      expect(core.queries.getMetricSummaries(r.id).find((s) => s.key === 'test_accuracy')?.last).toBeGreaterThan(0.5);
      // The trained model came back over HTTP and is recorded as the run's artifact.
      expect(core.store.listArtifacts(r.id).map((x) => x.path)).toContain('model/model.json');
    }
    // Worker B was the only one left, so it picked up what A was doing.
    await b.stop();
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
