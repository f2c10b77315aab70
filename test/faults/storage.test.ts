/**
 * Fault matrix · storage that fails under a run (SECURITY.md, "Runs" and "Friendly errors"). A metrics
 * flush that fails with SQLITE_FULL (here: the database capped at its current size with
 * `PRAGMA max_page_count`, the way SQLite reports a full disk) must stop training, end the run
 * `failed` with the reason, and keep every point already written. Storage errors read as one line in
 * the CLI and the API (one map: core/util/storageErrors.ts); a damaged database points to `lamina doctor`.
 */
import { mkdtempSync, openSync, readFileSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../src-main/core/lamina';
import { toApiError } from '../../src-main/core/api/dispatch';
import { storageErrorMessage } from '../../src-main/core/util/storageErrors';
import { cliBuilt, lamina, sharedDatasets, tempWorkspace } from '../helpers/cli';
import { pidAlive } from '../../src-main/core/runs/ownerLease';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = pidAlive;

describe('faults: the disk fills up while a run trains', () => {
  let dir: string;
  let core: Lamina;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lamina-fault-full-'));
    core = Lamina.open(dir);
    await core.importSample('iris');
  });
  afterAll(() => core.close());

  it('stops training and records the run failed with the reason; points already written stay', async () => {
    const run = await core.startRun({ dataset: 'iris', model: 'template:mlp', config: { epochs: 100000, batchSize: 8, backend: 'cpu', seed: 1, earlyStopping: 0 } as never });
    const db = (core as unknown as { db: BetterSqlite3.Database }).db;
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?').get(run.id) as { n: number }).n;
    for (let i = 0; i < 600 && count() < 20; i++) await sleep(100);
    const host = core.hostPid(run.id)!;
    expect(host).toBeGreaterThan(0);

    // From now on the database cannot grow: the next flush of new points fails with SQLITE_FULL.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const before = count();

    const done = await core.waitForRun(run.id);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('training stopped: its metrics could not be saved: the disk is full: free some space and try again (SQLITE_FULL)');
    expect(alive(host)).toBe(false);
    expect(count()).toBeGreaterThanOrEqual(before);
    expect(core.activeRuns()).toEqual([]);

    // Space comes back: the workspace is intact and the next run completes.
    db.pragma('max_page_count = 1073741823');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const next = await core.startRun({ dataset: 'iris', model: 'template:mlp', config: { epochs: 2, backend: 'cpu', seed: 1 } });
    expect((await core.waitForRun(next.id)).status).toBe('completed');
  });
});

describe('faults: storage errors are one line everywhere', () => {
  const errno = (code: string, path?: string) => Object.assign(new Error(`${code}: raw message`), { code, path });

  it('maps SQLITE_FULL, ENOSPC, EACCES, EROFS, SQLITE_READONLY, SQLITE_IOERR and corruption in one place', () => {
    expect(storageErrorMessage(errno('SQLITE_FULL'))).toBe('the disk is full: free some space and try again (SQLITE_FULL)');
    expect(storageErrorMessage(errno('ENOSPC', '/w/datasets/a.arrow'))).toBe('the disk is full: free some space and try again (ENOSPC on /w/datasets/a.arrow)');
    expect(storageErrorMessage(errno('EACCES', '/w'))).toBe('permission denied: Lamina may not write to the workspace (EACCES on /w)');
    expect(storageErrorMessage(errno('EROFS'))).toBe('the workspace is read-only: Lamina cannot write to it (EROFS)');
    expect(storageErrorMessage(errno('SQLITE_READONLY_DBMOVED'))).toMatch(/^the workspace is read-only/);
    expect(storageErrorMessage(errno('SQLITE_IOERR_WRITE'))).toBe('the disk reported an I/O error (SQLITE_IOERR_WRITE)');
    expect(storageErrorMessage(errno('SQLITE_CORRUPT'))).toMatch(/damaged: run `lamina doctor`/);
    expect(storageErrorMessage(errno('ENOENT'))).toBeNull();
    expect(toApiError(errno('SQLITE_FULL'))).toEqual({ code: 'failed', message: 'the disk is full: free some space and try again (SQLITE_FULL)' });
  });

  it.skipIf(!cliBuilt)('a database damaged past its header: one line naming lamina doctor, no stack', async () => {
    const ws = tempWorkspace('lamina-fault-corrupt-');
    expect((await lamina(['import', join(sharedDatasets, 'iris.csv'), '--name', 'iris', '--json'], ws)).code).toBe(0);
    const file = join(ws, 'lamina.db');
    const pageSize = readFileSync(file).readUInt16BE(16);
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    // Keep the 100-byte header and page 1 (the schema); scribble over every page after it.
    for (let at = pageSize; at < size; at += pageSize) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, at);
    closeSync(fd);
    const r = await lamina(['datasets'], ws);
    expect(r.code).toBe(2); // CLI.md: a file Lamina cannot read is bad input
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^lamina: .*lamina\.db: is not a readable Lamina database \(database disk image is malformed\); it was left untouched\. Run lamina doctor/);
  });
});
