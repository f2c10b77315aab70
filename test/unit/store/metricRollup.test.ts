/**
 * Metric rollups (store/metricRollup.ts) on a real SQLite file: what MetricWriter stores at ingest
 * equals min/max downsampling of the raw series with the same fixed buckets (computed here
 * independently, from getMetricHistory); charts of long series read from it and keep the envelope;
 * a series recorded before rollups existed gets the same rollup on first read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricPoint, TrainConfig } from '../../../src-main/core/domain';
import { closeDatabase, openDatabase, type Database } from '../../../src-main/core/store/database';
import { MetricWriter } from '../../../src-main/core/store/metricWriter';
import { MetricQueries } from '../../../src-main/core/store/metricQueries';
import { ROLLUP_WIDTHS, RollupStore } from '../../../src-main/core/store/metricRollup';
import { RunStore } from '../../../src-main/core/store/runStore';
import { DEFAULT_TRAIN_CONFIG } from '../../../src-main/core/training/trainConfig';
import { createRng } from '../../../src-main/core/util/random';
import { downsampleMinMax } from '../../../src-main/core/store/downsample';

let dir: string;
let db: Database;
const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, epochs: 1, seed: 1 };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lamina-rollup-'));
  db = openDatabase(join(dir, 'lamina.db'));
  new RunStore(db).createRun({ id: 'r1', experiment: 'e', seed: 1, modelName: 'm', source: '', sourceHash: 'h', datasetId: 'd', datasetHash: 'h', config });
});
afterEach(() => {
  closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

/** A noisy falling loss with spikes, NaNs, ties and a re-logged stretch (a resumed run), written in small flushes. */
function writeSeries(n: number, seed = 5): void {
  const rng = createRng(seed);
  const writer = new MetricWriter(db, { maxBufferedPoints: 777 });
  const pts: MetricPoint[] = [];
  for (let step = 0; step < n; step++) {
    let value = 1 / (1 + step / 500) + rng.next() * 0.05;
    if (step % 997 === 0) value += 3; // spike
    if (step % 1231 === 7) value = NaN;
    if (step % 50 === 0) value = Math.round(value * 10) / 10; // ties
    pts.push({ key: 'loss', step, epoch: null, value, time: 1000 + step });
  }
  // Steps 3000–3099 logged a second time after a resume.
  for (let step = 3000; step < 3100 && step < n; step++) pts.push({ key: 'loss', step, epoch: null, value: 0.2 + rng.next(), time: 9e6 + step });
  for (let i = 0; i < pts.length; i += 313) writer.write('r1', pts.slice(i, i + 313));
  writer.close();
}

/** Reference: fixed-width min/max buckets straight from the raw history, in (step, rowid) order. */
function referenceBuckets(level: number) {
  const rows = db.prepare(`SELECT rowid, step, value FROM metrics WHERE run_id = 'r1' AND key = 'loss' ORDER BY step, rowid`).all() as {
    rowid: number; step: number; value: number | null;
  }[];
  const width = ROLLUP_WIDTHS[level];
  const valueById = new Map(rows.map((r) => [r.rowid, r.value]));
  const out = new Map<number, { count: number; first: number; last: number; min: number | null; max: number | null }>();
  for (const r of rows) {
    const id = Math.floor(r.step / width);
    const b = out.get(id) ?? { count: 0, first: r.rowid, last: r.rowid, min: null, max: null };
    b.count++;
    b.last = r.rowid;
    const v = r.value;
    const valueOf = (rowid: number) => valueById.get(rowid)!;
    if (v !== null) {
      if (b.min === null || v < valueOf(b.min)) b.min = r.rowid;
      if (b.max === null || v > valueOf(b.max)) b.max = r.rowid;
    }
    out.set(id, b);
  }
  return [...out].map(([bucket, b]) => ({ bucket, ...b }));
}

function storedBuckets(level: number) {
  return new RollupStore(db).level('r1', 'loss', level).map((b) => ({
    bucket: b.bucket, count: b.count, first: b.first.rowid, last: b.last.rowid, min: b.min?.rowid ?? null, max: b.max?.rowid ?? null,
  }));
}

describe('metric rollups', () => {
  it('equal min/max downsampling of the raw series with the same buckets, at every level', () => {
    writeSeries(6000);
    for (let level = 0; level < ROLLUP_WIDTHS.length; level++) expect(storedBuckets(level)).toEqual(referenceBuckets(level));
  });

  it('give charts of long series the envelope: first, last, global min and max, only real points, within the bound', () => {
    writeSeries(40_000);
    const q = new MetricQueries(db);
    const raw = q.getMetricHistory('r1', 'loss');
    const series = q.getMetricSeries('r1', 'loss', 500);
    expect(series.length).toBeLessThanOrEqual(502);
    expect(series.length).toBeGreaterThan(400);
    const key = (p: MetricPoint) => `${p.step}:${p.time}:${p.value}`;
    const rawKeys = new Set(raw.map(key));
    for (const p of series) expect(rawKeys.has(key(p))).toBe(true);
    expect(key(series[0])).toBe(key(raw[0]));
    expect(key(series.at(-1)!)).toBe(key(raw.at(-1)!));
    const finite = raw.filter((p) => !Number.isNaN(p.value)).map((p) => p.value);
    const values = series.filter((p) => !Number.isNaN(p.value)).map((p) => p.value);
    expect(Math.max(...values)).toBe(Math.max(...finite));
    expect(Math.min(...values)).toBe(Math.min(...finite));
    // Every spike the raw downsampling shows is in the rollup's answer too.
    const rawSpikes = downsampleMinMax(raw, 500).filter((p) => p.value > 2).map((p) => p.step);
    const spikes = series.filter((p) => p.value > 2).map((p) => p.step);
    expect(spikes).toEqual(rawSpikes);
    // Short series are still read raw, exactly as before.
    expect(q.getMetricSeries('r1', 'loss', 20_000)).toEqual(downsampleMinMax(raw, 20_000));
  });

  it('a series recorded before rollups existed is rolled up on first read, the same as at ingest', () => {
    writeSeries(40_000);
    const q = new MetricQueries(db);
    const atIngest = q.getMetricSeries('r1', 'loss', 500);
    const levels = ROLLUP_WIDTHS.map((_, l) => storedBuckets(l));
    // What a run written by an older Lamina looks like after the migration.
    db.exec(`DELETE FROM metric_rollups; UPDATE metric_summaries SET rollup = 0`);
    expect(q.getMetricSeries('r1', 'loss', 500)).toEqual(atIngest);
    expect(ROLLUP_WIDTHS.map((_, l) => storedBuckets(l))).toEqual(levels);
    expect(db.prepare(`SELECT rollup FROM metric_summaries WHERE run_id = 'r1' AND key = 'loss'`).pluck().get()).toBe(1);
    // Points written later to such a series keep it consistent (rolled up now, so they are added).
    const writer = new MetricWriter(db);
    writer.write('r1', { key: 'loss', step: 40_000, epoch: null, value: 99, time: 1 });
    writer.close();
    expect(storedBuckets(0)).toEqual(referenceBuckets(0));
  });

  it('rollup rows go with their run', () => {
    writeSeries(2000);
    db.prepare(`DELETE FROM runs WHERE id = 'r1'`).run();
    expect(db.prepare(`SELECT count(*) FROM metric_rollups`).pluck().get()).toBe(0);
  });
});
