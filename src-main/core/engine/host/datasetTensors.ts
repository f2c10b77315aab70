/**
 * The in-memory form of a dataset the trainer consumes. The dataset importer's `loadDatasetTensors`
 * returns this shape; the trainer never reads files itself, so tests can build one directly.
 */
export interface DatasetTensors {
  /** Shape of one sample, e.g. [4] or [8, 8, 1]. */
  inputShape: number[];
  /** Number of rows. */
  n: number;
  /** n × prod(inputShape) features, already normalised. */
  x: Float32Array;
  /** n values: the class index (classification) or the target value (regression). */
  y: Float32Array;
  /** n split codes: 0 train, 1 validation, 2 test. */
  split: Uint8Array;
}

export const SPLIT_TRAIN = 0;
export const SPLIT_VALIDATION = 1;
export const SPLIT_TEST = 2;

/** Row indices of one split, in stored order. */
export function splitRows(data: DatasetTensors, code: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < data.n; i++) if (data.split[i] === code) rows.push(i);
  return rows;
}

/** Gather the features of `rows` into one contiguous array. */
export function gatherFeatures(data: DatasetTensors, rows: number[]): Float32Array {
  const width = data.inputShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => out.set(data.x.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

export function gatherTargets(data: DatasetTensors, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length);
  rows.forEach((r, i) => (out[i] = data.y[r]));
  return out;
}
