/**
 * Queued training throughput: iris runs (the size of a sweep trial) on this machine one at a time,
 * then through BullMQ on 1 and 2 local `lamina worker` processes (a private redis-server with a
 * password), and the coordination overhead per run: the coordinator's wall time for a queued run
 * minus the training host's own wall time on the worker (queue hand-off, dataset by hash, progress
 * events, artifact upload, result), measured one run at a time on an idle worker.
 * The local row starts its hosts from the TypeScript sources (tsx), as a bench run from sources does, while
 * workers run the built bundle: its per-run start-up is slower, so compare the queue rows with each other.
 * Needs the built CLI (`npm run build`) and Debian's redis-server; skipped, saying so, without them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lamina } from '../../src-main/core/lamina';
import { QueueCoordinator } from '../../src-main/core/distributed/coordinator';
import { cliBuilt } from '../helpers/cli';
import { redisAvailable, startRedis } from '../helpers/redis';
import { startWorker, type TestWorker } from '../helpers/workers';

interface Row {
  where: string;
  runs: number;
  'wall s': string;
  'runs/min': string;
}

export async function benchQueue(quick: boolean): Promise<void> {
  console.log('\nQueued training (BullMQ on a local redis-server): iris MLP, 3 epochs per run, wasm/cpu backend');
  if (!cliBuilt || !redisAvailable) {
    console.log(`  skipped: ${!cliBuilt ? 'the CLI is not built (npm run build)' : 'redis-server is not installed (apt-get install redis-server)'}`);
    return;
  }
  const n = quick ? 4 : 8;
  const dir = mkdtempSync(join(tmpdir(), 'lamina-queue-bench-'));
  const redis = await startRedis();
  const core = Lamina.open(join(dir, 'ws'));
  const workers: TestWorker[] = [];
  try {
    await core.importSample('iris');
    const req = (seed: number) => ({ dataset: 'iris', model: 'template:mlp', config: { epochs: 3, seed, earlyStoppingPatience: 0 } });
    const batch = async (label: string, count: number): Promise<Row> => {
      const t0 = performance.now();
      const runs = [];
      for (let i = 0; i < count; i++) runs.push(await core.startRun(req(i + 1)));
      const finals = await Promise.all(runs.map((r) => core.waitForRun(r.id)));
      const s = (performance.now() - t0) / 1000;
      const bad = finals.filter((r) => r.status !== 'completed').length;
      return { where: `${label}${bad ? ` (${bad} not completed)` : ''}`, runs: count, 'wall s': s.toFixed(1), 'runs/min': ((count / s) * 60).toFixed(1) };
    };
    const rows: Row[] = [];
    // Local, one at a time (what `lamina train` in a loop does).
    {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await core.train(req(i + 1));
      const s = (performance.now() - t0) / 1000;
      rows.push({ where: 'this process, one at a time (no queue; host from sources via tsx)', runs: n, 'wall s': s.toFixed(1), 'runs/min': ((n / s) * 60).toFixed(1) });
    }
    const queue = await QueueCoordinator.open(redis.url);
    core.useRemoteTraining(queue);
    const w1 = startWorker('bench-1', redis.url, join(dir, 'cache-1'));
    workers.push(w1);
    await w1.waitFor(/waiting for runs/);
    // Overhead, one run at a time on an idle worker (the first fetches the dataset and is left out).
    await core.train(req(99));
    const overheads: number[] = [];
    for (let i = 0; i < (quick ? 3 : 5); i++) {
      const run = await core.train(req(200 + i));
      const hostMs = Number(core.store.getTags(run.id)['queue.host_ms']);
      overheads.push((run.durationMs ?? 0) - hostMs);
    }
    rows.push(await batch('queue, 1 worker', n));
    const w2 = startWorker('bench-2', redis.url, join(dir, 'cache-2'));
    workers.push(w2);
    await w2.waitFor(/waiting for runs/);
    await core.train(req(98)); // let the new worker's dataset cache fill off the clock, whichever worker takes it
    rows.push(await batch('queue, 2 workers', n));
    console.table(rows);
    overheads.sort((a, b) => a - b);
    const median = overheads[Math.floor(overheads.length / 2)];
    console.log(`Coordination overhead per run (queued wall time − host wall time on the worker, idle worker, median of ${overheads.length}): ${median} ms (min ${overheads[0]}, max ${overheads[overheads.length - 1]})`);
    core.useRemoteTraining(null);
    await queue.close();
  } finally {
    for (const w of workers) await w.stop();
    await core.shutdown();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchQueue(process.argv.includes('--quick')).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
