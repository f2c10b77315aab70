/**
 * Metric rollups: min/max downsampling done once, at ingest, so a chart of a run with a million
 * points reads a few thousand rows instead of turning every row into an object.
 *
 * Each series is cut into fixed-width step buckets at several resolutions (ROLLUP_WIDTHS). A bucket
 * keeps its first, last, lowest and highest point (by metrics rowid, step and value; NaN never wins
 * min/max; ties go to the earliest point in (step, rowid) order, as in downsampleMinMax). Charts
 * take the candidates of the coarsest level that still has at least one bucket per display bucket,
 * reduce them with downsampleMinMax and read only the chosen rows. Runs written before rollups
 * existed (metric_summaries.rollup = 0) get theirs built from the raw rows on first read.
 */
import type { Statement } from 'better-sqlite3';
import type { Database } from './database';

/** Bucket widths in steps, finest first. */
export const ROLLUP_WIDTHS = [64, 512, 4096, 32768] as const;

/** Series with at most this many points (× maxPoints) are read raw: exact and cheap. */
export const RAW_READ_FACTOR = 4;

export interface RollupInput {
  rowid: number;
  step: number;
  /** NaN for a NaN point. */
  value: number;
}

export interface RollupBucket {
  level: number;
  bucket: number;
  count: number;
  first: RollupInput;
  last: RollupInput;
  min: RollupInput | null;
  max: RollupInput | null;
}

/** (step, rowid) order: the order of getMetricHistory. */
const before = (a: RollupInput, b: RollupInput) => a.step < b.step || (a.step === b.step && a.rowid < b.rowid);

/** Adds one point to a bucket (a new bucket when `b` is undefined). */
export function mergePoint(b: RollupBucket | undefined, level: number, p: RollupInput): RollupBucket {
  const real = Number.isNaN(p.value) ? null : p;
  if (!b) return { level, bucket: Math.floor(p.step / ROLLUP_WIDTHS[level]), count: 1, first: p, last: p, min: real, max: real };
  b.count++;
  if (before(p, b.first)) b.first = p;
  if (before(b.last, p)) b.last = p;
  if (real) {
    if (!b.min || real.value < b.min.value || (real.value === b.min.value && before(real, b.min))) b.min = real;
    if (!b.max || real.value > b.max.value || (real.value === b.max.value && before(real, b.max))) b.max = real;
  }
  return b;
}

/** The candidates a bucket list offers a chart: each bucket's four points, once each, in (step, rowid) order. */
export function candidatesOf(buckets: readonly RollupBucket[]): RollupInput[] {
  const byRow = new Map<number, RollupInput>();
  for (const b of buckets) for (const p of [b.first, b.last, b.min, b.max]) if (p) byRow.set(p.rowid, p);
  return [...byRow.values()].sort((a, b) => a.step - b.step || a.rowid - b.rowid);
}

/** The coarsest level with at least `displayBuckets` buckets over `span` steps (else the finest). */
export function chooseLevel(bucketCounts: ReadonlyMap<number, number>, displayBuckets: number): number {
  for (let level = ROLLUP_WIDTHS.length - 1; level > 0; level--) {
    if ((bucketCounts.get(level) ?? 0) >= displayBuckets) return level;
  }
  return 0;
}

interface BucketRow {
  level: number;
  bucket: number;
  count: number;
  first_rowid: number;
  first_step: number;
  first_value: number | null;
  last_rowid: number;
  last_step: number;
  last_value: number | null;
  min_rowid: number | null;
  min_step: number | null;
  min_value: number | null;
  max_rowid: number | null;
  max_step: number | null;
  max_value: number | null;
}

const pt = (rowid: number | null, step: number | null, value: number | null): RollupInput | null =>
  rowid === null || step === null ? null : { rowid, step, value: value ?? NaN };

function fromRow(r: BucketRow): RollupBucket {
  return {
    level: r.level,
    bucket: r.bucket,
    count: r.count,
    first: pt(r.first_rowid, r.first_step, r.first_value)!,
    last: pt(r.last_rowid, r.last_step, r.last_value)!,
    min: pt(r.min_rowid, r.min_step, r.min_value),
    max: pt(r.max_rowid, r.max_step, r.max_value),
  };
}

