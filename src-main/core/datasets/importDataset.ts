/**
 * Dataset import: read (streamed) → infer column types, target and task → split (seeded,
 * stratified) → train-split statistics → one Arrow file written to the workspace's .tmp and
 * renamed into datasets/<id>.arrow only when complete. On any error nothing is left behind.
 * The catalog (SQLite) is the caller's business: this returns the DatasetMeta to record.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { ColumnStats, DatasetMeta, Task } from '../domain';
import type { InteractionsImport } from '../../../plugins/sdk/src/interactions';
import type { ImportOptions } from '../service';
import { LaminaError, inputError } from '../util/errors';
import type { WorkspacePaths } from '../workspace/workspace';
import { encodeImages, encodeTabular, writeColumnarFile, type ColumnarMetadata } from './columnarFile';
import { readCsvRows, type CsvRow } from './csvReader';
import { readImageFolder } from './imageFolder';
import { readJsonTable } from './jsonReader';
import type { TextEncoding } from './textDecoding';
import { screenColumns } from './columnScreening';
import { encodePluginImages, type PluginImages } from './pluginImages';
import { trainStats } from './normalisation';
import { DEFAULT_SPLIT, SPLIT_CODE, assignSplits, splitCounts, validateSplitFractions } from './split';
import {
  ColumnAccumulator, GrowableI32, MAX_CATEGORIES, MISSING_CATEGORY, OTHER_CATEGORY, assertNumericColumn, naturalCompare, oneHotName,
} from './typeInference';

export const BUILTIN_IMPORTERS = ['csv', 'tsv', 'json', 'image-folder'] as const;
export type BuiltinImporter = (typeof BUILTIN_IMPORTERS)[number];
export const DEFAULT_SPLIT_SEED = 42;
/** An integer target with at most this many distinct values is taken as class labels. */
export const MAX_INTEGER_CLASSES = 20;

export interface ImportDatasetOptions extends ImportOptions {
  /** Dataset id (file name of the stored form); generated when absent. */
  id?: string;
  /** Image folders: output size, square (number) or [height, width]. Default 28. */
  imageSize?: number | [number, number];
  /** A table a plugin importer produced from `file` (the core ran the plugin in a host process). */
  table?: PluginTable;
  /** Images a plugin importer produced from `file` (plugin API 1.1.0). */
  images?: PluginImages;
}

export interface PluginTable {
  /** `<plugin id>/<importer id>`, for messages. */
  importer: string;
  columns: string[];
  rows: (string | number | null)[][];
  /** An interactions importer's description: its split replaces ours, the value column is the target. */
  interactions?: InteractionsImport;
}

type Progress = NonNullable<ImportOptions['onProgress']>;

/** What a reader produced, before it becomes a file. */
interface Encoded {
  kind: 'tabular' | 'image';
  bytes: Uint8Array;
  rows: number;
  features: string[];
  target: string;
  task: Task;
  classes: string[];
  inputShape: number[];
  split: Uint8Array;
  columns: ColumnStats[];
  grouping?: DatasetMeta['grouping'];
}

export function chooseImporter(file: string, isDirectory: boolean, forced?: string): BuiltinImporter {
  if (forced !== undefined) {
    if (!(BUILTIN_IMPORTERS as readonly string[]).includes(forced)) {
      throw new LaminaError('usage', `unknown importer "${forced}" (built-in importers: ${BUILTIN_IMPORTERS.join(', ')})`, { field: 'importer' });
    }
    if ((forced === 'image-folder') !== isDirectory) {
      throw inputError(`${file}: the ${forced} importer needs ${forced === 'image-folder' ? 'a folder' : 'a file'}`, { file, field: 'importer' });
    }
    return forced as BuiltinImporter;
  }
  if (isDirectory) return 'image-folder';
  const ext = extname(file).toLowerCase();
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.json' || ext === '.jsonl' || ext === '.ndjson') return 'json';
  return 'csv';
}

