/**
 * `npm run bench`: training throughput on every backend present versus PyTorch CPU on the
 * same machine (when Debian's python3-torch is installed), and metric ingestion into the run
 * store versus a naive writer. Prints tables; asserts nothing. `--quick` shrinks the sizes;
 * `--training` prints the training table only.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { availableBackends, benchTrainingInterleaved, type Contender, type TrainingBenchCase } from './trainingBench';
import { benchMetricIngestion, benchRunList } from './storeBench';
import { benchExplain, printExplainBench } from './explainBench';
import { benchEnsembles } from './ensemblesBench';
import { benchRecommenders } from './recommendersBench';
import { benchQueue } from './queueBench';
import { benchSweeps, printSweepBench } from './sweepsBench';
import { benchStartup, printStartupBench } from './startupBench';
import { benchMetricSeries, printMetricSeriesBench } from './metricSeriesBench';

const quick = process.argv.includes('--quick');
const CASES: TrainingBenchCase[] = [
  { model: 'mlp-784-256-10', batchSize: 128, samples: quick ? 1024 : 4096 },
  { model: 'lenet5-28x28x1', batchSize: 64, samples: quick ? 256 : 1024 },
  { model: 'small-cnn-28x28x1', batchSize: 32, samples: quick ? 128 : 512 },
  { model: 'lstm-28x28', batchSize: 32, samples: quick ? 128 : 512 },
];
const ROUNDS = quick ? 3 : 5;

/** The machine's load, printed with every timing table: on a shared machine it explains the numbers. */
function machineLoad(): string {
  return `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** 0.24×, 0.0015×: two significant digits, so small ratios do not print as 0.00×. */
const ratio = (r: number) => `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;

async function main(): Promise<void> {
  console.log(`Lamina benchmarks (${quick ? 'quick' : 'full'}) — node ${process.version}, ${process.platform}/${process.arch}`);

  const { present, missing, wasmReason } = await availableBackends();
  for (const m of missing) console.log(`  backend not present: ${m}`);
  if (wasmReason) console.log(`  wasm: ${wasmReason}`);
  console.log(`  before training: ${machineLoad()}`);
  const training = await benchTrainingInterleaved(CASES, {
    rounds: ROUNDS,
    backends: present,
    cpuModels: ['mlp-784-256-10', 'lenet5-28x28x1'],
    onProgress: (line) => console.error(line), // minutes under load: show it is moving
  });
  console.log(`\nTraining throughput (Adam, synthetic data; contenders interleaved, median of ${ROUNDS} epochs each after warm-up)`);
  console.log('samples/s by wall clock; CPU ms per step (process user + system) in brackets; ratios are samples/s against PyTorch');
  const cell = (r: { samplesPerSec: number; cpuMsPerStep: number } | undefined) => (r ? `${fmt(r.samplesPerSec)} [${r.cpuMsPerStep.toFixed(1)}]` : '—');
  const contenders: Contender[] = ['wasm', 'wasm+native', 'cpu', 'tensorflow', 'pytorch-1t', 'pytorch-2t'];
  console.table(
    training.cases.map((c) => {
      const by = new Map(c.results.map((r) => [r.contender, r]));
      const row: Record<string, string | number> = { model: c.model, batch: c.batchSize };
      for (const k of contenders) if (c.results.some((r) => r.contender === k) || k !== 'tensorflow') row[k] = cell(by.get(k));
      const py1 = by.get('pytorch-1t')?.samplesPerSec;
      const py2 = by.get('pytorch-2t')?.samplesPerSec;
      const best = by.get('wasm+native') ?? by.get('wasm');
      row['wasm / py1t'] = py1 && by.get('wasm') ? ratio(by.get('wasm')!.samplesPerSec / py1) : '—';
      row['native / py1t'] = py1 && by.get('wasm+native') ? ratio(by.get('wasm+native')!.samplesPerSec / py1) : '—';
      row['best / py2t'] = py2 && best ? ratio(best.samplesPerSec / py2) : '—';
      return row;
    }),
  );
  if (training.torch) console.log(`PyTorch ${training.torch} CPU, torch.set_num_threads(t) with OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = t (1t, 2t); native kernels: OpenBLAS, 1 thread`);
  else console.log(`(${training.torchSkipped})`);
  console.log(`  after training: ${machineLoad()}`);
  // `npm run bench -- --training`: the training table only.
  if (process.argv.includes('--training')) return;

  const ingestion = await benchMetricIngestion();
  console.log('\nMetric ingestion into the run store (SQLite file, WAL)');
  console.table(ingestion.map((r) => ({ writer: r.name, points: fmt(r.points), ms: fmt(r.ms), 'points/s': fmt(r.pointsPerSec) })));
  const naive = ingestion.find((r) => r.name.startsWith('naive'));
  if (naive) console.log(`batched writer vs naive: ${(ingestion[0].pointsPerSec / naive.pointsPerSec).toFixed(1)}× faster`);

  const list = await benchRunList(quick ? 2000 : 10_000);
  console.log(`\nRun list queries on ${fmt(list[0].runs)} runs (median of 9)`);
  console.table(list.map((r) => ({ query: r.name, matched: r.matched, 'median ms': r.medianMs.toFixed(1) })));
  printExplainBench(await benchExplain(present, quick));
  if (!existsSync('/usr/bin/python3')) console.log('(note: /usr/bin/python3 not found)');

  const ensembles = await benchEnsembles(quick);
  console.log('\nEnsembles plugin vs scikit-learn (defaults, same split; test accuracy or R²; wall seconds)');
  if ('skipped' in ensembles) console.log(`  skipped: ${ensembles.skipped}`);
  else console.table(ensembles);

  await benchRecommenders(quick);

  await benchQueue(quick);
  printSweepBench(await benchSweeps(quick));
  printMetricSeriesBench(await benchMetricSeries(quick));
  printStartupBench(await benchStartup(quick));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
