/**
 * Pages of a stored dataset for the UI's virtualised table, in original (un-normalised)
 * values: numeric features as stored (missing → null), one-hot groups folded back into
 * their category, the target as its class label; images as small PNG data URLs.
 */
import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import type { Table } from 'apache-arrow';
import type { DatasetMeta, SplitName } from '../domain';
import type { DatasetPreview } from '../service';
import { PIXELS_COLUMN, SPLIT_COLUMN, columnArray, fixedBinaryBytes, readColumnarFile } from './columnarFile';
import { SPLIT_NAMES } from './split';
import { MISSING_CATEGORY, oneHotName } from './typeInference';

// The last file read, so paging through a table doesn't re-read it for every page.
let cached: { file: string; mtimeKey: string; table: Table } | null = null;

export async function tableOf(file: string, hash: string): Promise<Table> {
  const s = await stat(file);
  const key = `${s.size}:${s.mtimeMs}`;
  if (cached && cached.file === file && cached.mtimeKey === key) return cached.table;
  const table = await readColumnarFile(file, hash);
  cached = { file, mtimeKey: key, table };
  return table;
}

/** Forget the cached table (after a dataset is deleted, say). */
export function clearPreviewCache(): void {
  cached = null;
}

type Cell = string | number | null;

/** Shortest decimal that reads back as the same float32, so 5.1 shows as 5.1, not 5.099999904632568. */
function float32Text(v: number): number {
  for (let p = 1; p <= 9; p++) {
    const r = Number(v.toPrecision(p));
    if (Math.fround(r) === v) return r;
  }
  return v;
}

export async function previewDataset(file: string, meta: DatasetMeta, range: { offset: number; limit: number }): Promise<DatasetPreview> {
  const table = await tableOf(file, meta.hash);
  const total = table.numRows;
  const start = Math.max(0, Math.min(Math.floor(range.offset), total));
  const end = Math.min(total, start + Math.max(0, Math.floor(range.limit)));
  const split = columnArray<Uint8Array>(table, SPLIT_COLUMN);
  const target = meta.target ?? '';
  const y = columnArray<Int32Array | Float64Array>(table, target);
  const targetCell = (i: number): Cell => (meta.task === 'classification' ? meta.classes[y[i]] ?? null : y[i]);
  const splits: SplitName[] = [];
  for (let i = start; i < end; i++) splits.push(SPLIT_NAMES[split[i]]);

  if (meta.kind === 'image') {
    const [h, w, c] = meta.inputShape;
    const size = h * w * c;
    const px = fixedBinaryBytes(table, PIXELS_COLUMN);
    const rows: Cell[][] = [];
    for (let i = start; i < end; i++) {
      const png = await sharp(Buffer.from(px.subarray(i * size, (i + 1) * size)), { raw: { width: w, height: h, channels: c as 1 | 3 } }).png().toBuffer();
      rows.push([`data:image/png;base64,${png.toString('base64')}`, targetCell(i)]);
    }
    return { columns: [PIXELS_COLUMN, target], rows, splits, total };
  }

  // Source feature columns in their original order; categorical ones read back from their one-hot group.
  const features = meta.columns.filter((c) => c.name !== meta.target && c.type !== 'text' && !c.excluded);
  const readers: ((i: number) => Cell)[] = features.map((c) => {
    if (c.type === 'category') {
      const cats = c.categories ?? [];
      const cols = cats.map((v) => columnArray<Float32Array>(table, oneHotName(c.name, v)));
      return (i) => {
        for (let k = 0; k < cols.length; k++) if (cols[k][i] === 1) return cats[k] === MISSING_CATEGORY ? null : cats[k];
        return null;
      };
    }
    const col = columnArray<Float32Array>(table, c.name);
    return (i) => (Number.isNaN(col[i]) ? null : float32Text(col[i]));
  });
  const rows: Cell[][] = [];
  for (let i = start; i < end; i++) rows.push([...readers.map((r) => r(i)), targetCell(i)]);
  return { columns: [...features.map((c) => c.name), target], rows, splits, total };
}

export interface ClassBalance {
  classes: string[];
  /** counts[split][classIndex]; empty arrays for regression. */
  counts: Record<SplitName, number[]>;
}

export async function classBalance(file: string, meta: DatasetMeta): Promise<ClassBalance> {
  const counts: Record<SplitName, number[]> = {
    train: meta.classes.map(() => 0),
    validation: meta.classes.map(() => 0),
    test: meta.classes.map(() => 0),
  };
  if (meta.task !== 'classification' || !meta.target) return { classes: [], counts: { train: [], validation: [], test: [] } };
  const table = await tableOf(file, meta.hash);
  const split = columnArray<Uint8Array>(table, SPLIT_COLUMN);
  const y = columnArray<Int32Array>(table, meta.target);
  for (let i = 0; i < y.length; i++) counts[SPLIT_NAMES[split[i]]][y[i]]++;
  return { classes: [...meta.classes], counts };
}