export async function importDataset(file: string, opts: ImportDatasetOptions, paths: WorkspacePaths): Promise<DatasetMeta> {
  const source = resolve(file);
  const id = opts.id ?? randomUUID().replace(/-/g, '');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id)) {
    throw new LaminaError('usage', `dataset id "${id}" must be letters, digits, dot, dash or underscore`, { field: 'id' });
  }
  const fractions = validateSplitFractions(opts.split ?? DEFAULT_SPLIT);
  const seed = opts.seed ?? DEFAULT_SPLIT_SEED;
  if (!Number.isInteger(seed) || seed < 0) throw inputError(`seed must be a whole number ≥ 0, got ${seed}`, { field: 'seed' });
  if (opts.task !== undefined && opts.task !== 'classification' && opts.task !== 'regression') {
    throw inputError(`task must be classification or regression, got "${String(opts.task)}"`, { field: 'task' });
  }

  let st;
  try {
    st = await stat(source);
  } catch {
    throw inputError(`${source}: no such file or folder`, { file: source });
  }
  const importer = opts.table || opts.images ? 'plugin' : chooseImporter(source, st.isDirectory(), opts.importer);
  const onProgress: Progress = opts.onProgress ?? (() => {});

  const relFile = `datasets/${id}.arrow`;
  const finalFile = join(paths.datasets, `${id}.arrow`);
  const tmpFile = join(paths.tmp, `${id}.arrow.part`);
  await mkdir(paths.datasets, { recursive: true });
  await mkdir(paths.tmp, { recursive: true });
  if (await stat(finalFile).then(() => true, () => false)) {
    throw new LaminaError('conflict', `dataset file ${relFile} already exists`, { field: 'id' });
  }

  try {
    const enc = opts.images
      ? encodeImagesFromPlugin(source, opts.images, fractions, seed)
      : importer === 'image-folder'
      ? await encodeImageFolder(source, opts, fractions, seed, onProgress)
      : await encodeTable(source, importer, st.size, opts, fractions, seed, onProgress);
    onProgress({ phase: 'write', done: 0, total: enc.bytes.length });
    const written = await writeColumnarFile(tmpFile, finalFile, enc.bytes);
    onProgress({ phase: 'done', done: enc.rows, total: enc.rows });
    return {
      id,
      name: opts.name ?? basename(source, importer === 'image-folder' || opts.images ? '' : extname(source)),
      kind: enc.kind,
      source,
      rows: enc.rows,
      features: enc.features,
      target: enc.target,
      task: enc.task,
      classes: enc.classes,
      inputShape: enc.inputShape,
      splits: splitCounts(enc.split),
      splitSeed: seed,
      columns: enc.columns,
      ...(opts.table?.interactions ? { interactions: datasetInteractions(opts.table.interactions) } : {}),
      hash: written.hash,
      file: relFile,
      bytes: written.bytes,
      createdAt: new Date().toISOString(),
      ...(enc.grouping ? { grouping: enc.grouping } : {}),
      ...(opts.images ? { importInfo: { importer: opts.images.importer, ...opts.images.info } } : {}),
    };
  } catch (err) {
    // Loses nothing, leaves nothing: neither the part file nor a half-renamed dataset.
    await rm(tmpFile, { force: true });
    throw err;
  }
}

// ---- tabular ---------------------------------------------------------------------------

async function openTable(
  file: string, importer: 'csv' | 'tsv' | 'json' | 'plugin', totalBytes: number, onBytes: (b: number) => void, table?: PluginTable, encoding?: TextEncoding,
): Promise<{ header: string[]; rows: AsyncIterator<CsvRow>; close: () => Promise<void> }> {
  if (importer === 'plugin') {
    if (!table) throw inputError(`${file}: no table from the plugin importer`, { file });
    // Row i of a plugin's table is reported as "line" i + 2, as if the header were line 1.
    const rows = table.rows.map((r, i): CsvRow => ({ cells: r.map((c) => (c === null || c === undefined ? '' : String(c))), line: i + 2 }));
    const it = rows[Symbol.iterator]();
    return { header: table.columns, rows: { next: async () => it.next() } as AsyncIterator<CsvRow>, close: async () => {} };
  }
  if (importer === 'json') {
    const t = await readJsonTable(file, { onBytes, encoding });
    const it = t.rows[Symbol.asyncIterator]();
    return { header: t.columns, rows: it, close: async () => { await it.return?.(); } };
  }
  const gen = readCsvRows(file, { delimiter: importer === 'tsv' ? '\t' : undefined, onBytes, encoding });
  const first = await gen.next();
  if (first.done) throw inputError(`${file}: the file is empty (${totalBytes} bytes, no header line)`, { file, line: 1 });
  return { header: first.value.cells, rows: gen, close: async () => { await gen.return(undefined); } };
}

