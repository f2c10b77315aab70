import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../../src-main/core/domain';
import { openDatabase, closeDatabase } from '../../../src-main/core/store/database';
import { metricDirection } from '../../../src-main/core/store/metricDirection';
import { MetricQueries } from '../../../src-main/core/store/metricQueries';
import { MetricWriter } from '../../../src-main/core/store/metricWriter';
import { RunStore } from '../../../src-main/core/store/runStore';
import { LaminaError } from '../../../src-main/core/util/errors';
import { createRng } from '../../../src-main/core/util/random';
import { runInput, tempDb, type TempDb } from './fixtures/storeFixtures';

let t: TempDb;
let store: RunStore;
let queries: MetricQueries;
beforeEach(() => {
  t = tempDb();
  store = new RunStore(t.db);
  queries = new MetricQueries(t.db);
  store.createRun(runInput('r1'));
  store.createRun(runInput('r2'));
});
afterEach(() => t.cleanup());

const pts = (key: string, values: number[], firstStep = 0): MetricPoint[] =>
  values.map((value, i) => ({ key, step: firstStep + i, epoch: Math.floor((firstStep + i) / 10), value, time: 1000 + firstStep + i }));

const count = () => t.db.prepare(`SELECT count(*) FROM metrics`).pluck().get() as number;

describe('metricDirection', () => {
  it('is min for losses and errors by last path segment, max otherwise', () => {
    for (const k of ['loss', 'val_loss', 'val/loss', 'train.loss', 'error_rate', 'test_mse', 'mae', 'val_rmse', 'perplexity', 'Loss']) {
      expect(metricDirection(k), k).toBe('min');
    }
    for (const k of ['accuracy', 'val_acc', 'f1', 'auc', 'loss/weight', 'precision']) expect(metricDirection(k), k).toBe('max');
  });
});

describe('MetricWriter summaries', () => {
  it('tracks last/min/max/best/count; best is min for losses and max otherwise', () => {
    const w = new MetricWriter(t.db);
    w.write('r1', pts('val_loss', [0.9, 0.5, 0.7, 0.3, 0.4]));
    w.write('r1', pts('val_accuracy', [0.5, 0.8, 0.95, 0.9, 0.85]));
    w.flush();
    // A second batch must merge with the stored summary, not replace it.
    w.write('r1', pts('val_loss', [0.35, 0.6], 5));
    w.write('r1', pts('val_accuracy', [0.99, 0.1], 5));
    w.close();
    const s = Object.fromEntries(queries.getMetricSummaries('r1').map((x) => [x.key, x]));
    expect(s.val_loss).toEqual({ key: 'val_loss', last: 0.6, lastStep: 6, min: 0.3, max: 0.9, best: 0.3, bestStep: 3, count: 7 });
    expect(s.val_accuracy).toEqual({ key: 'val_accuracy', last: 0.1, lastStep: 6, min: 0.1, max: 0.99, best: 0.99, bestStep: 5, count: 7 });
  });

  it('orders "last" by step, not by arrival; ties in best keep the earliest step', () => {
    const w = new MetricWriter(t.db);
    w.write('r1', [
      { key: 'acc', step: 10, epoch: null, value: 0.5, time: 1 },
      { key: 'acc', step: 3, epoch: null, value: 0.9, time: 2 },
    ]);
    w.flush();
    w.write('r1', [{ key: 'acc', step: 2, epoch: null, value: 0.9, time: 3 }]);
    w.write('r1', [{ key: 'acc', step: 7, epoch: null, value: 0.1, time: 4 }]);
    w.close();
    expect(queries.getMetricSummary('r1', 'acc')).toEqual({ key: 'acc', last: 0.5, lastStep: 10, min: 0.1, max: 0.9, best: 0.9, bestStep: 2, count: 4 });
    expect(queries.getMetricHistory('r1', 'acc').map((p) => p.step)).toEqual([2, 3, 7, 10]);
  });

  it('matches a brute-force recomputation on random data across many flushes and runs', () => {
    const rng = createRng(7);
    const w = new MetricWriter(t.db, { maxBufferedPoints: 97 });
    const all = new Map<string, MetricPoint[]>();
    for (let i = 0; i < 3000; i++) {
      const run = rng.next() < 0.5 ? 'r1' : 'r2';
      const key = ['loss', 'val_loss', 'accuracy', 'lr'][Math.floor(rng.next() * 4)];
      const p: MetricPoint = { key, step: Math.floor(rng.next() * 500), epoch: null, value: Math.round(rng.next() * 1000) / 100, time: i };
      w.write(run, p);
      const k = `${run}/${key}`;
      all.set(k, [...(all.get(k) ?? []), p]);
    }
    w.close();
    for (const [k, list] of all) {
      const [run, key] = k.split('/');
      const lower = metricDirection(key) === 'min';
      const values = list.map((p) => p.value);
      let lastStep = -Infinity;
      let last = NaN;
      for (const p of list) if (p.step >= lastStep) [lastStep, last] = [p.step, p.value];
      const best = lower ? Math.min(...values) : Math.max(...values);
      const bestStep = Math.min(...list.filter((p) => p.value === best).map((p) => p.step));
      expect(queries.getMetricSummary(run, key)).toEqual({ key, last, lastStep, min: Math.min(...values), max: Math.max(...values), best, bestStep, count: list.length });
      expect(queries.getMetricHistory(run, key).length).toBe(list.length);
    }
    expect(queries.listMetricKeys('r1')).toEqual(['accuracy', 'loss', 'lr', 'val_loss']);
  });

  it('stores NaN (as SQL NULL) without letting it become min/max/best', () => {
    const w = new MetricWriter(t.db);
    w.write('r1', pts('loss', [1, 0.5, NaN, 0.7]));
    w.write('r1', pts('diverged', [NaN, NaN]));
    w.write('r1', pts('loss', [NaN], 4));
    w.close();
    const loss = queries.getMetricSummary('r1', 'loss')!;
    expect(loss).toMatchObject({ min: 0.5, max: 1, best: 0.5, bestStep: 1, count: 5, lastStep: 4 });
    expect(loss.last).toBeNaN();
    const d = queries.getMetricSummary('r1', 'diverged')!;
    expect(d.count).toBe(2);
    expect(d.best).toBeNaN();
    expect(d.bestStep).toBe(-1);
    const h = queries.getMetricHistory('r1', 'loss');
    expect(h.map((p) => p.value)).toEqual([1, 0.5, NaN, 0.7, NaN]);
    expect(h[0]).toEqual({ key: 'loss', step: 0, epoch: 0, value: 1, time: 1000 });
  });
});

