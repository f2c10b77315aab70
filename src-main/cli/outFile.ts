/**
 * `--out FILE`: checked before the work starts (the folder exists, FILE is not a folder) and
 * written with a one-line error naming the file, never a stack trace.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LaminaError } from '../core/util/errors';
import { writeFileAtomicSync } from '../core/util/atomicWrite';

export function checkOutFile(file: string): void {
  const path = resolve(file);
  const dir = dirname(path);
  if (!existsSync(dir)) throw new LaminaError('usage', `--out ${file}: the folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new LaminaError('usage', `--out ${file}: ${dir} is not a folder`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new LaminaError('usage', `--out ${file}: is a folder; give a file name`);
}

export function writeOutFile(file: string, text: string): void {
  try {
    writeFileAtomicSync(resolve(file), text);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'ENOSPC' ? 'the disk is full' : (err.code ?? err.message);
    throw new LaminaError('failed', `--out ${file}: cannot write (${why})`);
  }
}
