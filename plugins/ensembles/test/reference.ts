/**
 * scikit-learn on the same split, for the tests and the bench: exports a DatasetView's train and test
 * rows (already standardised) to JSON and runs sklearn_reference.py with Debian's python3-sklearn.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DatasetView, ImportedTable } from '@lamina/plugin-sdk';

export const PYTHON = '/usr/bin/python3';
const SKLEARN_DATA = '/usr/lib/python3/dist-packages/sklearn/datasets/data';

export function hasSklearn(): boolean {
  return spawnSync(PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' }).status === 0;
}

export type Reference = Record<string, { score: number; seconds: number }>;

export function sklearnScores(data: DatasetView, trainers: string[], seeds = [0]): Reference {
  const dir = mkdtempSync(join(tmpdir(), 'lamina-sklearn-'));
  const file = join(dir, 'split.json');
  const d = data.inputShape.reduce((a, b) => a * b, 1);
  const part = (s: DatasetView['train']) => ({ x: Array.from(s.x), y: Array.from(s.y) });
  writeFileSync(file, JSON.stringify({ task: data.task, d, train: part(data.train), test: part(data.test), trainers, seeds }));
  const r = spawnSync(PYTHON, [join(__dirname, 'sklearn_reference.py'), file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`sklearn_reference.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Reference;
}

/** scikit-learn's diabetes regression data (442 × 10), read from the files Debian's python3-sklearn ships. */
export function diabetesTable(): ImportedTable {
  const rows = gunzipSync(readFileSync(join(SKLEARN_DATA, 'diabetes_data_raw.csv.gz'))).toString('utf8').trim().split(/\r?\n/);
  const target = gunzipSync(readFileSync(join(SKLEARN_DATA, 'diabetes_target.csv.gz'))).toString('utf8').trim().split(/\r?\n/);
  const columns = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6', 'progression'];
  return { columns, rows: rows.map((l, i) => [...l.trim().split(/\s+/).map(Number), Number(target[i])]) };
}

/** scikit-learn's wine data (178 × 13, 3 classes), also from python3-sklearn's files. */
export function wineTable(): ImportedTable {
  const lines = readFileSync(join(SKLEARN_DATA, 'wine_data.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  const columns = [...Array.from({ length: 13 }, (_, i) => `f${i + 1}`), 'cultivar'];
  return { columns, rows: lines.map((l) => l.split(',').map((v, j) => (j === 13 ? `c${v}` : Number(v)))) };
}

/** Test-split score of predictions: accuracy (classification) or R². */
export function testScore(data: DatasetView, pred: Float32Array): number {
  const { n, y } = data.test;
  if (data.task === 'classification') {
    const k = data.classes.length;
    let right = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (pred[i * k + j] > pred[i * k + best]) best = j;
      if (best === y[i]) right++;
    }
    return right / n;
  }
  const mean = y.reduce((a, b) => a + b, 0) / n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    res += (y[i] - pred[i]) ** 2;
    tot += (y[i] - mean) ** 2;
  }
  return 1 - res / tot;
}