function checkHeader(file: string, header: string[]): string[] {
  const names = header.map((h, j) => h.trim() || `column_${j + 1}`);
  const seen = new Map<string, number>();
  names.forEach((name, j) => {
    const prev = seen.get(name);
    if (prev !== undefined) {
      throw inputError(`${file}:1: duplicate column name "${name}" (columns ${prev + 1} and ${j + 1})`, { file, line: 1, column: j + 1 });
    }
    seen.set(name, j);
  });
  return names;
}

async function encodeTable(
  file: string, importer: 'csv' | 'tsv' | 'json' | 'plugin', totalBytes: number, opts: ImportDatasetOptions,
  fractions: [number, number, number], seed: number, onProgress: Progress,
): Promise<Encoded> {
  let rowsRead = 0;
  const report = (bytes: number) => {
    // `rows` rides along for UIs that want it; done/total are bytes so done/total is a fraction.
    const p = { phase: 'read', done: bytes, total: totalBytes, rows: rowsRead };
    onProgress(p);
  };
  const table = await openTable(file, importer, totalBytes, report, opts.table, opts.encoding);
  const names = checkHeader(file, table.header);
  const width = names.length;
  const acc = names.map((name, j) => new ColumnAccumulator(name, j));
  const lines = new GrowableI32();
  try {
    for (;;) {
      const r = await table.rows.next();
      if (r.done) break;
      const { cells, line } = r.value;
      if (cells.length !== width) {
        throw inputError(
          `${file}:${line}: expected ${width} columns (as in the header), found ${cells.length}`,
          { file, line, column: Math.min(cells.length, width) + 1 },
        );
      }
      for (let j = 0; j < width; j++) acc[j].add(cells[j], line);
      lines.push(line);
      rowsRead++;
    }
  } finally {
    await table.close();
  }
  const n = rowsRead;
  if (n === 0) throw inputError(`${file}: has a header (${names.join(', ')}) but no data rows`, { file, line: 2 });
  onProgress({ phase: 'analyse', done: 0, total: null });

  // Target and task (an interactions table: its value column, always regression).
  const interactions = importer === 'plugin' ? opts.table?.interactions : undefined;
  if (interactions) opts = { ...opts, target: 'value', task: 'regression' };
  const targetName = opts.target ?? names[width - 1];
  const tIndex = names.indexOf(targetName);
  if (tIndex < 0) {
    throw inputError(`${file}: target column "${targetName}" not found; columns are: ${names.join(', ')}`, { file, field: 'target' });
  }
  const tcol = acc[tIndex];
  if (tcol.missing > 0) {
    throw inputError(
      `${file}:${tcol.firstMissingLine}: the target column ${tIndex + 1} "${targetName}" is empty on this line (${tcol.missing} rows have no target)`,
      { file, line: tcol.firstMissingLine, column: tIndex + 1, field: targetName },
    );
  }
  const { task, classes, y } = resolveTarget(file, tcol, opts.task);

  // Features: identifiers and free text are left out (with the reason) unless the user keeps them.
  const featureCols = acc.filter((_, j) => j !== tIndex);
  // An interactions table's columns are the importer's own (user/item indices, timestamp): none is screened out.
  const excluded = interactions ? new Map<string, string>() : screenColumns(file, acc, targetName, opts);
  for (const c of featureCols) if (!excluded.get(c.name)) assertNumericColumn(c, file, 'feature');
  const split = interactions
    ? Uint8Array.from(interactions.split)
    : assignSplits(n, fractions, seed, task === 'classification' ? (y as Int32Array) : null);

  const features: { name: string; values: Float32Array }[] = [];
  const columns: ColumnStats[] = [];
  for (const c of featureCols) {
    const type = c.type;
    const reason = excluded.get(c.name);
    if (reason) {
      columns.push({ name: c.name, type, missing: c.missing, excluded: reason });
    } else if (type === 'number') {
      const s = trainStats(c.values.view(), split);
      features.push({ name: c.name, values: Float32Array.from(c.values.view()) });
      columns.push({ name: c.name, type, missing: c.missing, mean: s.mean, std: s.std, min: s.min, max: s.max });
    } else {
      // Categories come from the training rows only, so validation and test stay unseen; a value
      // that occurs only outside training goes to one "(other)" slot, as it would for new data.
      const { categories, slots } = trainCategories(c.categoryCodes(), c.categories(), split);
      for (let k = 0; k < categories.length; k++) {
        const v = new Float32Array(n);
        for (let i = 0; i < n; i++) if (slots[i] === k) v[i] = 1;
        features.push({ name: oneHotName(c.name, categories[k]), values: v });
      }
      columns.push({ name: c.name, type: 'category', missing: c.missing, categories });
    }
  }
  if (features.length === 0) {
    throw inputError(`${file}: no usable feature columns besides the target "${targetName}" (columns: ${names.join(', ')})`, { file });
  }
  const seenFeature = new Set<string>();
  for (const f of features) {
    if (seenFeature.has(f.name)) throw inputError(`${file}: two feature columns would both be named "${f.name}"; rename one`, { file, column: f.name });
    seenFeature.add(f.name);
  }
  if (task === 'classification') {
    columns.push({ name: targetName, type: 'category', missing: 0, categories: classes });
  } else {
    const s = trainStats(y, split);
    columns.push({ name: targetName, type: 'number', missing: 0, mean: s.mean, std: s.std, min: s.min, max: s.max });
  }

  const inputShape = [features.length];
  const meta: ColumnarMetadata = { format: 1, kind: 'tabular', task, target: targetName, classes, inputShape };
  onProgress({ phase: 'encode', done: 0, total: null });
  const bytes = encodeTabular({ features, target: { name: targetName, values: y }, split, meta });
  return { kind: 'tabular', bytes, rows: n, features: features.map((f) => f.name), target: targetName, task, classes, inputShape, split, columns };
}

