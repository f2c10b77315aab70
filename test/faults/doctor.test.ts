/**
 * Fault matrix · `lamina doctor` (SECURITY.md, "Friendly errors"). It reports Node, backends, native
 * modules and a workspace's health without changing anything, and exits 1 when a check fails: a
 * database damaged past its header is found by PRAGMA integrity_check; stale part files and orphan
 * artifact folders are warnings.
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { latestSchemaVersion } from '../../src-main/core/store/migrations';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBuilt, lamina, sharedDatasets, tempWorkspace } from '../helpers/cli';

interface Report {
  ok: boolean;
  checks: { name: string; status: string; detail: string }[];
}
const check = (r: Report, name: string) => r.checks.find((c) => c.name === name)!;

describe.skipIf(!cliBuilt)('faults: lamina doctor', () => {
  const ws = tempWorkspace('lamina-fault-doctor-');
  beforeAll(async () => {
    expect((await lamina(['import', join(sharedDatasets, 'iris.csv'), '--name', 'iris', '--json'], ws)).code).toBe(0);
  });

  it('a healthy workspace: exit 0, integrity ok, schema current, trusted; leftovers are warnings', async () => {
    const part = join(ws, 'datasets', 'x.arrow.1-abcd.part');
    writeFileSync(part, 'half');
    const old = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(part, old, old);
    mkdirSync(join(ws, 'artifacts', 'no-such-run'), { recursive: true });
    const r = await lamina(['doctor', '--json'], ws);
    expect(r.code, r.stderr).toBe(0);
    const report = r.json as Report;
    expect(report.ok).toBe(true);
    expect(check(report, 'database integrity').status).toBe('ok');
    expect(check(report, 'schema version').detail).toBe(String(latestSchemaVersion));
    expect(check(report, 'trust').detail).toBe('trusted on this machine');
    expect(check(report, 'native better-sqlite3').status).toBe('ok');
    expect(check(report, 'stale .part files')).toMatchObject({ status: 'warn' });
    expect(check(report, 'orphan artifacts').detail).toContain('no-such-run');
    expect(check(report, 'disk space').detail).toMatch(/GiB free$/);
    // Read-only: the stale part is still there (the next open sweeps it).
    expect(statSync(part).size).toBe(4);
    const text = await lamina(['doctor'], ws);
    expect(text.stdout).toMatch(/^ok +database integrity: PRAGMA integrity_check: ok$/m);
  });

  it('--export copies every readable row to JSON Lines, one file per table, with a summary', async () => {
    const dir = join(ws, '..', `${ws.split('/').pop()}-export`);
    const r = await lamina(['doctor', '--export', dir, '--json'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/exported \d+ rows of \d+ tables to /);
    const summary = JSON.parse(readFileSync(join(dir, 'export.json'), 'utf8')) as { tables: { table: string; rows: number; error?: string }[] };
    expect(summary.tables.find((t) => t.table === 'datasets')).toEqual({ table: 'datasets', rows: 1 });
    const row = JSON.parse(readFileSync(join(dir, 'datasets.jsonl'), 'utf8').trim()) as { name: string };
    expect(row.name).toBe('iris');
  });

  it('a database damaged past its header: exit 1 and the integrity check says so', async () => {
    const file = join(ws, 'lamina.db');
    const pageSize = readFileSync(file).readUInt16BE(16);
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    for (let at = pageSize; at < size; at += pageSize) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, at);
    closeSync(fd);
    const r = await lamina(['doctor', '--json'], ws);
    expect(r.code).toBe(1);
    const report = r.json as Report;
    expect(report.ok).toBe(false);
    expect(check(report, 'database integrity').status).toBe('fail');
    // What can still be read is exported; what cannot is named, and nothing stops half-way with a stack.
    const dir = join(ws, '..', `${ws.split('/').pop()}-damaged-export`);
    const exported = await lamina(['doctor', '--export', dir], ws);
    expect(exported.code).toBe(1);
    expect(exported.stderr).not.toMatch(/^\s+at /m);
    const summary = JSON.parse(readFileSync(join(dir, 'export.json'), 'utf8')) as { tables: { error?: string }[]; error?: string };
    expect(Boolean(summary.error) || summary.tables.some((t) => t.error)).toBe(true);
  });
});
