/**
 * Test data for the trainer without the dataset importer: parse one of the shared CSVs, split it
 * 70/15/15 with a seeded shuffle, and standardise features with the training split's statistics.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DatasetMeta, Task, TrainConfig } from '../../../../src-main/core/domain';
import type { DatasetTensors } from '../../../../src-main/core/engine/host/datasetTensors';
import { createRng, shuffledIndices } from '../../../../src-main/core/util/random';

export const DATASETS = resolve(__dirname, '../../../../..', 'shared', 'datasets');

export interface TestDataset {
  data: DatasetTensors;
  meta: DatasetMeta;
}

export function csvDataset(
  file: string,
  opts: { target?: string; task?: Task; inputShape?: number[]; limit?: number; standardise?: boolean } = {},
): TestDataset {
  const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const target = opts.target ?? header[header.length - 1];
  const t = header.indexOf(target);
  const features = header.filter((_, i) => i !== t);
  const rows = lines.slice(1, opts.limit ? opts.limit + 1 : undefined).map((l) => l.split(','));
  const task: Task = opts.task ?? (rows.every((r) => Number.isFinite(Number(r[t]))) && new Set(rows.map((r) => r[t])).size > 20 ? 'regression' : 'classification');
  const classes = task === 'classification' ? [...new Set(rows.map((r) => r[t]))].sort((a, b) => (Number.isFinite(Number(a)) && Number.isFinite(Number(b)) ? Number(a) - Number(b) : a.localeCompare(b))) : [];
  const n = rows.length;
  const width = features.length;
  const x = new Float32Array(n * width);
  const y = new Float32Array(n);
  rows.forEach((r, i) => {
    let j = 0;
    r.forEach((v, c) => {
      if (c !== t) x[i * width + j++] = Number(v);
    });
    y[i] = task === 'classification' ? classes.indexOf(r[t]) : Number(r[t]);
  });
  // Seeded 70/15/15 split.
  const order = shuffledIndices(n, createRng(42));
  const split = new Uint8Array(n);
  const nTrain = Math.round(n * 0.7);
  const nVal = Math.round(n * 0.15);
  order.forEach((row, k) => (split[row] = k < nTrain ? 0 : k < nTrain + nVal ? 1 : 2));
  if (opts.standardise !== false) {
    for (let j = 0; j < width; j++) {
      let sum = 0;
      let sq = 0;
      let count = 0;
      for (let i = 0; i < n; i++) if (split[i] === 0) { sum += x[i * width + j]; sq += x[i * width + j] ** 2; count++; }
      const mean = sum / count;
      const std = Math.sqrt(Math.max(sq / count - mean * mean, 0)) || 1;
      for (let i = 0; i < n; i++) x[i * width + j] = (x[i * width + j] - mean) / std;
    }
  }
  const inputShape = opts.inputShape ?? [width];
  const counts = { train: 0, validation: 0, test: 0 };
  split.forEach((s) => counts[(['train', 'validation', 'test'] as const)[s]]++);
  const meta: DatasetMeta = {
    id: file.replace(/.*\//, '').replace(/\.csv$/, ''),
    name: file.replace(/.*\//, ''),
    kind: 'tabular',
    source: file,
    rows: n,
    features,
    target,
    task,
    classes,
    inputShape,
    splits: counts,
    splitSeed: 42,
    columns: [],
    hash: 'test',
    file: '',
    bytes: 0,
    createdAt: new Date(0).toISOString(),
  };
  return { data: { inputShape, n, x, y, split }, meta };
}

export const iris = () => csvDataset(`${DATASETS}/iris.csv`, { target: 'species' });
export const digits = () => csvDataset(`${DATASETS}/digits-8x8.csv`, { target: 'digit' });

export function trainConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    epochs: 5,
    batchSize: 16,
    seed: 1,
    optimizer: null,
    learningRate: null,
    backend: 'cpu',
    earlyStoppingPatience: 0,
    earlyStoppingMonitor: 'val_loss',
    clipNorm: null,
    clipValue: null,
    checkpointEvery: 0,
    shuffle: true,
    params: {},
    ...overrides,
  };
}
