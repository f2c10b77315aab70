/**
 * What the training host calls: the stored Arrow file → normalised tensors.
 *  - tabular: numeric features (v - mean) / std with the train-split statistics recorded in
 *    the meta; missing numeric cells (NaN in the file) take the train mean, i.e. 0 after
 *    normalisation; one-hot columns stay 0/1;
 *  - images: bytes / 255, HWC.
 */
import { access } from 'node:fs/promises';
import type { DatasetMeta, SplitName } from '../domain';
import type { DatasetTensors } from '../engine/host/datasetTensors';
import { LaminaError } from '../util/errors';
import { sha256File } from '../util/hash';
import { PIXELS_COLUMN, SPLIT_COLUMN, columnArray, fixedBinaryBytes, readColumnarFile } from './columnarFile';
import { SPLIT_CODE } from './split';

export type { DatasetTensors };

/** Mean/std to apply to each stored feature column: numeric source columns by name, else identity. */
export function featureNormalisation(meta: DatasetMeta): { mean: number; std: number }[] {
  const numeric = new Map(meta.columns.filter((c) => c.type === 'number').map((c) => [c.name, c]));
  const oneHot = new Set<string>();
  for (const c of meta.columns) if (c.type === 'category' && c.name !== meta.target) for (const v of c.categories ?? []) oneHot.add(`${c.name}=${v}`);
  return meta.features.map((name) => {
    const c = numeric.get(name);
    if (!c || oneHot.has(name)) return { mean: 0, std: 1 };
    return { mean: c.mean ?? 0, std: c.std && c.std > 0 ? c.std : 1 };
  });
}

export async function loadDatasetTensors(file: string, meta: DatasetMeta): Promise<DatasetTensors> {
  const table = await readColumnarFile(file, meta.hash);
  const n = table.numRows;
  if (n !== meta.rows) {
    throw new LaminaError('failed', `${file}: holds ${n} rows but the catalog says ${meta.rows}; re-import the dataset`, { file });
  }
  if (!meta.target) throw new LaminaError('failed', `dataset ${meta.id} has no target column`);
  const split = Uint8Array.from(columnArray<Uint8Array>(table, SPLIT_COLUMN));
  const yRaw = columnArray<Int32Array | Float64Array>(table, meta.target);
  const y = Float32Array.from(yRaw);
  const width = meta.inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n * width);

  if (meta.kind === 'image') {
    const px = fixedBinaryBytes(table, PIXELS_COLUMN);
    if (px.length !== x.length) throw new LaminaError('failed', `${file}: pixel data does not match the shape ${JSON.stringify(meta.inputShape)}`, { file });
    for (let k = 0; k < px.length; k++) x[k] = px[k] / 255;
  } else {
    if (meta.features.length !== width) throw new LaminaError('failed', `${file}: ${meta.features.length} features but input shape ${JSON.stringify(meta.inputShape)}`, { file });
    const norm = featureNormalisation(meta);
    meta.features.forEach((name, j) => {
      const col = columnArray<Float32Array>(table, name);
      const { mean, std } = norm[j];
      for (let i = 0; i < n; i++) {
        const v = col[i];
        x[i * width + j] = Number.isNaN(v) ? 0 : (v - mean) / std;
      }
    });
  }
  return { inputShape: [...meta.inputShape], n, x, y, split };
}

export function selectSplit(t: DatasetTensors, s: SplitName): { x: Float32Array; y: Float32Array; n: number } {
  const code = SPLIT_CODE[s];
  const width = t.inputShape.reduce((a, b) => a * b, 1);
  let count = 0;
  for (let i = 0; i < t.n; i++) if (t.split[i] === code) count++;
  const x = new Float32Array(count * width);
  const y = new Float32Array(count);
  let at = 0;
  for (let i = 0; i < t.n; i++) {
    if (t.split[i] !== code) continue;
    x.set(t.x.subarray(i * width, (i + 1) * width), at * width);
    y[at++] = t.y[i];
  }
  return { x, y, n: count };
}

/** True when the file exists and its sha256 is `expectedHash` (the run records which data it trained on). */
export async function verifyDatasetFile(file: string, expectedHash: string): Promise<boolean> {
  try {
    await access(file);
  } catch {
    return false;
  }
  return (await sha256File(file)) === expectedHash.toLowerCase();
}
