/**
 * `npm run quality`: test accuracy of Lamina's MLP template with its defaults (early stopping with
 * restore-best included) against scikit-learn's MLPClassifier and LogisticRegression with theirs, on
 * the shared iris, breast-cancer and digits sets, on the same splits (Lamina's seeded stratified
 * split, features standardised with training statistics), over 5 split/initialisation seeds.
 * Prints mean ± std per dataset; asserts nothing. `--seeds N`, `--datasets iris,digits` narrow it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importDataset } from '../../src-main/core/datasets/importDataset';
import { loadDatasetTensors } from '../../src-main/core/datasets/loadDataset';
import { runTraining } from '../../src-main/core/engine/host/runner';
import { resolveTrainConfig } from '../../src-main/core/training/trainConfig';
import { listBuiltinTemplates } from '../../src-main/core/models/templates';
import { ensureWorkspaceFolders, workspacePaths } from '../../src-main/core/workspace/workspace';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SEEDS = Number(arg('seeds') ?? 5);
const DATASETS = [
  { name: 'iris', file: 'iris.csv' },
  { name: 'breast-cancer', file: 'breast-cancer-wisconsin.csv' },
  { name: 'digits', file: 'digits-8x8.csv' },
].filter((d) => !arg('datasets') || arg('datasets')!.split(',').includes(d.name));
const shared = resolve(__dirname, '../../../shared/datasets');
const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0);

const meanStd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const s = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
  return `${m.toFixed(3)} ± ${s.toFixed(3)}`;
};

async function main() {
  const mlp = listBuiltinTemplates().find((t) => t.id === 'mlp')!;
  const root = mkdtempSync(join(tmpdir(), 'lamina-quality-'));
  const paths = workspacePaths(root);
  ensureWorkspaceFolders(paths);
  const rows: string[][] = [];
  try {
    for (const d of DATASETS) {
      const scores: Record<string, number[]> = {};
      for (let seed = 0; seed < SEEDS; seed++) {
        const meta = await importDataset(join(shared, d.file), { id: `${d.name}-${seed}`, seed }, paths);
        const data = await loadDatasetTensors(join(root, meta.file), meta);
        const config = resolveTrainConfig({ ...mlp.defaults, seed, backend: 'cpu' });
        const done = await runTraining(
          { type: 'start', runId: `q${seed}`, source: mlp.source, dataset: meta, datasetFile: '', config, artifactsDir: mkdtempSync(join(root, 'run-')) },
          { emit: () => {}, cancelled: () => false, loadData: async () => data },
        );
        (scores['Lamina MLP template'] ??= []).push(done.testMetrics.test_accuracy);
        if (python) {
          const width = data.x.length / data.n;
          const x = Array.from({ length: data.n }, (_, i) => Array.from(data.x.subarray(i * width, (i + 1) * width)));
          const r = spawnSync(python, [join(__dirname, 'sklearn_quality.py')], {
            input: JSON.stringify({ x, y: Array.from(data.y), split: Array.from(data.split), seed }),
            encoding: 'utf8',
            maxBuffer: 64 << 20,
          });
          if (r.status !== 0) throw new Error(`sklearn reference failed: ${r.stderr}`);
          for (const [k, v] of Object.entries(JSON.parse(r.stdout) as Record<string, number>)) (scores[k] ??= []).push(v);
        }
        process.stderr.write(`${d.name} seed ${seed}: ${JSON.stringify(Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, v.at(-1)])))}\n`);
      }
      for (const [k, v] of Object.entries(scores)) rows.push([d.name, k, meanStd(v), String(v.length)]);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  if (!python) console.log('(scikit-learn not found: apt-get install python3-sklearn — no reference rows)');
  const head = ['dataset', 'model', 'test accuracy (mean ± std)', 'seeds'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  console.log([head, ...rows].map((r) => r.map((c, i) => c.padEnd(w[i])).join('  ')).join('\n'));
}

void main();