/**
 * One-hot slots for a categorical column, from the training rows only: their values in first-seen
 * order, then "(missing)" when any cell is empty, then "(other)" when a validation/test row holds a
 * value training never saw. slots[i] is row i's slot.
 */
export function trainCategories(codes: Int32Array, values: string[], split: Uint8Array): { categories: string[]; slots: Int32Array } {
  const slotOf = new Int32Array(values.length).fill(-1);
  const categories: string[] = [];
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (split[i] === SPLIT_CODE.train && code >= 0 && slotOf[code] < 0) {
      slotOf[code] = categories.length;
      categories.push(values[code]);
    }
  }
  let missingSlot = -1;
  let otherSlot = -1;
  if (codes.some((code) => code < 0)) missingSlot = categories.push(MISSING_CATEGORY) - 1;
  if (codes.some((code) => code >= 0 && slotOf[code] < 0)) otherSlot = categories.push(OTHER_CATEGORY) - 1;
  const slots = Int32Array.from(codes, (code) => (code < 0 ? missingSlot : slotOf[code] >= 0 ? slotOf[code] : otherSlot));
  return { categories, slots };
}

function isWholeNumber(v: number): boolean {
  return Number.isInteger(v);
}

/** Decides the task and encodes the target: Int32 class indices (classes sorted numeric-aware) or Float64 values. */
function resolveTarget(file: string, col: ColumnAccumulator, forced: Task | undefined): { task: Task; classes: string[]; y: Int32Array | Float64Array } {
  const colNo = col.index + 1;
  const type = col.type;
  const values = col.values.view();
  if (forced === 'regression') {
    if (type !== 'number') {
      throw inputError(
        `${file}:${col.firstNonNumeric?.line ?? 1}: task regression needs a numeric target, but column ${colNo} "${col.name}" is categorical (e.g. ${JSON.stringify(col.firstNonNumeric?.value ?? '')})`,
        { file, line: col.firstNonNumeric?.line, column: colNo, field: 'task' },
      );
    }
    assertNumericColumn(col, file, 'target');
    return { task: 'regression', classes: [], y: Float64Array.from(values) };
  }

  // String labels: categorical target, or a forced classification over a mostly-numeric column with some text.
  if (type !== 'number' || (forced === 'classification' && col.firstNonNumeric)) {
    if (!col.hasDictionary()) {
      throw inputError(`${file}: target column ${colNo} "${col.name}" has more than ${MAX_CATEGORIES} distinct values; too many classes`, { file, column: colNo });
    }
    const cats = col.categories();
    const sorted = [...cats].sort(naturalCompare);
    const rank = new Map(sorted.map((c, i) => [c, i]));
    const remap = Int32Array.from(cats, (c) => rank.get(c)!);
    const codes = col.categoryCodes();
    const y = Int32Array.from(codes, (c) => remap[c]);
    return checkClasses(file, col, { task: 'classification', classes: sorted, y });
  }

  assertNumericColumn(col, file, 'target');
  const distinct = new Set<number>();
  let integral = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (integral && !isWholeNumber(v)) integral = false;
    if (distinct.size <= MAX_CATEGORIES) distinct.add(v);
  }
  const asClasses = forced === 'classification' || (integral && distinct.size <= MAX_INTEGER_CLASSES);
  if (!asClasses) return { task: 'regression', classes: [], y: Float64Array.from(values) };
  if (distinct.size > MAX_CATEGORIES) {
    throw inputError(`${file}: target column ${colNo} "${col.name}" has more than ${MAX_CATEGORIES} distinct values; too many classes`, { file, column: colNo });
  }
  const sorted = [...distinct].sort((a, b) => a - b);
  const index = new Map(sorted.map((v, i) => [v, i]));
  const y = Int32Array.from(values, (v) => index.get(v)!);
  return checkClasses(file, col, { task: 'classification', classes: sorted.map(String), y });
}

