/**
 * Reading one of a run's recorded artifacts for download through the API contract (the same call
 * serves Electron IPC and HTTP, so the bytes travel as base64). Only paths the run recorded are
 * readable, and the resolved file must stay inside the run's artifacts folder (no `..`, no symlink
 * out), so the call can never become a way to read arbitrary files.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import type { ArtifactRecord } from '../domain';
import { inputError, notFound } from '../util/errors';

/** Larger artifacts are opened from the run's folder instead (64 MiB of base64 is already heavy JSON). */
export const MAX_ARTIFACT_DOWNLOAD_BYTES = 64 * 1024 * 1024;

const MAX_LISTED_FILES = 1000;

export interface ArtifactContent {
  path: string;
  kind: string;
  bytes: number;
  mediaType: string;
  base64: string;
}

const MEDIA_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
  '.html': 'text/html',
};

export function mediaTypeOf(path: string): string {
  return MEDIA_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** The file a path names, after checking it is a recorded artifact or a file inside a recorded folder. */
function resolveArtifactFile(runDir: string, recorded: ArtifactRecord[], path: string): { file: string; record: ArtifactRecord } {
  const record = recorded.find((a) => a.path === path || path.startsWith(`${a.path}/`));
  if (!record) throw notFound(`the run has no artifact "${path}"`);
  let file: string;
  let root: string;
  try {
    root = realpathSync(runDir);
    file = realpathSync(join(runDir, path));
  } catch {
    throw notFound(`artifact "${path}" is recorded but its file is gone from the run's folder`);
  }
  const rel = relative(root, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw inputError(`artifact "${path}" resolves outside the run's folder`, { field: 'path' });
  }
  return { file, record };
}

/** The downloadable files of a recorded artifact: itself, or a folder's files (relative to the run folder). */
export function listArtifactFiles(runDir: string, recorded: ArtifactRecord[], path: string): { path: string; bytes: number }[] {
  const { file } = resolveArtifactFile(runDir, recorded, path);
  const stat = statSync(file);
  if (!stat.isDirectory()) return [{ path, bytes: stat.size }];
  const out: { path: string; bytes: number }[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= MAX_LISTED_FILES) return;
      const rel = `${prefix}/${entry.name}`;
      if (entry.isDirectory()) walk(join(dir, entry.name), rel);
      else if (entry.isFile()) out.push({ path: rel, bytes: statSync(join(dir, entry.name)).size });
    }
  };
  walk(file, path);
  return out;
}

export function readRunArtifact(runDir: string, recorded: ArtifactRecord[], path: string): ArtifactContent {
  const { file, record } = resolveArtifactFile(runDir, recorded, path);
  const stat = statSync(file);
  if (stat.isDirectory()) throw inputError(`artifact "${path}" is a folder: download its files one by one`, { field: 'path' });
  if (stat.size > MAX_ARTIFACT_DOWNLOAD_BYTES) {
    throw inputError(`artifact "${path}" is ${(stat.size / 1048576).toFixed(0)} MiB, over the ${MAX_ARTIFACT_DOWNLOAD_BYTES / 1048576} MiB download limit: open it from ${file}`, { field: 'path' });
  }
  return { path, kind: record.kind, bytes: stat.size, mediaType: mediaTypeOf(path), base64: readFileSync(file).toString('base64') };
}
