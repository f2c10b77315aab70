/**
 * The one place that turns storage failures — SQLite result codes and file-system errno codes — into
 * one-line messages a user can act on. The CLI (exit 1), the API (`failed`) and a run's recorded
 * reason all use it, so "disk full" reads the same everywhere.
 */
import { LaminaError } from './errors';

const messages: [test: (code: string) => boolean, message: string][] = [
  [(c) => c === 'SQLITE_FULL' || c === 'ENOSPC' || c === 'EDQUOT', 'the disk is full: free some space and try again'],
  [(c) => c.startsWith('SQLITE_READONLY') || c === 'EROFS', 'the workspace is read-only: Lamina cannot write to it'],
  [(c) => c === 'EACCES' || c === 'EPERM' || c.startsWith('SQLITE_PERM') || c.startsWith('SQLITE_AUTH'), 'permission denied: Lamina may not write to the workspace'],
  [(c) => c.startsWith('SQLITE_CORRUPT') || c === 'SQLITE_NOTADB', 'the workspace database is damaged: run `lamina doctor`'],
  [(c) => c.startsWith('SQLITE_CANTOPEN'), 'the workspace database cannot be opened: run `lamina doctor`'],
  [(c) => c.startsWith('SQLITE_IOERR') || c === 'EIO', 'the disk reported an I/O error'],
];

/** The code of a storage failure (`SQLITE_FULL`, `ENOSPC`, …), or null for any other error. */
export function storageErrorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  return messages.some(([test]) => test(code)) ? code : null;
}

/** "the disk is full: free some space and try again (SQLITE_FULL)", or null when `err` is not a storage failure. */
export function storageErrorMessage(err: unknown): string | null {
  const code = storageErrorCode(err);
  if (!code) return null;
  const hit = messages.find(([test]) => test(code))!;
  const path = (err as { path?: unknown }).path;
  return `${hit[1]} (${code}${typeof path === 'string' ? ` on ${path}` : ''})`;
}

/** A storage failure as a LaminaError ('failed', exit 1); any other error unchanged. */
export function friendlyStorageError(err: unknown): unknown {
  const message = storageErrorMessage(err);
  return message ? new LaminaError('failed', message) : err;
}
