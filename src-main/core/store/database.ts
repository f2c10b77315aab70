/**
 * Opens the workspace database (better-sqlite3) with the settings every process that
 * shares the file must agree on, and brings its schema up to date.
 */
import BetterSqlite3 from 'better-sqlite3';
import { LaminaError } from '../util/errors';
import { latestSchemaVersion, migrations, type Migration } from './migrations';

export type Database = BetterSqlite3.Database;

export interface OpenOptions {
  /** How long a connection waits for another process's write lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** Migrations to apply (tests pass their own list). */
  migrations?: readonly Migration[];
}

export const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

export function openDatabase(file: string, options: OpenOptions = {}): Database {
  const list = options.migrations ?? migrations;
  const db = new BetterSqlite3(file);
  try {
    // busy_timeout first: the WAL switch below may itself wait on another process.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, file, list);
    return db;
  } catch (err) {
    db.close();
    const code = (err as { code?: string }).code;
    // A damaged or foreign file: say so, and leave it exactly as it is for the user to rescue.
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new LaminaError(
        'input',
        `${file}: is not a readable Lamina database (${(err as Error).message}); it was left untouched. Run lamina doctor to see what is wrong; move it aside to start this workspace afresh, or open another workspace.`,
        { file },
      );
    }
    throw err;
  }
}

export function closeDatabase(db: Database): void {
  if (db.open) db.close();
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function applyMigrations(db: Database, file: string, list: readonly Migration[]): void {
  const latest = list.length ? list[list.length - 1].version : 0;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new LaminaError(
      'failed',
      `${file} has schema version ${current}, newer than this Lamina understands (${latest}); ` +
        'it was written by a newer Lamina — update Lamina to open it',
      { file },
    );
  }
  for (const m of list) {
    if (current >= m.version) continue;
    // IMMEDIATE: several processes may open a fresh file at once; the version is re-read
    // under the write lock so each migration runs exactly once.
    db.transaction(() => {
      if (schemaVersion(db) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

export { latestSchemaVersion };
