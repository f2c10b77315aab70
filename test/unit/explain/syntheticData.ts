/**
 * Synthetic data with a known answer for the explanation tests:
 *  - images: "lesion" images hold one bright disk at a random place on a noisy background,
 *    "normal" images only the background; the disk's centre and radius are kept per row;
 *  - a table of 10 standard-normal features whose label depends on features f2 and f7 only.
 */
import type { DatasetMeta } from '../../../src-main/core/domain';
import type { DatasetTensors } from '../../../src-main/core/engine/host/datasetTensors';
import { createRng, type Rng } from '../../../src-main/core/util/random';

function gaussian(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

function meta(over: Partial<DatasetMeta>): DatasetMeta {
  return {
    id: 'synthetic', name: 'synthetic', kind: 'tabular', source: '', rows: 0, features: [], target: 'label', task: 'classification',
    classes: [], inputShape: [], splits: { train: 0, validation: 0, test: 0 }, splitSeed: 7, columns: [], hash: 'test', file: '', bytes: 0,
    createdAt: new Date(0).toISOString(), ...over,
  };
}

/** Every 5th row test, the next one validation, the rest train. */
function splits(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 2 : i % 5 === 1 ? 1 : 0));
}

export interface LesionImages {
  data: DatasetTensors;
  meta: DatasetMeta;
  /** Per row: the disk's centre (row, col) and radius, or null for a normal image. */
  lesions: ({ row: number; col: number; radius: number } | null)[];
}

export function lesionImages(n = 400, size = 24, radius = 3, seed = 11): LesionImages {
  const rng = createRng(seed);
  const x = new Float32Array(n * size * size);
  const y = new Float32Array(n);
  const lesions: LesionImages['lesions'] = [];
  for (let i = 0; i < n; i++) {
    const hasLesion = i % 2 === 0;
    y[i] = hasLesion ? 1 : 0;
    const cy = radius + 1 + Math.floor(rng.next() * (size - 2 * radius - 2));
    const cx = radius + 1 + Math.floor(rng.next() * (size - 2 * radius - 2));
    lesions.push(hasLesion ? { row: cy, col: cx, radius } : null);
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        let v = 0.3 + 0.08 * gaussian(rng);
        if (hasLesion && (r - cy) ** 2 + (c - cx) ** 2 <= radius * radius) v = 0.85 + 0.05 * gaussian(rng);
        x[(i * size + r) * size + c] = Math.min(1, Math.max(0, v));
      }
    }
  }
  const split = splits(n);
  return {
    data: { inputShape: [size, size, 1], n, x, y, split },
    meta: meta({ kind: 'image', name: 'lesions', rows: n, features: ['pixels'], classes: ['normal', 'lesion'], inputShape: [size, size, 1] }),
    lesions,
  };
}

export const INFORMATIVE = ['f2', 'f7'];

export function twoFeatureTable(n = 600, seed = 5): { data: DatasetTensors; meta: DatasetMeta } {
  const rng = createRng(seed);
  const width = 10;
  const x = new Float32Array(n * width);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < width; j++) x[i * width + j] = gaussian(rng);
    y[i] = x[i * width + 2] + x[i * width + 7] > 0 ? 1 : 0;
  }
  const features = Array.from({ length: width }, (_, j) => `f${j}`);
  return {
    data: { inputShape: [width], n, x, y, split: splits(n) },
    meta: meta({ name: 'two-features', rows: n, features, classes: ['no', 'yes'], inputShape: [width] }),
  };
}
