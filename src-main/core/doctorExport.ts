/**
 * `lamina doctor --export DIR`: copies whatever rows can still be read from a workspace's database
 * into JSON Lines files, one per table, before anyone tries to repair it. The database is opened
 * read-only; a table that cannot be read to its end keeps the rows read before the damage, and the
 * summary (`export.json`) says how many and what stopped it. Blobs are written as base64.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

export interface TableExport {
  table: string;
  rows: number;
  /** Why reading stopped before the table's end, when it did. */
  error?: string;
}
export interface ExportReport {
  folder: string;
  tables: TableExport[];
  /** Why no table could be listed (the schema page itself is damaged). */
  error?: string;
}

const jsonValue = (_key: string, v: unknown) => (Buffer.isBuffer(v) ? { base64: v.toString('base64') } : typeof v === 'bigint' ? v.toString() : v);

export function exportReadable(dbFile: string, folder: string): ExportReport {
  mkdirSync(folder, { recursive: true });
  const Database = createRequire(__filename)('better-sqlite3') as typeof BetterSqlite3;
  const report: ExportReport = { folder, tables: [] };
  let db: BetterSqlite3.Database | null = null;
  try {
    db = new Database(dbFile, { readonly: true, fileMustExist: true });
    let names: string[] = [];
    try {
      names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
    } catch (e) {
      report.error = `the schema cannot be read: ${(e as Error).message}`;
    }
    for (const table of names) {
      const lines: string[] = [];
      const entry: TableExport = { table, rows: 0 };
      try {
        for (const row of db.prepare(`SELECT * FROM "${table.replace(/"/g, '""')}"`).iterate()) lines.push(JSON.stringify(row, jsonValue));
      } catch (e) {
        entry.error = (e as Error).message;
      }
      entry.rows = lines.length;
      writeFileSync(join(folder, `${table}.jsonl`), lines.length ? `${lines.join('\n')}\n` : '');
      report.tables.push(entry);
    }
  } catch (e) {
    report.error = `the database cannot be opened: ${(e as Error).message}`;
  } finally {
    db?.close();
  }
  writeFileSync(join(folder, 'export.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
