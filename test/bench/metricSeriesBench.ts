/**
 * Chart reads of a long run: one series of 1,000,000 points (written through MetricWriter, so the
 * rollup is built at ingest) read for a 2000-point chart the old way (every row → downsampleMinMax)
 * and through the rollup; plus the one-off cost for a run recorded before rollups (built on first
 * read). Standalone: `npx tsx test/bench/metricSeriesBench.ts [--quick]`. Prints a table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MetricPoint } from '../../src-main/core/domain';
import { closeDatabase, openDatabase } from '../../src-main/core/store/database';
import { downsampleMinMax } from '../../src-main/core/store/downsample';
import { MetricQueries } from '../../src-main/core/store/metricQueries';
import { MetricWriter } from '../../src-main/core/store/metricWriter';
import { RunStore } from '../../src-main/core/store/runStore';
import { DEFAULT_TRAIN_CONFIG } from '../../src-main/core/training/trainConfig';

export interface SeriesReadRow {
  read: string;
  points: number;
  'returned': number;
  'median ms': number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed<T>(repeats: number, fn: () => T): { ms: number; value: T } {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    value = fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), value };
}

export async function benchMetricSeries(quick = false): Promise<{ rows: SeriesReadRow[]; ingestMs: number }> {
  const n = quick ? 200_000 : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'lamina-series-bench-'));
  const db = openDatabase(join(dir, 'lamina.db'));
  try {
    new RunStore(db).createRun({ id: 'long', experiment: 'bench', seed: 1, modelName: 'm', source: '', sourceHash: 'h', datasetId: 'd', datasetHash: 'h', config: { ...DEFAULT_TRAIN_CONFIG, seed: 1 } });
    const writer = new MetricWriter(db);
    const t0 = performance.now();
    for (let step = 1; step <= n; step += 100) {
      const batch: MetricPoint[] = [];
      for (let s = step; s < step + 100 && s <= n; s++) batch.push({ key: 'batch/loss', step: s, epoch: null, value: 1 / (1 + s / 1e4) + (s % 9973 === 0 ? 2 : 0), time: s });
      writer.write('long', batch);
    }
    writer.close();
    const ingestMs = performance.now() - t0;
    const q = new MetricQueries(db);
    const repeats = quick ? 3 : 5;
    const raw = timed(repeats, () => downsampleMinMax(q.getMetricHistory('long', 'batch/loss'), 2000));
    const rolled = timed(repeats, () => q.getMetricSeries('long', 'batch/loss', 2000));
    db.exec(`DELETE FROM metric_rollups; UPDATE metric_summaries SET rollup = 0`);
    const backfill = timed(1, () => q.getMetricSeries('long', 'batch/loss', 2000));
    const after = timed(repeats, () => q.getMetricSeries('long', 'batch/loss', 2000));
    return {
      ingestMs,
      rows: [
        { read: 'before: every row → downsampleMinMax', points: n, returned: raw.value.length, 'median ms': Math.round(raw.ms) },
        { read: 'after: rollup written at ingest', points: n, returned: rolled.value.length, 'median ms': Math.round(rolled.ms) },
        { read: 'old run, first read (rollup built then)', points: n, returned: backfill.value.length, 'median ms': Math.round(backfill.ms) },
        { read: 'old run, later reads', points: n, returned: after.value.length, 'median ms': Math.round(after.ms) },
      ],
    };
  } finally {
    closeDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printMetricSeriesBench(r: Awaited<ReturnType<typeof benchMetricSeries>>): void {
  console.log(`\nChart read of one long series, 2000 points for the chart (ingest through MetricWriter with rollup: ${Math.round(r.ingestMs)} ms)`);
  console.table(r.rows);
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  benchMetricSeries(process.argv.includes('--quick'))
    .then(printMetricSeriesBench)
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
