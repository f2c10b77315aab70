import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, latestSchemaVersion, openDatabase, schemaVersion } from '../../../src-main/core/store/database';
import { migrations, type Migration } from '../../../src-main/core/store/migrations';
import { LaminaError } from '../../../src-main/core/util/errors';
import { thrownBy } from '../../helpers/thrown';

const openError = (file: string) => thrownBy(() => openDatabase(file), LaminaError);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lamina-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const tables = (db: BetterSqlite3.Database) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[]).filter((n) => !n.startsWith('sqlite_'));

describe('openDatabase', () => {
  it('creates the v1 schema in an empty file with WAL, foreign keys, busy timeout, synchronous=NORMAL', () => {
    const file = join(dir, 'lamina.db');
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(latestSchemaVersion);
    expect(tables(db)).toEqual(
      ['artifacts', 'datasets', 'evaluations', 'experiments', 'metric_rollups', 'metric_summaries', 'metrics', 'params', 'plugins', 'runs', 'sweep_trials', 'sweeps', 'tags'].sort(),
    );
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(10_000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    const idx = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'`).pluck().all();
    expect(idx).toEqual(expect.arrayContaining(['metrics_run_key_step', 'metric_summaries_key_last', 'params_key_num', 'params_key_value']));
    closeDatabase(db);
    closeDatabase(db); // idempotent
  });

  it('re-opens idempotently and keeps data', () => {
    const file = join(dir, 'lamina.db');
    const a = openDatabase(file);
    a.prepare(`INSERT INTO experiments (name, created_at) VALUES ('e', 'now')`).run();
    closeDatabase(a);
    const b = openDatabase(file);
    expect(schemaVersion(b)).toBe(latestSchemaVersion);
    expect(b.prepare(`SELECT count(*) FROM experiments`).pluck().get()).toBe(1);
    closeDatabase(b);
  });

  it('applies later migrations to an older file, each in its own transaction', () => {
    const file = join(dir, 'lamina.db');
    closeDatabase(openDatabase(file));
    const extra: Migration[] = [
      ...migrations,
      { version: latestSchemaVersion + 1, name: 'add column', sql: `ALTER TABLE runs ADD COLUMN extra TEXT` },
      { version: latestSchemaVersion + 2, name: 'broken', sql: `CREATE TABLE ok_table (x); CREATE TABLE broken (` },
    ];
    expect(() => openDatabase(file, { migrations: extra })).toThrow();
    // The first extra one committed; the broken one rolled back entirely (ok_table absent too).
    const raw = new BetterSqlite3(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(latestSchemaVersion + 1);
    expect(tables(raw)).not.toContain('ok_table');
    expect(raw.prepare(`SELECT name FROM pragma_table_info('runs') WHERE name = 'extra'`).pluck().get()).toBe('extra');
    raw.close();
    // The fixed migration applies on the next open.
    const fixed = [...extra.slice(0, -1), { version: latestSchemaVersion + 2, name: 'fixed', sql: `CREATE TABLE ok_table (x)` }];
    const db = openDatabase(file, { migrations: fixed });
    expect(schemaVersion(db)).toBe(latestSchemaVersion + 2);
    closeDatabase(db);
  });

  it('refuses a database written by a newer Lamina with a clear error', () => {
    const file = join(dir, 'lamina.db');
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${latestSchemaVersion + 5}`);
    raw.close();
    const err = openError(file);
    expect(err.message).toMatch(new RegExp(`schema version ${latestSchemaVersion + 5}, newer than this Lamina understands \\(${latestSchemaVersion}\\)`));
    expect(err.location.file).toBe(file);
  });

  it('refuses a file that is not a database with a clear error, leaving its bytes as they were', () => {
    const file = join(dir, 'lamina.db');
    const bytes = Buffer.from('these are my notes, not a database\n'.repeat(200));
    writeFileSync(file, bytes);
    const err = openError(file);
    expect(err.kind).toBe('input');
    expect(err.message).toBe(
      `${file}: is not a readable Lamina database (file is not a database); it was left untouched. Run lamina doctor to see what is wrong; move it aside to start this workspace afresh, or open another workspace.`,
    );
    expect(err.location.file).toBe(file);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('enforces cascades through foreign keys', () => {
    const db = openDatabase(join(dir, 'lamina.db'));
    expect(() => db.prepare(`INSERT INTO params (run_id, key, value) VALUES ('nope', 'k', 'v')`).run()).toThrow(/FOREIGN KEY/);
    closeDatabase(db);
  });
});
