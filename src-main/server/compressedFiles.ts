/**
 * Compressed copies of the renderer's files for `lamina serve`: brotli or gzip, chosen from the
 * request's Accept-Encoding, made once per file version (size + mtime) and kept in memory, so each
 * asset is compressed at most once per server and encoding. Files that do not shrink (fonts,
 * images) are sent as they are.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

export type Encoding = 'br' | 'gzip';

const COMPRESSIBLE = /\.(?:js|mjs|css|html|json|svg|map|wasm|ttf)$/i;
/** Below this, headers cost more than compression saves. */
const MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** The best encoding the client accepts (q=0 refuses), brotli first; null for none. */
export function chooseEncoding(acceptEncoding: string | string[] | undefined): Encoding | null {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? '');
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    accepted.set(name, q ? Number(q[1]) : 1);
  }
  const ok = (name: Encoding) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return null;
}

export function isCompressible(file: string, size: number): boolean {
  return size >= MIN_BYTES && COMPRESSIBLE.test(file);
}

export class CompressedFiles {
  private readonly cache = new Map<string, Promise<Buffer | null>>();

  /** The compressed bytes of `file` at this version, or null when compressing does not pay. */
  get(file: string, version: string, encoding: Encoding): Promise<Buffer | null> {
    const key = `${encoding}\0${file}\0${version}`;
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.compress(file, encoding).catch((err) => {
        this.cache.delete(key);
        throw err;
      });
      // A rebuilt file has a new version: drop the older copies of it.
      for (const k of this.cache.keys()) if (k.startsWith(`${encoding}\0${file}\0`) && k !== key) this.cache.delete(k);
      this.cache.set(key, entry);
    }
    return entry;
  }

  private async compress(file: string, encoding: Encoding): Promise<Buffer | null> {
    const raw = await readFile(file);
    const out =
      encoding === 'br'
        ? await brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
        : await gzipAsync(raw, { level: 9 });
    return out.length < raw.length * 0.95 ? out : null;
  }
}
