/**
 * Several processes write metrics to one database file at once (the app's core plus CLI
 * runs, say), while others read. No write may fail with "database is locked", no point may
 * be lost, and the file must stay intact.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../src-main/core/store/database';
import { MetricQueries } from '../../../src-main/core/store/metricQueries';
import { RunStore } from '../../../src-main/core/store/runStore';
import { checkSummariesMatchHistory } from './fixtures/consistency';

const repoRoot = resolve(__dirname, '../../..');
const child = join(__dirname, 'fixtures', 'metricWriterChild.ts');
const dir = mkdtempSync(join(tmpdir(), 'lamina-concurrency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The error lines of a child's stderr, without stack frames (vitest would try to source-map them). */
function firstLines(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => l.trim() && !/^\s+at /.test(l))
    .slice(0, 5)
    .join(' | ');
}

function runChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

describe('concurrent writers across processes', () => {
  it('3 writer processes + 1 reader process + this process reading: no lock errors, no lost points, integrity ok', async () => {
    const file = join(dir, 'lamina.db'); // fresh: the children also race to create and migrate it
    const stopFile = join(dir, 'stop');
    const WRITERS = 3;
    const RUNS = 3;
    const STEPS = 2000;

    const reader = runChild(['reader', file, stopFile]);
    const writers = Array.from({ length: WRITERS }, (_, i) => runChild(['writer', file, String(i), String(RUNS), String(STEPS)]));

    // This process reads too, on its own connection, while the children write.
    let parentReads = 0;
    let parentError: unknown = null;
    const poll = setInterval(() => {
      try {
        const db = openDatabase(file);
        try {
          checkSummariesMatchHistory(db);
          new RunStore(db).listRuns({ orderBy: '-metrics.accuracy', limit: 20 });
          parentReads++;
        } finally {
          closeDatabase(db);
        }
      } catch (err) {
        parentError = err;
      }
    }, 25);

    const results = await Promise.all(writers);
    clearInterval(poll);
    writeFileSync(stopFile, '');
    const readerResult = await reader;

    for (const r of [...results, readerResult]) {
      const why = firstLines(r.stderr);
      expect(r.stderr, why).not.toMatch(/locked|SQLITE_BUSY/i);
      expect(r.code, why).toBe(0);
    }
    expect(parentError).toBeNull();
    expect(parentReads).toBeGreaterThan(0);
    const readerOut = JSON.parse(readerResult.stdout);
    expect(readerOut.reads).toBeGreaterThan(0);
    expect(results.map((r) => JSON.parse(r.stdout).written)).toEqual(Array(WRITERS).fill(RUNS * STEPS * 2));

    const db = openDatabase(file);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.prepare(`SELECT count(*) FROM metrics`).pluck().get()).toBe(WRITERS * RUNS * STEPS * 2);
      const store = new RunStore(db);
      const q = new MetricQueries(db);
      const runs = store.listRuns({});
      expect(runs.total).toBe(WRITERS * RUNS);
      for (const item of runs.items) {
        expect(item.status).toBe('completed');
        const loss = q.getMetricSummary(item.id, 'loss')!;
        expect(loss).toMatchObject({ count: STEPS, lastStep: STEPS - 1, best: 1 / STEPS, bestStep: STEPS - 1, max: 1 });
        const acc = q.getMetricSummary(item.id, 'accuracy')!;
        expect(acc).toMatchObject({ count: STEPS, best: (STEPS - 1) / STEPS, bestStep: STEPS - 1, min: 0 });
        const steps = q.getMetricHistory(item.id, 'loss').map((p) => p.step);
        expect(steps).toEqual(Array.from({ length: STEPS }, (_, i) => i));
      }
      expect(checkSummariesMatchHistory(db)).toBe(WRITERS * RUNS * STEPS * 2);
    } finally {
      closeDatabase(db);
    }
  });
});
