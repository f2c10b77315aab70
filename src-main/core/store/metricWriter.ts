/**
 * Buffers metric points and writes them in batches: one IMMEDIATE transaction per flush
 * inserts every buffered point (all runs) and updates their metric_summaries. Batching is
 * what makes per-batch metrics affordable (one fsync-free WAL commit per flush instead of
 * per point); IMMEDIATE takes the write lock up front, so a writer waits in SQLite's busy
 * handler instead of failing with "database is locked" when another process writes.
 */
import type { Statement } from 'better-sqlite3';
import type { MetricPoint } from '../domain';
import { inputError, LaminaError, notFound } from '../util/errors';
import type { Database } from './database';
import { metricDirection } from './metricDirection';
import { RollupStore, type RollupInput } from './metricRollup';

export interface MetricWriterOptions {
  /** Flush as soon as this many points are buffered (all runs together). */
  maxBufferedPoints?: number;
  /** Flush buffered points at the latest this long after the first one arrived. */
  flushIntervalMs?: number;
  /** Explicit flush()/close() retry this many times when the lock stays busy past busy_timeout. */
  busyRetries?: number;
  /** Errors of timer-driven flushes, and points dropped because their run no longer exists. */
  onError?: (err: Error) => void;
}

interface SummaryRow {
  last: number | null;
  last_step: number;
  min: number | null;
  max: number | null;
  best: number | null;
  best_step: number | null;
  count: number;
  /** 1 when metric_rollups holds every point of the series (new series); 0 for older ones. */
  rollup: number;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

function validatePoint(runId: string, p: MetricPoint): void {
  const bad = (field: string, why: string) => inputError(`metric point for run ${runId}: ${field} ${why}`, { field });
  if (typeof p.key !== 'string' || p.key === '') throw bad('key', 'must be a non-empty string');
  if (!Number.isSafeInteger(p.step)) throw bad('step', `must be an integer, got ${p.step}`);
  if (p.epoch !== null && p.epoch !== undefined && !Number.isSafeInteger(p.epoch)) throw bad('epoch', `must be an integer or null, got ${p.epoch}`);
  if (typeof p.value !== 'number') throw bad('value', `must be a number, got ${typeof p.value}`);
  if (!Number.isFinite(p.time)) throw bad('time', `must be a finite number (ms since epoch), got ${p.time}`);
}

/** Merges points (of one run and key) into a summary; NaN counts but never becomes min/max/best. */
function mergeSummary(prev: SummaryRow | undefined, key: string, points: readonly MetricPoint[]): SummaryRow {
  const lowerIsBetter = metricDirection(key) === 'min';
  const s: SummaryRow = prev
    ? { ...prev }
    : { last: null, last_step: Number.NEGATIVE_INFINITY, min: null, max: null, best: null, best_step: null, count: 0, rollup: 1 };
  for (const p of points) {
    const v = Number.isNaN(p.value) ? null : p.value;
    s.count++;
    // Later writes win ties, so a re-logged step replaces the last value.
    if (p.step >= s.last_step) {
      s.last_step = p.step;
      s.last = v;
    }
    if (v === null) continue;
    if (s.min === null || v < s.min) s.min = v;
    if (s.max === null || v > s.max) s.max = v;
    const better = s.best === null || (lowerIsBetter ? v < s.best : v > s.best) || (v === s.best && p.step < s.best_step!);
    if (better) {
      s.best = v;
      s.best_step = p.step;
    }
  }
  return s;
}

export class MetricWriter {
  private buffers = new Map<string, MetricPoint[]>();
  private pending = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly maxBuffered: number;
  private readonly intervalMs: number;
  private readonly busyRetries: number;
  private readonly onError: (err: Error) => void;
  private readonly insertPoint: Statement;
  private readonly runExists: Statement;
  private readonly readSummary: Statement;
  private readonly writeSummary: Statement;
  private readonly writeBatch: (batch: Map<string, MetricPoint[]>) => string[];

