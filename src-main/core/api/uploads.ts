/**
 * Uploaded files (from `lamina serve`'s browser, or bytes sent over IPC) land under
 * <workspace>/.tmp/uploads/<uploadId>/<relative path> before they are imported. Paths are
 * checked here, once, so no transport can write outside that folder.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { LaminaError } from '../util/errors';
import { syncFile, writeFileAtomic } from '../util/atomicWrite';

const UPLOAD_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function uploadDir(tmpDir: string, uploadId: string): string {
  if (!UPLOAD_ID.test(uploadId)) throw new LaminaError('input', `invalid upload id "${uploadId}"`, { field: 'uploadId' });
  return join(tmpDir, 'uploads', uploadId);
}

/** Absolute path of `relPath` inside the upload; refuses anything that would escape it. */
export function uploadEntryPath(tmpDir: string, uploadId: string, relPath: string): string {
  const root = uploadDir(tmpDir, uploadId);
  const parts = relPath.split('/');
  if (!relPath || relPath.includes('\\') || relPath.includes('\0') || relPath.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new LaminaError('input', `invalid upload path "${relPath}"`, { field: 'path' });
  }
  const full = resolve(root, ...parts);
  if (!full.startsWith(root + sep)) throw new LaminaError('input', `invalid upload path "${relPath}"`, { field: 'path' });
  return full;
}

export async function saveUpload(tmpDir: string, uploadId: string, relPath: string, bytes: Uint8Array): Promise<string> {
  const file = uploadEntryPath(tmpDir, uploadId, relPath);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, bytes);
  return file;
}

/** Stream a request body into the upload, with a size cap; a partial file never stays behind. */
export async function saveUploadStream(tmpDir: string, uploadId: string, relPath: string, body: Readable, maxBytes: number): Promise<{ file: string; bytes: number }> {
  const file = uploadEntryPath(tmpDir, uploadId, relPath);
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.part`;
  let bytes = 0;
  body.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > maxBytes) body.destroy(new LaminaError('input', `upload is larger than ${maxBytes} bytes`, { field: 'body' }));
  });
  try {
    await pipeline(body, createWriteStream(partial));
    await syncFile(partial);
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return { file, bytes };
}
