/**
 * Extracts a gzipped tar (what `npm pack` writes) without a `tar` binary: ustar headers with
 * the prefix field, GNU long names and pax `path` records. Entries that would land outside the
 * target folder, links and devices are refused or skipped.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { inputError } from '../util/errors';
import { PLUGIN_INSTALL_LIMITS, mib } from './installLimits';

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number): number {
  const s = field(block, start, length).trim();
  return s ? parseInt(s, 8) : 0;
}

/** Returns the relative paths of the files written. */
export function extractTgz(file: string, into: string, limits = PLUGIN_INSTALL_LIMITS): string[] {
  let data: Buffer;
  try {
    // Inflating stops at the cap: a gzip bomb costs at most maxUnpackedBytes of memory.
    data = gunzipSync(readFileSync(file), { maxOutputLength: limits.maxUnpackedBytes });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw inputError(`${file}: unpacks to more than ${mib(limits.maxUnpackedBytes)}; refused (a plugin package should be far smaller)`, { file });
    }
    throw inputError(`${file}: not a gzipped tarball (${(e as Error).message})`, { file });
  }
  const written: string[] = [];
  let offset = 0;
  let longName: string | null = null;
  while (offset + 512 <= data.length) {
    const header = data.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 48);
    const body = data.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (type === 'x' || type === 'g') {
      const m = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (m && type === 'x') longName = m[1];
      continue;
    }
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = null;
    if (type !== '0' && type !== '\0' && type !== '5') continue; // links, devices: skipped
    if (size > limits.maxEntryBytes) throw inputError(`${file}: entry "${name}" is ${mib(size)}, over the ${mib(limits.maxEntryBytes)} limit for one file`, { file });
    if (written.length >= limits.maxFiles) throw inputError(`${file}: more than ${limits.maxFiles} files; refused`, { file });
    const rel = normalize(name).replace(/^([/\\])+/, '');
    if (rel.startsWith('..') || rel.split(sep).includes('..')) throw inputError(`${file}: entry "${name}" points outside the package`, { file });
    const target = join(into, rel);
    if (type === '5') {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, body);
    written.push(rel.split(sep).join('/'));
  }
  if (!written.length) throw inputError(`${file}: the tarball holds no files`, { file });
  return written;
}