function checkClasses<T extends { classes: string[] }>(file: string, col: ColumnAccumulator, r: T): T {
  if (r.classes.length < 2) {
    throw inputError(`${file}: the target column ${col.index + 1} "${col.name}" has only one class (${r.classes[0]}); classification needs at least 2`, { file, column: col.index + 1 });
  }
  return r;
}

// ---- images ----------------------------------------------------------------------------

async function encodeImageFolder(
  root: string, opts: ImportDatasetOptions, fractions: [number, number, number], seed: number, onProgress: Progress,
): Promise<Encoded> {
  if (opts.task === 'regression') {
    throw inputError(`${root}: an image folder (one sub-folder per class) is a classification dataset; task regression does not apply`, { file: root, field: 'task' });
  }
  const data = await readImageFolder(root, {
    imageSize: opts.imageSize,
    onProgress: (done, total) => onProgress({ phase: 'decode', done, total }),
  });
  const n = data.labels.length;
  const split = assignSplits(n, fractions, seed, data.labels);
  const inputShape = [...data.shape];
  const size = inputShape[0] * inputShape[1] * inputShape[2];

  // Pixel statistics over the train split, for display (loading scales by 1/255).
  let count = 0, sum = 0, sumSq = 0, min = 255, max = 0;
  for (let i = 0; i < n; i++) {
    if (split[i] !== 0) continue;
    const px = data.pixels.subarray(i * size, (i + 1) * size);
    for (let k = 0; k < px.length; k++) {
      const v = px[k];
      sum += v; sumSq += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    count += size;
  }
  const mean = count ? sum / count : 0;
  const std = count ? Math.sqrt(Math.max(0, sumSq / count - mean * mean)) : 1;
  const target = 'label';
  const columns: ColumnStats[] = [
    { name: 'pixels', type: 'number', missing: 0, mean, std: std > 0 ? std : 1, min: count ? min : 0, max },
    { name: target, type: 'category', missing: 0, categories: data.classes },
  ];
  const meta: ColumnarMetadata = { format: 1, kind: 'image', task: 'classification', target, classes: data.classes, inputShape };
  onProgress({ phase: 'encode', done: 0, total: null });
  const bytes = encodeImages({ pixels: data.pixels, target: { name: target, values: data.labels }, split, meta });
  return { kind: 'image', bytes, rows: n, features: ['pixels'], target, task: 'classification', classes: data.classes, inputShape, split, columns };
}

function encodeImagesFromPlugin(source: string, images: PluginImages, fractions: [number, number, number], seed: number): Encoded {
  const e = encodePluginImages(source, images, fractions, seed);
  return {
    kind: 'image', bytes: e.bytes, rows: e.rows, features: ['pixels'], target: 'label', task: 'classification',
    classes: e.classes, inputShape: e.inputShape, split: e.split, columns: e.columns, grouping: e.grouping ?? undefined,
  };
}

/** What the catalog keeps of an interactions import (the per-row split is in the file). */
function datasetInteractions(i: InteractionsImport): NonNullable<DatasetMeta['interactions']> {
  return {
    userIds: i.userIds.map(String), itemIds: i.itemIds.map(String), implicit: Boolean(i.implicit), hasTimestamps: Boolean(i.hasTimestamps),
    ...(i.itemTitles ? { itemTitles: i.itemTitles } : {}), summary: i.summary ?? null,
  };
}
