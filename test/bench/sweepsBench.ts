/**
 * Sweep throughput on this machine: a 12-trial random sweep on iris (mlp, cpu backend, a few epochs)
 * run through the facade with --parallel 1 and 2. Prints trials/min, the mean trial (run) duration, and
 * the sweep's coordination overhead per trial: wall time × parallel ÷ trials − mean run duration (time
 * a slot spends outside a training host's recorded run: sampling, store writes, starting the host).
 * Run alone with `npx tsx test/bench/sweepsBench.ts [--quick]`, or as part of `npm run bench`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { Lamina } from '../../src-main/core/lamina';

export interface SweepBenchRow {
  parallel: number;
  trials: number;
  'wall s': string;
  'trials/min': string;
  'mean run s': string;
  'overhead ms/trial': string;
}

const spec = (trials: number, epochs: number) => `
method: random
metric: {name: val_accuracy, goal: maximize}
dataset: iris
model: template:mlp
run_cap: ${trials}
seed: 1
parameters:
  learning_rate: {distribution: log_uniform_values, min: 0.001, max: 0.1}
  units: {values: [8, 16, 32]}
  epochs: {value: ${epochs}}
  backend: {value: cpu}
`;

export async function benchSweeps(quick = false): Promise<SweepBenchRow[]> {
  const trials = quick ? 4 : 12;
  const epochs = quick ? 2 : 5;
  const rows: SweepBenchRow[] = [];
  for (const parallel of [1, 2]) {
    const dir = mkdtempSync(join(tmpdir(), 'lamina-bench-sweeps-'));
    const core = Lamina.open(dir);
    try {
      await core.importDataset(resolve(__dirname, '../../resources/samples/iris.csv'), { name: 'iris', target: 'species' });
      const created = core.sweeps.create(spec(trials, epochs));
      const t0 = performance.now();
      const done = await core.sweeps.run(created.id, { parallel });
      const wallMs = performance.now() - t0;
      const runs = done.trials.map((t) => core.store.requireRun(t.run!).durationMs ?? 0);
      const meanRun = runs.reduce((a, b) => a + b, 0) / runs.length;
      rows.push({
        parallel,
        trials: done.trials.length,
        'wall s': (wallMs / 1000).toFixed(1),
        'trials/min': ((done.trials.length / wallMs) * 60_000).toFixed(1),
        'mean run s': (meanRun / 1000).toFixed(2),
        'overhead ms/trial': ((wallMs * parallel) / done.trials.length - meanRun).toFixed(0),
      });
    } finally {
      await core.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

export function printSweepBench(rows: SweepBenchRow[]): void {
  console.log(`\nSweeps: random sweep on iris (mlp, cpu backend) on this machine — ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.table(rows);
}

if (require.main === module) {
  void benchSweeps(process.argv.includes('--quick')).then(printSweepBench);
}
