/**
 * The stored form of an imported dataset: one Apache Arrow IPC file.
 *  - tabular: one Float32 column per feature (NaN = missing, imputed at load time), the
 *    target (Int32 class index or Float64 value), and `__split` (Uint8: 0 train, 1 validation, 2 test);
 *  - images: `pixels` (FixedSizeBinary of h*w*c bytes, row-major HWC), target, `__split`,
 *    with the shape in the schema metadata.
 * Encoding depends only on the data and the metadata passed in (no timestamps, no paths),
 * so the same inputs give the same bytes and the same sha256.
 */
import { readFile } from 'node:fs/promises';
import type { Field, FixedSizeBinary, Table, Data, DataType } from 'apache-arrow';
import { arrow } from '../util/lazyModules';
import { sha256 } from '../util/hash';
import { LaminaError } from '../util/errors';
import { writeFileAtomic } from '../util/atomicWrite';

export const SPLIT_COLUMN = '__split';
export const PIXELS_COLUMN = 'pixels';
/** Schema metadata key holding a JSON description of the dataset (see ColumnarMetadata). */
export const METADATA_KEY = 'lamina';

export interface ColumnarMetadata {
  format: 1;
  kind: 'tabular' | 'image';
  task: 'classification' | 'regression';
  target: string;
  classes: string[];
  inputShape: number[];
}

export interface TabularColumns {
  features: { name: string; values: Float32Array }[];
  target: { name: string; values: Int32Array | Float64Array };
  split: Uint8Array;
  meta: ColumnarMetadata;
}

export interface ImageColumns {
  /** n * h * w * c bytes. */
  pixels: Uint8Array;
  target: { name: string; values: Int32Array };
  split: Uint8Array;
  meta: ColumnarMetadata;
}

function buildTable(fields: Field[], children: Data<DataType>[], n: number, meta: ColumnarMetadata): Table {
  const { Schema, RecordBatch, Struct, Table, makeData } = arrow();
  const schema = new Schema(fields, new Map([[METADATA_KEY, JSON.stringify(meta)]]));
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
  return new Table(schema, batch);
}

export function encodeTabular(cols: TabularColumns): Uint8Array {
  const { Field, Float32, Float64, Int32, Uint8, makeData, tableToIPC } = arrow();
  const n = cols.split.length;
  const fields: Field[] = [];
  const children: Data<DataType>[] = [];
  for (const f of cols.features) {
    fields.push(new Field(f.name, new Float32(), false));
    children.push(makeData({ type: new Float32(), length: n, data: f.values }));
  }
  if (cols.target.values instanceof Int32Array) {
    fields.push(new Field(cols.target.name, new Int32(), false));
    children.push(makeData({ type: new Int32(), length: n, data: cols.target.values }));
  } else {
    fields.push(new Field(cols.target.name, new Float64(), false));
    children.push(makeData({ type: new Float64(), length: n, data: cols.target.values }));
  }
  fields.push(new Field(SPLIT_COLUMN, new Uint8(), false));
  children.push(makeData({ type: new Uint8(), length: n, data: cols.split }));
  return tableToIPC(buildTable(fields, children, n, cols.meta), 'file');
}

export function encodeImages(cols: ImageColumns): Uint8Array {
  const { Field, FixedSizeBinary, Int32, Uint8, makeData, tableToIPC } = arrow();
  const n = cols.split.length;
  const width = cols.meta.inputShape.reduce((a, b) => a * b, 1);
  const type = new FixedSizeBinary(width);
  const fields = [
    new Field(PIXELS_COLUMN, type, false),
    new Field(cols.target.name, new Int32(), false),
    new Field(SPLIT_COLUMN, new Uint8(), false),
  ];
  const children = [
    makeData({ type, length: n, data: cols.pixels }),
    makeData({ type: new Int32(), length: n, data: cols.target.values }),
    makeData({ type: new Uint8(), length: n, data: cols.split }),
  ] as Data<DataType>[];
  return tableToIPC(buildTable(fields, children, n, cols.meta), 'file');
}

/**
 * Writes `bytes` to `tmpFile`, fsyncs it, then renames it onto `finalFile` (same filesystem: atomic)
 * and fsyncs the folder, so a dataset file exists only when complete. Returns the content hash.
 */
export async function writeColumnarFile(tmpFile: string, finalFile: string, bytes: Uint8Array): Promise<{ hash: string; bytes: number }> {
  await writeFileAtomic(finalFile, bytes, { part: tmpFile });
  return { hash: sha256(bytes), bytes: bytes.length };
}

/**
 * Read a dataset file. With `expectedHash` (the content hash recorded at import) a file that was
 * changed or damaged since is refused with a clear error, before Arrow tries to parse it.
 */
export async function readColumnarFile(file: string, expectedHash?: string): Promise<Table> {
  const bytes = await readFile(file);
  if (expectedHash !== undefined) {
    const actual = sha256(bytes);
    if (actual !== expectedHash.toLowerCase()) {
      throw new LaminaError(
        'input',
        `${file}: the dataset file no longer matches the hash recorded when it was imported (${expectedHash.slice(0, 12)}…, now ${actual.slice(0, 12)}…): it was changed or damaged; import the data again`,
        { file },
      );
    }
  }
  return arrow().tableFromIPC(bytes);
}

export function columnarMetadata(table: Table): ColumnarMetadata | null {
  const raw = table.schema.metadata.get(METADATA_KEY);
  return raw ? (JSON.parse(raw) as ColumnarMetadata) : null;
}

/** A primitive column as one contiguous typed array (copied only when the file has several batches). */
export function columnArray<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(table: Table, name: string): T {
  const vec = table.getChild(name);
  if (!vec) throw new Error(`column "${name}" is not in the dataset file`);
  return vec.toArray() as unknown as T;
}

/** The bytes of a FixedSizeBinary column, all rows back to back. */
export function fixedBinaryBytes(table: Table, name: string): Uint8Array {
  const vec = table.getChild(name);
  if (!vec) throw new Error(`column "${name}" is not in the dataset file`);
  const width = (vec.type as FixedSizeBinary).byteWidth;
  const out = new Uint8Array(vec.length * width);
  let at = 0;
  for (const d of vec.data) {
    const part = (d.values as Uint8Array).subarray(d.offset * width, (d.offset + d.length) * width);
    out.set(part, at);
    at += part.length;
  }
  return out;
}
