/**
 * What the Datasets page draws beyond the table: per-column histograms (numeric) and value counts
 * (categorical) over a chosen split, and image grids per class (image datasets, and tabular ones
 * whose features are the pixels of a square grey image, such as the 8×8 digits sample), as Lobe
 * shows them. Thumbnails are small PNG data URLs.
 */
import sharp from 'sharp';
import type { DatasetMeta, SplitName } from '../domain';
import type { Table } from 'apache-arrow';
import { PIXELS_COLUMN, SPLIT_COLUMN, columnArray, fixedBinaryBytes } from './columnarFile';
import { tableOf } from './preview';
import { SPLIT_NAMES } from './split';
import { MISSING_CATEGORY, oneHotName } from './typeInference';
import { histogram, valueCounts, type Histogram } from './histogram';
import { LaminaError } from '../util/errors';
import { hasImages, squareImageSide } from './imageLike';

export type SplitChoice = SplitName | 'all';

export interface ColumnDistribution {
  name: string;
  type: string;
  histogram?: Histogram;
  counts?: { value: string; count: number }[];
}

export interface DatasetDistributions {
  split: SplitChoice;
  rows: number;
  columns: ColumnDistribution[];
}

export interface DatasetImage {
  row: number;
  label: string | null;
  split: SplitName;
  src: string;
}

function splitFilter(split: Uint8Array, choice: SplitChoice): (i: number) => boolean {
  if (choice === 'all') return () => true;
  const code = SPLIT_NAMES.indexOf(choice);
  return (i) => split[i] === code;
}

export async function distributions(file: string, meta: DatasetMeta, choice: SplitChoice): Promise<DatasetDistributions> {
  const table = await tableOf(file, meta.hash);
  const split = columnArray<Uint8Array>(table, SPLIT_COLUMN);
  const keep = splitFilter(split, choice);
  const rows: number[] = [];
  for (let i = 0; i < table.numRows; i++) if (keep(i)) rows.push(i);
  const columns: ColumnDistribution[] = [];
  if (meta.kind === 'image') return { split: choice, rows: rows.length, columns: targetColumn() };
  for (const c of meta.columns) {
    if (c.excluded || c.type === 'text' || c.name === meta.target) continue;
    if (c.type === 'category') {
      const cats = c.categories ?? [];
      const cols = cats.map((v) => columnArray<Float32Array>(table, oneHotName(c.name, v)));
      const values = rows.map((i) => {
        for (let k = 0; k < cols.length; k++) if (cols[k]![i] === 1) return cats[k] === MISSING_CATEGORY ? null : cats[k]!;
        return null;
      });
      columns.push({ name: c.name, type: c.type, counts: valueCounts(values) });
    } else if (table.getChild(c.name)) {
      const col = columnArray<Float32Array>(table, c.name);
      columns.push({ name: c.name, type: c.type, histogram: histogram(Float64Array.from(rows, (i) => col[i]!)) });
    }
  }
  columns.push(...targetColumn());
  return { split: choice, rows: rows.length, columns };

  function targetColumn(): ColumnDistribution[] {
    if (!meta.target || !table.getChild(meta.target)) return [];
    const y = columnArray<Int32Array | Float64Array>(table, meta.target);
    if (meta.task === 'classification') return [{ name: meta.target, type: 'target', counts: valueCounts(rows.map((i) => meta.classes[y[i]!] ?? null), 50) }];
    return [{ name: meta.target, type: 'target', histogram: histogram(Float64Array.from(rows, (i) => y[i]!)) }];
  }
}

/**
 * Images of the given rows, or the first `perClass` of each class in the split (in row order, so
 * the grid is the same every time).
 */
export async function datasetImages(file: string, meta: DatasetMeta, opts: { rows?: number[]; perClass?: number; split?: SplitChoice }): Promise<DatasetImage[]> {
  if (!hasImages(meta)) throw new LaminaError('input', `dataset "${meta.name}" holds no images (it is ${meta.kind})`, { field: 'dataset' });
  const table = await tableOf(file, meta.hash);
  const split = columnArray<Uint8Array>(table, SPLIT_COLUMN);
  const y = meta.target && table.getChild(meta.target) ? columnArray<Int32Array | Float64Array>(table, meta.target) : null;
  const label = (i: number) => (y ? (meta.task === 'classification' ? meta.classes[y[i]!] ?? null : String(y[i])) : null);
  let rows: number[];
  if (opts.rows) {
    for (const r of opts.rows) if (!Number.isInteger(r) || r < 0 || r >= table.numRows) throw new LaminaError('input', `row ${r} is not in dataset "${meta.name}" (0..${table.numRows - 1})`, { field: 'rows' });
    rows = opts.rows;
  } else {
    const keep = splitFilter(split, opts.split ?? 'all');
    const per = opts.perClass ?? 8;
    const taken = new Map<string, number>();
    rows = [];
    for (let i = 0; i < table.numRows; i++) {
      if (!keep(i)) continue;
      const k = label(i) ?? '';
      const n = taken.get(k) ?? 0;
      if (n >= per) continue;
      taken.set(k, n + 1);
      rows.push(i);
    }
  }
  const png = await pngMaker(table, meta);
  const out: DatasetImage[] = [];
  for (const i of rows) out.push({ row: i, label: label(i), split: SPLIT_NAMES[split[i]!]!, src: await png(i) });
  return out;
}

async function pngMaker(table: Table, meta: DatasetMeta): Promise<(i: number) => Promise<string>> {
  const encode = async (raw: Buffer, w: number, h: number, c: number) => {
    // Small images are scaled up (nearest neighbour) so a thumbnail stays sharp.
    const scale = Math.max(1, Math.floor(48 / Math.max(w, h)));
    const img = sharp(raw, { raw: { width: w, height: h, channels: c as 1 | 3 } });
    const buf = await (scale > 1 ? img.resize(w * scale, h * scale, { kernel: 'nearest' }) : img).png().toBuffer();
    return `data:image/png;base64,${buf.toString('base64')}`;
  };
  if (meta.kind === 'image') {
    const [h, w, c] = meta.inputShape as [number, number, number];
    const size = h * w * c;
    const px = fixedBinaryBytes(table, PIXELS_COLUMN);
    return (i) => encode(Buffer.from(px.subarray(i * size, (i + 1) * size)), w, h, c);
  }
  const side = squareImageSide(meta)!;
  const cols = meta.features.map((f) => columnArray<Float32Array>(table, f));
  // One scale for the whole dataset (digits: 0–16), from the columns' maxima.
  let top = 0;
  for (const c of meta.columns) if (meta.features.includes(c.name) && (c.max ?? 0) > top) top = c.max!;
  for (const col of cols) for (let i = 0; i < col.length; i++) if (col[i]! > top) top = col[i]!;
  return (i) => encode(Buffer.from(Uint8Array.from(cols, (col) => Math.round((255 * Math.max(0, col[i]!)) / (top || 1)))), side, side, 1);
}