describe('MetricWriter buffering', () => {
  it('flushes when the buffer reaches maxBufferedPoints', () => {
    const w = new MetricWriter(t.db, { maxBufferedPoints: 10, flushIntervalMs: 60_000 });
    w.write('r1', pts('loss', [1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(count()).toBe(0);
    expect(w.pendingPoints).toBe(9);
    w.write('r2', pts('loss', [1]));
    expect(count()).toBe(10);
    expect(w.pendingPoints).toBe(0);
    w.close();
  });

  it('flushes on its timer', async () => {
    const w = new MetricWriter(t.db, { maxBufferedPoints: 1000, flushIntervalMs: 30 });
    w.write('r1', pts('loss', [1, 2]));
    expect(count()).toBe(0);
    await new Promise((r) => setTimeout(r, 150));
    expect(count()).toBe(2);
    w.close();
  });

  it('refuses writes after close and validates points', () => {
    const w = new MetricWriter(t.db);
    const bad = (p: Partial<MetricPoint>) => () => w.write('r1', { key: 'loss', step: 0, epoch: 0, value: 1, time: 0, ...p });
    expect(bad({ key: '' })).toThrow(/key must be a non-empty string/);
    expect(bad({ step: 1.5 })).toThrow(/step must be an integer/);
    expect(bad({ value: '1' as unknown as number })).toThrow(/value must be a number/);
    expect(bad({ time: NaN })).toThrow(/time must be a finite number/);
    expect(w.pendingPoints).toBe(0);
    w.close();
    expect(() => w.write('r1', pts('loss', [1]))).toThrow(LaminaError);
  });

  it('drops (and reports) points of a run deleted before the flush, keeping the others', () => {
    const errors: Error[] = [];
    const w = new MetricWriter(t.db, { onError: (e) => errors.push(e) });
    w.write('r1', pts('loss', [1, 2, 3]));
    w.write('r2', pts('loss', [1, 2]));
    store.deleteRun('r1');
    expect(w.flush()).toBe(2);
    expect(errors.map((e) => e.message)).toEqual(['dropped 3 metric points of run r1: the run no longer exists']);
    expect(queries.getMetricSummary('r2', 'loss')!.count).toBe(2);
    w.close();
  });

  it('keeps points buffered while another connection holds the write lock, and writes them after', async () => {
    // A writer with a short busy timeout, against a second connection that holds the lock.
    closeDatabase(t.db);
    t.db = openDatabase(t.file, { busyTimeoutMs: 20 });
    const blocker = new BetterSqlite3(t.file);
    blocker.exec('BEGIN IMMEDIATE');
    const w = new MetricWriter(t.db, { maxBufferedPoints: 5, flushIntervalMs: 10, busyRetries: 1 });
    w.write('r1', pts('loss', [1, 2, 3, 4, 5])); // full buffer → flush attempt → busy → kept
    expect(w.pendingPoints).toBe(5);
    w.write('r1', pts('loss', [6], 5));
    expect(w.pendingPoints).toBe(6);
    expect(() => w.flush()).toThrow(/stayed locked by another process; 6 metric points are still buffered/);
    expect(w.pendingPoints).toBe(6);
    blocker.exec('COMMIT');
    blocker.close();
    await new Promise((r) => setTimeout(r, 100)); // the timer retries
    expect(w.pendingPoints).toBe(0);
    const q = new MetricQueries(t.db);
    expect(q.getMetricHistory('r1', 'loss').map((p) => p.value)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(q.getMetricSummary('r1', 'loss')).toMatchObject({ count: 6, last: 6, best: 1, bestStep: 0 });
    w.close();
  });
});

describe('MetricQueries.getMetricSeries', () => {
  it('downsamples for display, keeping a spike, first and last', () => {
    const values = Array.from({ length: 20_000 }, (_, i) => 1 / (1 + i / 1000));
    values[12_345] = 50;
    const w = new MetricWriter(t.db, { maxBufferedPoints: 5000 });
    w.write('r1', pts('loss', values));
    w.close();
    const series = queries.getMetricSeries('r1', 'loss', 300);
    expect(series.length).toBeLessThanOrEqual(302);
    expect(series[0].step).toBe(0);
    expect(series[series.length - 1].step).toBe(19_999);
    expect(series.find((p) => p.value === 50)?.step).toBe(12_345);
    expect(queries.getMetricSeries('r1', 'loss', 30_000).length).toBe(20_000);
    expect(queries.getMetricHistory('r1', 'loss').length).toBe(20_000);
    expect(() => queries.getMetricSeries('r1', 'loss', 1)).toThrow(expect.objectContaining({ kind: 'input', message: expect.stringMatching(/maxPoints/) }));
    expect(queries.getMetricSeries('r1', 'nope', 10)).toEqual([]);
  });
});
