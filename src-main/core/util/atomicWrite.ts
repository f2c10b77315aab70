/**
 * Files appear whole or not at all. Every file Lamina writes into a workspace (datasets, artifacts,
 * saved models, checkpoints, trust marks) goes through here: the bytes go to `<file>.<unique>.part`,
 * are fsynced, the part is renamed over the target (atomic on one filesystem), and the folder is
 * fsynced so the rename itself survives a power cut. A process killed mid-write leaves the previous
 * file intact and at worst a `.part` file, which `sweepStaleParts` removes when it is a day old.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export const PART_SUFFIX = '.part';
/** Part files older than this are leftovers of a process that died: swept at workspace open. */
export const STALE_PART_MS = 24 * 60 * 60 * 1000;

type Data = string | Uint8Array;
const bytesOf = (data: Data) => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/** A unique part name next to `file` (two writers never share one). */
export function partFileOf(file: string): string {
  return join(dirname(file), `${basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}${PART_SUFFIX}`);
}

/** fsync a folder so a rename into it is durable (a no-op where folders cannot be opened, e.g. Windows). */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* not supported on this platform/filesystem */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function writeFileAtomicSync(file: string, data: Data, opts: { mode?: number } = {}): void {
  const part = partFileOf(file);
  const bytes = bytesOf(data);
  try {
    const fd = openSync(part, 'w', opts.mode ?? 0o666);
    try {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(part, file);
  } catch (err) {
    rmSync(part, { force: true });
    throw err;
  }
  syncDir(dirname(file));
}

export async function writeFileAtomic(file: string, data: Data, opts: { mode?: number; part?: string } = {}): Promise<void> {
  const part = opts.part ?? partFileOf(file);
  try {
    const handle = await open(part, 'w', opts.mode ?? 0o666);
    try {
      await handle.writeFile(bytesOf(data));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(part, file);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
  syncDir(dirname(file));
}

/** fsync a file written by a stream before it is renamed into place. */
export async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `*.part` files under `dirs` (recursively, 8 levels) last modified before `cutoff`. Reads only. */
export function findStaleParts(dirs: readonly string[], cutoff: number): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory() && depth < 8) walk(p, depth + 1);
      else if (e.isFile() && e.name.endsWith(PART_SUFFIX) && olderThan(p, cutoff)) found.push(p);
    }
  };
  for (const d of dirs) walk(d, 0);
  return found;
}

/**
 * Removes `*.part` files under `dirs` (recursively) last modified more than `maxAgeMs` ago, and
 * upload folders under `uploadsDir` untouched for as long (files uploaded and never imported).
 * Returns the paths it removed. Young part files may belong to a write in progress and stay.
 */
export function sweepStaleParts(dirs: readonly string[], opts: { uploadsDir?: string; maxAgeMs?: number; now?: number } = {}): string[] {
  const cutoff = (opts.now ?? Date.now()) - (opts.maxAgeMs ?? STALE_PART_MS);
  const removed = findStaleParts(dirs, cutoff);
  for (const p of removed) rmSync(p, { force: true });
  if (opts.uploadsDir) {
    let uploads: string[] = [];
    try {
      uploads = readdirSync(opts.uploadsDir);
    } catch {
      /* no uploads yet */
    }
    for (const name of uploads) {
      const p = join(opts.uploadsDir, name);
      if (newestMtime(p) < cutoff) {
        rmSync(p, { recursive: true, force: true });
        removed.push(p);
      }
    }
  }
  return removed;
}

function olderThan(file: string, cutoff: number): boolean {
  try {
    return statSync(file).mtimeMs < cutoff;
  } catch {
    return false;
  }
}

/** The newest modification time of a file or anything in a folder. */
function newestMtime(p: string): number {
  let st;
  try {
    st = statSync(p);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
  let newest = st.mtimeMs;
  if (st.isDirectory()) for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(join(p, name)));
  return newest;
}
