/**
 * `npm run bench`: training throughput on every backend present versus PyTorch CPU on the
 * same machine (when Debian's python3-torch is installed), and metric ingestion into the run
 * store versus a naive writer. Prints tables; asserts nothing. `--quick` shrinks the sizes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { availableBackends, benchTraining, type TrainingBenchCase } from './trainingBench';
import { benchMetricIngestion, benchRunList } from './storeBench';
import { benchExplain, printExplainBench } from './explainBench';
import { benchEnsembles } from './ensemblesBench';
import { benchRecommenders } from './recommendersBench';
import { benchStartup, printStartupBench } from './startupBench';
import { benchMetricSeries, printMetricSeriesBench } from './metricSeriesBench';

const quick = process.argv.includes('--quick');
const epochs = quick ? 1 : 2;
const CASES: TrainingBenchCase[] = [
  { model: 'mlp-784-256-10', batchSize: 128, samples: quick ? 1024 : 4096, epochs },
  { model: 'lenet5-28x28x1', batchSize: 64, samples: quick ? 256 : 1024, epochs },
];

interface TorchResult {
  model: string;
  samplesPerSec: number;
  threads: number;
  torch: string;
}

/** PyTorch CPU on the same models and sizes; null when python3-torch is not installed. */
function torchReference(): { results: TorchResult[] } | { skipped: string } {
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (!python) return { skipped: "python3-torch is not installed (apt-get install python3-torch) — no PyTorch reference" };
  const script = join(__dirname, 'torch_reference.py');
  const [mlpCase, cnnCase] = CASES;
  const r = spawnSync(python, [script, String(mlpCase.samples), String(cnnCase.samples), String(epochs)], { encoding: 'utf8' });
  if (r.status !== 0) return { skipped: `PyTorch reference failed: ${r.stderr.trim().split('\n').pop()}` };
  return { results: r.stdout.trim().split('\n').map((l) => JSON.parse(l) as TorchResult) };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** 0.24×, 0.0015×: two significant digits, so small ratios do not print as 0.00×. */
const ratio = (r: number) => `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;

async function main(): Promise<void> {
  console.log(`Lamina benchmarks (${quick ? 'quick' : 'full'}) — node ${process.version}, ${process.platform}/${process.arch}`);

  const { present, missing } = await availableBackends();
  for (const m of missing) console.log(`  backend not present: ${m}`);
  const training = await benchTraining(CASES, present);
  const torch = torchReference();
  const torchBy = new Map('results' in torch ? torch.results.map((t) => [t.model, t.samplesPerSec]) : []);
  console.log('\nTraining throughput (Adam, synthetic data, after one warm-up epoch)');
  console.table(
    training.map((r) => ({
      model: r.model,
      batch: r.batchSize,
      backend: r.backend,
      'samples/s': fmt(r.samplesPerSec),
      'vs PyTorch CPU': torchBy.has(r.model) ? ratio(r.samplesPerSec / torchBy.get(r.model)!) : '—',
    })),
  );
  if ('results' in torch) {
    console.log(`PyTorch ${torch.results[0]?.torch} CPU (${torch.results[0]?.threads} threads) on the same machine and sizes`);
    console.table(torch.results.map((t) => ({ model: t.model, 'samples/s': fmt(t.samplesPerSec) })));
  } else {
    console.log(`(${torch.skipped})`);
  }

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

  printMetricSeriesBench(await benchMetricSeries(quick));
  printStartupBench(await benchStartup(quick));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
