/**
 * Reads of recorded metrics: full-resolution history (export, replay comparison),
 * summaries (run list, run page) and downsampled series (charts).
 */
import type { Statement } from 'better-sqlite3';
import type { MetricPoint, MetricSummary } from '../domain';
import type { Database } from './database';
import { inputError } from '../util/errors';
import { downsampleMinMax } from './downsample';
import { RAW_READ_FACTOR, RollupStore, candidatesOf, chooseLevel } from './metricRollup';

interface PointRow {
  key: string;
  step: number;
  epoch: number | null;
  value: number | null;
  time: number;
}

const toPoint = (r: PointRow): MetricPoint => ({ key: r.key, step: r.step, epoch: r.epoch, value: r.value ?? NaN, time: r.time });

export class MetricQueries {
  private readonly history: Statement;
  private readonly keys: Statement;
  private readonly summaries: Statement;
  private readonly summary: Statement;
  private readonly rollupState: Statement;
  private readonly byRowids: Statement;
  private readonly rollups: RollupStore;

  constructor(readonly db: Database) {
    // rowid breaks step ties in write order, the order the summaries' "last" follows.
    this.history = db.prepare(`SELECT key, step, epoch, value, time FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, rowid`);
    this.keys = db.prepare(`SELECT key FROM metric_summaries WHERE run_id = ? ORDER BY key`).pluck();
    const cols = `key, last, last_step AS lastStep, min, max, best, best_step AS bestStep, count`;
    this.summaries = db.prepare(`SELECT ${cols} FROM metric_summaries WHERE run_id = ? ORDER BY key`);
    this.summary = db.prepare(`SELECT ${cols} FROM metric_summaries WHERE run_id = ? AND key = ?`);
    this.rollupState = db.prepare(`SELECT count, rollup FROM metric_summaries WHERE run_id = ? AND key = ?`);
    this.byRowids = db.prepare(`SELECT rowid AS id, key, step, epoch, value, time FROM metrics WHERE rowid IN (SELECT value FROM json_each(?))`);
    this.rollups = new RollupStore(db);
  }

  /** Every recorded point of one metric, in step order. NaN values come back as NaN. */
  getMetricHistory(runId: string, key: string): MetricPoint[] {
    return (this.history.all(runId, key) as PointRow[]).map(toPoint);
  }

  listMetricKeys(runId: string): string[] {
    return this.keys.all(runId) as string[];
  }

  getMetricSummaries(runId: string): MetricSummary[] {
    return (this.summaries.all(runId) as SummaryRow[]).map(toSummary);
  }

  getMetricSummary(runId: string, key: string): MetricSummary | null {
    const row = this.summary.get(runId, key) as SummaryRow | undefined;
    return row ? toSummary(row) : null;
  }

  /** The history reduced for display to at most maxPoints + 2 points, spikes kept (see downsample.ts). */
  getMetricSeries(runId: string, key: string, maxPoints: number): MetricPoint[] {
    if (!Number.isInteger(maxPoints) || maxPoints < 2) throw inputError(`maxPoints must be an integer ≥ 2, got ${maxPoints}`, { field: 'maxPoints' });
    const state = this.rollupState.get(runId, key) as { count: number; rollup: number } | undefined;
    if (!state || state.count <= RAW_READ_FACTOR * maxPoints) {
      const all = this.getMetricHistory(runId, key);
      return downsampleMinMax(all, maxPoints) as MetricPoint[];
    }
    return this.seriesFromRollup(runId, key, maxPoints, state.rollup === 1);
  }

  /** A long series for a chart from its rollup: candidates of one level, reduced, then only those rows read. */
  private seriesFromRollup(runId: string, key: string, maxPoints: number, rolledUp: boolean): MetricPoint[] {
    if (!rolledUp) this.rollups.backfill(runId, key);
    const level = chooseLevel(this.rollups.bucketCounts(runId, key), Math.floor(maxPoints / 2));
    const chosen = downsampleMinMax(candidatesOf(this.rollups.level(runId, key, level)), maxPoints);
    const rows = new Map((this.byRowids.all(JSON.stringify(chosen.map((c) => c.rowid))) as (PointRow & { id: number })[]).map((r) => [r.id, r]));
    return chosen.map((c) => toPoint(rows.get(c.rowid)!));
  }
}

interface SummaryRow {
  key: string;
  last: number | null;
  lastStep: number;
  min: number | null;
  max: number | null;
  best: number | null;
  bestStep: number | null;
  count: number;
}

/** SQLite NULL (NaN, or no finite value yet) reads back as NaN; bestStep as -1 when there is no best. */
function toSummary(r: SummaryRow): MetricSummary {
  return {
    key: r.key,
    last: r.last ?? NaN,
    lastStep: r.lastStep,
    min: r.min ?? NaN,
    max: r.max ?? NaN,
    best: r.best ?? NaN,
    bestStep: r.bestStep ?? -1,
    count: r.count,
  };
}
