/**
 * Decoded dataset tensors cached by content: `<workspace>/.tmp/tensor-cache/<key>.bin`, where the key
 * hashes the dataset file's content hash and everything decoding depends on (kind, rows, shape,
 * target, features, normalisation). A hit skips Arrow (module load and parse) and the decode loops:
 * the host reads one file into the typed arrays. The dataset file's hash is still checked on every
 * load (a changed or damaged dataset is refused as before), and the cache file carries its own
 * checksum; a cache file that is missing, short or damaged is a miss and is written again.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DatasetMeta } from '../domain';
import type { DatasetTensors } from '../engine/host/datasetTensors';
import { sha256, sha256File } from '../util/hash';
import { featureNormalisation, loadDatasetTensors } from './loadDataset';

const MAGIC = 'LTC1';
const VERSION = 1;

export function tensorCacheKey(meta: DatasetMeta): string {
  return sha256(
    JSON.stringify({
      v: VERSION,
      hash: meta.hash,
      kind: meta.kind,
      rows: meta.rows,
      inputShape: meta.inputShape,
      target: meta.target,
      features: meta.kind === 'image' ? [] : meta.features,
      norm: meta.kind === 'image' ? [] : featureNormalisation(meta),
    }),
  );
}

/** The cache folder for a dataset file inside a workspace's datasets/ folder; null elsewhere. */
export function tensorCacheDir(datasetFile: string): string | null {
  const root = dirname(dirname(datasetFile));
  if (basename(dirname(datasetFile)) !== 'datasets' || !existsSync(join(root, '.tmp'))) return null;
  return join(root, '.tmp', 'tensor-cache');
}

function encode(t: DatasetTensors): Buffer {
  const payload = Buffer.concat([Buffer.from(t.x.buffer, t.x.byteOffset, t.x.byteLength), Buffer.from(t.y.buffer, t.y.byteOffset, t.y.byteLength), Buffer.from(t.split.buffer, t.split.byteOffset, t.split.byteLength)]);
  const header = Buffer.from(JSON.stringify({ n: t.n, inputShape: t.inputShape, x: t.x.length, sha256: sha256(payload) }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  return Buffer.concat([Buffer.from(MAGIC), len, header, payload]);
}

function decode(buf: Buffer): DatasetTensors | null {
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== MAGIC) return null;
  const hlen = buf.readUInt32LE(4);
  if (8 + hlen > buf.length) return null;
  const h = JSON.parse(buf.toString('utf8', 8, 8 + hlen)) as { n: number; inputShape: number[]; x: number; sha256: string };
  const payload = buf.subarray(8 + hlen);
  if (payload.length !== h.x * 4 + h.n * 4 + h.n || sha256(payload) !== h.sha256) return null;
  // Copies into fresh, aligned arrays (the Buffer's offset need not be a multiple of 4).
  const bytes = new Uint8Array(payload);
  return {
    n: h.n,
    inputShape: h.inputShape,
    x: new Float32Array(bytes.buffer, 0, h.x),
    y: new Float32Array(bytes.buffer, h.x * 4, h.n),
    split: new Uint8Array(bytes.buffer, h.x * 4 + h.n * 4, h.n),
  };
}

/** loadDatasetTensors through the cache (see above). Cache trouble is never an error: it falls back. */
export async function loadDatasetTensorsCached(file: string, meta: DatasetMeta): Promise<DatasetTensors> {
  const dir = tensorCacheDir(file);
  if (!dir) return loadDatasetTensors(file, meta);
  // A dataset file that changed since import goes the long way, which refuses it with the usual error.
  if ((await sha256File(file)) !== meta.hash.toLowerCase()) return loadDatasetTensors(file, meta);
  const cached = join(dir, `${tensorCacheKey(meta)}.bin`);
  try {
    const hit = decode(await readFile(cached));
    if (hit && hit.n === meta.rows) return hit;
  } catch {
    // missing or unreadable: a miss
  }
  const tensors = await loadDatasetTensors(file, meta);
  const tmp = `${cached}.${process.pid}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, encode(tensors));
    await rename(tmp, cached);
  } catch {
    await rm(tmp, { force: true }).catch(() => {});
  }
  return tensors;
}
