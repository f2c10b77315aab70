/**
 * Per-sample facts and pre-display values of an image dataset (plugin API 1.2), kept beside its
 * Arrow file: `datasets/<id>.samples.json` ({ format, meta, valuesUnit, values }) and, when the
 * importer gave values, `datasets/<id>.values.f32` (float32 little-endian, same layout as the
 * pixels). Dataset views read them through `datasets.samples`; explanations name a sample's
 * source by its `file` fact.
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { openSync, readSync, closeSync } from 'node:fs';
import type { DatasetMeta, SplitName } from '../domain';
import { inputError } from '../util/errors';
import { PIXELS_COLUMN, SPLIT_COLUMN, columnArray, fixedBinaryBytes } from './columnarFile';
import { tableOf } from './preview';
import { SPLIT_NAMES } from './split';

type Facts = Record<string, string | number | boolean>;

interface SidecarFile {
  format: 1;
  meta: Facts[] | null;
  valuesUnit: string | null;
  /** File name of the values beside this file, or null. */
  values: string | null;
}

const base = (arrowFile: string) => arrowFile.replace(/\.arrow$/, '');
export const sidecarFiles = (arrowFile: string) => ({ json: `${base(arrowFile)}.samples.json`, values: `${base(arrowFile)}.values.f32` });

/** Writes the sidecar when the importer gave facts or values; returns the files written. */
export function writeSampleSidecar(arrowFile: string, images: { samples?: Facts[]; values?: Float32Array; valuesUnit?: string }): string[] {
  if (!images.samples && !images.values) return [];
  const f = sidecarFiles(arrowFile);
  const written: string[] = [];
  if (images.values) {
    const v = images.values;
    writeFileSync(f.values, new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    written.push(f.values);
  }
  const body: SidecarFile = {
    format: 1,
    meta: images.samples ?? null,
    valuesUnit: images.values ? images.valuesUnit ?? null : null,
    values: images.values ? f.values.split(/[\\/]/).pop()! : null,
  };
  writeFileSync(f.json, JSON.stringify(body));
  written.push(f.json);
  return written;
}

export function removeSampleSidecar(arrowFile: string): void {
  const f = sidecarFiles(arrowFile);
  rmSync(f.json, { force: true });
  rmSync(f.values, { force: true });
}

let cached: { file: string; key: string; body: SidecarFile } | null = null;

export function readSampleSidecar(arrowFile: string): SidecarFile | null {
  const f = sidecarFiles(arrowFile);
  if (!existsSync(f.json)) return null;
  const key = `${statSync(f.json).mtimeMs}`;
  if (cached && cached.file === f.json && cached.key === key) return cached.body;
  const body = JSON.parse(readFileSync(f.json, 'utf8')) as SidecarFile;
  cached = { file: f.json, key, body };
  return body;
}

export interface SamplesRequest {
  offset: number;
  limit: number;
  label?: string;
  split?: SplitName;
}

export async function datasetSamples(arrowFile: string, meta: DatasetMeta, req: SamplesRequest) {
  if (meta.kind !== 'image') throw inputError(`dataset "${meta.name}" is a table, not images: it has no image samples`, { field: 'dataset' });
  if (req.label !== undefined && !meta.classes.includes(req.label)) {
    throw inputError(`dataset "${meta.name}" has no class "${req.label}" (classes: ${meta.classes.join(', ')})`, { field: 'label' });
  }
  const table = await tableOf(arrowFile, meta.hash);
  const split = columnArray<Uint8Array>(table, SPLIT_COLUMN);
  const y = columnArray<Int32Array>(table, meta.target ?? 'label');
  const px = fixedBinaryBytes(table, PIXELS_COLUMN);
  const [h, w, c] = meta.inputShape;
  const size = h * w * c;
  const side = readSampleSidecar(arrowFile);
  const labelIndex = req.label === undefined ? -1 : meta.classes.indexOf(req.label);
  const splitIndex = req.split === undefined ? -1 : SPLIT_NAMES.indexOf(req.split);
  const matching: number[] = [];
  for (let i = 0; i < table.numRows; i++) {
    if ((labelIndex < 0 || y[i] === labelIndex) && (splitIndex < 0 || split[i] === splitIndex)) matching.push(i);
  }
  const rows = matching.slice(req.offset, req.offset + req.limit);
  let fd: number | null = null;
  const valuesPath = side?.values ? sidecarFiles(arrowFile).values : null;
  try {
    if (valuesPath && existsSync(valuesPath)) fd = openSync(valuesPath, 'r');
    const samples = rows.map((i) => {
      let values: string | null = null;
      if (fd !== null) {
        const buf = Buffer.alloc(size * 4);
        readSync(fd, buf, 0, buf.length, i * size * 4);
        values = buf.toString('base64');
      }
      return {
        index: i,
        split: SPLIT_NAMES[split[i]],
        label: meta.classes[y[i]] ?? String(y[i]),
        meta: side?.meta?.[i] ?? {},
        pixels: Buffer.from(px.subarray(i * size, (i + 1) * size)).toString('base64'),
        values,
      };
    });
    return {
      datasetId: meta.id, total: matching.length, shape: [...meta.inputShape], classes: [...meta.classes],
      hasValues: fd !== null, valuesUnit: side?.valuesUnit ?? null, samples,
    };
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Each sample's `file` fact, when the importer recorded one for every sample. */
export function sampleSources(arrowFile: string, rows: number): string[] | null {
  try {
    const side = readSampleSidecar(arrowFile);
    const files = side?.meta?.map((m) => m.file);
    if (!files || files.length !== rows || !files.every((f) => typeof f === 'string')) return null;
    const frames = side!.meta!.map((m) => m.frame);
    // Multi-frame files: name the frame too, so every sample's source is distinct.
    return files.map((f, i) => (typeof frames[i] === 'number' && new Set(files).size < files.length ? `${f}#${frames[i]}` : String(f)));
  } catch {
    return null;
  }
}