  constructor(
    readonly db: Database,
    options: MetricWriterOptions = {},
  ) {
    this.maxBuffered = Math.max(1, options.maxBufferedPoints ?? 2000);
    this.intervalMs = Math.max(0, options.flushIntervalMs ?? 250);
    this.busyRetries = Math.max(0, options.busyRetries ?? 3);
    this.onError = options.onError ?? (() => {});
    this.insertPoint = db.prepare(`INSERT INTO metrics (run_id, key, step, epoch, value, time) VALUES (?, ?, ?, ?, ?, ?)`);
    this.runExists = db.prepare(`SELECT 1 FROM runs WHERE id = ?`).pluck();
    this.readSummary = db.prepare(`SELECT last, last_step, min, max, best, best_step, count, rollup FROM metric_summaries WHERE run_id = ? AND key = ?`);
    this.writeSummary = db.prepare(
      `INSERT OR REPLACE INTO metric_summaries (run_id, key, last, last_step, min, max, best, best_step, count, rollup)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const rollups = new RollupStore(db);
    const tx = db.transaction((batch: Map<string, MetricPoint[]>) => {
      const missing: string[] = [];
      for (const [runId, points] of batch) {
        if (this.runExists.get(runId) === undefined) {
          missing.push(runId);
          continue;
        }
        const byKey = new Map<string, { points: MetricPoint[]; rows: RollupInput[] }>();
        for (const p of points) {
          // NaN binds as NULL in SQLite; store it so the history shows where training diverged.
          const { lastInsertRowid } = this.insertPoint.run(runId, p.key, p.step, p.epoch ?? null, Number.isNaN(p.value) ? null : p.value, p.time);
          let list = byKey.get(p.key);
          if (!list) byKey.set(p.key, (list = { points: [], rows: [] }));
          list.points.push(p);
          list.rows.push({ rowid: Number(lastInsertRowid), step: p.step, value: p.value });
        }
        for (const [key, list] of byKey) {
          const s = mergeSummary(this.readSummary.get(runId, key) as SummaryRow | undefined, key, list.points);
          this.writeSummary.run(runId, key, s.last, s.last_step, s.min, s.max, s.best, s.best_step, s.count, s.rollup);
          // Series recorded before rollups existed are rolled up whole on first read instead.
          if (s.rollup === 1) rollups.add(runId, key, list.rows);
        }
      }
      return missing;
    });
    this.writeBatch = (batch) => tx.immediate(batch);
  }

  /** Points buffered and not yet written. */
  get pendingPoints(): number {
    return this.pending;
  }

  /** Buffers points of one run; flushes when the buffer is full, else within flushIntervalMs. */
  write(runId: string, points: MetricPoint | readonly MetricPoint[]): void {
    if (this.closed) throw new LaminaError('failed', 'metric writer is closed');
    const list = Array.isArray(points) ? (points as readonly MetricPoint[]) : [points as MetricPoint];
    for (const p of list) validatePoint(runId, p);
    if (list.length === 0) return;
    let buf = this.buffers.get(runId);
    if (!buf) this.buffers.set(runId, (buf = []));
    for (const p of list) buf.push(p);
    this.pending += list.length;
    if (this.pending >= this.maxBuffered) {
      // A full buffer flushes now; if another process holds the lock too long the points
      // stay buffered and the timer retries, so write() never throws for contention.
      this.tryFlush();
    } else {
      this.schedule();
    }
  }

  /** Writes everything buffered now. Returns the number of points written. */
  flush(): number {
    for (let attempt = 0; ; attempt++) {
      try {
        return this.flushOnce();
      } catch (err) {
        if (!isBusy(err) || attempt >= this.busyRetries) {
          if (isBusy(err)) {
            this.schedule(); // still buffered: the timer keeps trying
            throw new LaminaError('failed', `the workspace database stayed locked by another process; ${this.pending} metric points are still buffered`);
          }
          throw err;
        }
      }
    }
  }

  /** Drops a run's buffered points (they cannot be written); returns how many. Written points stay. */
  discard(runId: string): number {
    const n = this.buffers.get(runId)?.length ?? 0;
    this.buffers.delete(runId);
    this.pending -= n;
    return n;
  }

  /**
   * Removes every point and summary of one run (after flushing what is buffered), for a run whose
   * partial history is being replaced: a queued run that a lost worker cut off and another worker
   * restarts from epoch 1. Returns how many points were removed.
   */
  discardRun(runId: string): number {
    this.flush();
    const db = this.db;
    return db.transaction(() => {
      const n = db.prepare(`DELETE FROM metrics WHERE run_id = ?`).run(runId).changes;
      db.prepare(`DELETE FROM metric_summaries WHERE run_id = ?`).run(runId);
      return n;
    }).immediate();
  }

  /** Flushes and stops the timer; further writes are refused. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.clearTimer();
  }

  private flushOnce(): number {
    this.clearTimer();
    if (this.pending === 0) return 0;
    const batch = this.buffers;
    const count = this.pending;
    this.buffers = new Map();
    this.pending = 0;
    let missing: string[];
    try {
      missing = this.writeBatch(batch);
    } catch (err) {
      this.restore(batch);
      throw err;
    }
    let dropped = 0;
    for (const runId of missing) {
      const n = batch.get(runId)!.length;
      dropped += n;
      this.onError(notFound(`dropped ${n} metric points of run ${runId}: the run no longer exists`));
    }
    return count - dropped;
  }

  /** Puts a failed batch back in front of whatever arrived meanwhile: nothing is lost, order kept. */
  private restore(batch: Map<string, MetricPoint[]>): void {
    for (const [runId, points] of batch) {
      const newer = this.buffers.get(runId);
      this.buffers.set(runId, newer ? points.concat(newer) : points);
      this.pending += points.length;
    }
  }

  private tryFlush(): void {
    try {
      this.flushOnce();
    } catch (err) {
      // Points were restored. Busy: the timer retries. Anything else is reported and retried
      // on the next write or explicit flush, not in a timer loop.
      if (isBusy(err)) this.schedule();
      else this.onError(err as Error);
    }
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tryFlush();
    }, this.intervalMs);
    // A pending flush must not keep a CLI process alive; close() flushes on the way out.
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