const nan = (v: number) => (Number.isNaN(v) ? null : v);

/** Reads and writes metric_rollups (schema version 5). Called inside the writer's transaction. */
export class RollupStore {
  private readonly readBucket: Statement;
  private readonly writeBucket: Statement;
  private readonly readLevel: Statement;
  private readonly levelCounts: Statement;
  private readonly rawRows: Statement;
  private readonly clear: Statement;
  private readonly markRolledUp: Statement;

  constructor(private readonly db: Database) {
    const cols = `level, bucket, count, first_rowid, first_step, first_value, last_rowid, last_step, last_value,
      min_rowid, min_step, min_value, max_rowid, max_step, max_value`;
    this.readBucket = db.prepare(`SELECT ${cols} FROM metric_rollups WHERE run_id = ? AND key = ? AND level = ? AND bucket = ?`);
    this.writeBucket = db.prepare(
      `INSERT OR REPLACE INTO metric_rollups (run_id, key, ${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.readLevel = db.prepare(`SELECT ${cols} FROM metric_rollups WHERE run_id = ? AND key = ? AND level = ? ORDER BY bucket`);
    this.levelCounts = db.prepare(`SELECT level, count(*) AS n FROM metric_rollups WHERE run_id = ? AND key = ? GROUP BY level`);
    this.rawRows = db.prepare(`SELECT rowid, step, value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, rowid`).raw();
    this.clear = db.prepare(`DELETE FROM metric_rollups WHERE run_id = ? AND key = ?`);
    this.markRolledUp = db.prepare(`UPDATE metric_summaries SET rollup = 1 WHERE run_id = ? AND key = ?`);
  }

  /** Merges newly inserted points of one series into its buckets at every level. */
  add(runId: string, key: string, points: readonly RollupInput[]): void {
    for (let level = 0; level < ROLLUP_WIDTHS.length; level++) {
      const touched = new Map<number, RollupBucket>();
      for (const p of points) {
        const id = Math.floor(p.step / ROLLUP_WIDTHS[level]);
        let b = touched.get(id);
        if (!b) {
          const row = this.readBucket.get(runId, key, level, id) as BucketRow | undefined;
          if (row) touched.set(id, (b = fromRow(row)));
        }
        const merged = mergePoint(b, level, p);
        if (!b) touched.set(id, merged);
      }
      for (const b of touched.values()) this.write(runId, key, b);
    }
  }

  /** Builds a series' rollup from its raw rows (runs recorded before rollups existed). */
  backfill(runId: string, key: string): void {
    this.db.transaction(() => {
      this.clear.run(runId, key);
      const levels = ROLLUP_WIDTHS.map(() => new Map<number, RollupBucket>());
      for (const [rowid, step, value] of this.rawRows.iterate(runId, key) as Iterable<[number, number, number | null]>) {
        const p = { rowid, step, value: value ?? NaN };
        levels.forEach((buckets, level) => {
          const id = Math.floor(step / ROLLUP_WIDTHS[level]);
          const b = buckets.get(id);
          const merged = mergePoint(b, level, p);
          if (!b) buckets.set(id, merged);
        });
      }
      for (const buckets of levels) for (const b of buckets.values()) this.write(runId, key, b);
      this.markRolledUp.run(runId, key);
    }).immediate();
  }

  /** Buckets per level of one series. */
  bucketCounts(runId: string, key: string): Map<number, number> {
    return new Map((this.levelCounts.all(runId, key) as { level: number; n: number }[]).map((r) => [r.level, r.n]));
  }

  /** One level's buckets, in step order. */
  level(runId: string, key: string, level: number): RollupBucket[] {
    return (this.readLevel.all(runId, key, level) as BucketRow[]).map(fromRow);
  }

  private write(runId: string, key: string, b: RollupBucket): void {
    this.writeBucket.run(
      runId, key, b.level, b.bucket, b.count,
      b.first.rowid, b.first.step, nan(b.first.value),
      b.last.rowid, b.last.step, nan(b.last.value),
      b.min?.rowid ?? null, b.min?.step ?? null, b.min ? b.min.value : null,
      b.max?.rowid ?? null, b.max?.step ?? null, b.max ? b.max.value : null,
    );
  }
}
