/**
 * Run-store benchmarks: metric ingestion throughput (MetricWriter batching vs. a naive
 * one-INSERT-per-transaction reference) and run-list latency on 10,000 runs.
 * Standalone: `npx tsx test/bench/storeBench.ts` prints a table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MetricPoint, TrainConfig } from '../../src-main/core/domain';
import type { RunListQuery } from '../../src-main/core/service';
import { closeDatabase, openDatabase, type Database } from '../../src-main/core/store/database';
import { MetricWriter } from '../../src-main/core/store/metricWriter';
import { RunStore } from '../../src-main/core/store/runStore';
import { createRng } from '../../src-main/core/util/random';
import { DEFAULT_TRAIN_CONFIG } from '../../src-main/core/training/trainConfig';

export interface IngestionResult {
  name: string;
  pointsPerSec: number;
  points: number;
  ms: number;
}

export interface RunListResult {
  name: string;
  /** Median of several timed calls. */
  medianMs: number;
  /** Runs matching the query (total), of `runs` seeded. */
  matched: number;
  runs: number;
}

const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, epochs: 10, seed: 1 };

function withTempDb<T>(fn: (db: Database, store: RunStore) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'lamina-bench-'));
  const db = openDatabase(join(dir, 'lamina.db'));
  try {
    return fn(db, new RunStore(db));
  } finally {
    closeDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
}

function createRuns(store: RunStore, n: number, prefix: string): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}${String(i).padStart(6, '0')}`;
    store.createRun({ id, experiment: 'bench', seed: i, modelName: 'mlp', source: '', sourceHash: 'h', datasetId: 'd', datasetHash: 'h', config });
    ids.push(id);
  }
  return ids;
}

function ingestThroughWriter(name: string, totalPoints: number, runs: number, maxBufferedPoints?: number): IngestionResult {
  return withTempDb((db, store) => {
    const ids = createRuns(store, runs, 'r');
    const writer = new MetricWriter(db, { maxBufferedPoints });
    const stepsPerRun = Math.floor(totalPoints / runs / 2);
    const t0 = performance.now();
    // Interleaved like live training: every run logs loss and accuracy at each step.
    for (let step = 0; step < stepsPerRun; step++) {
      for (const id of ids) {
        const time = Date.now();
        const batch: MetricPoint[] = [
          { key: 'loss', step, epoch: null, value: 1 / (1 + step), time },
          { key: 'accuracy', step, epoch: null, value: step / stepsPerRun, time },
        ];
        writer.write(id, batch);
      }
    }
    writer.close();
    const ms = performance.now() - t0;
    const points = stepsPerRun * runs * 2;
    const stored = db.prepare(`SELECT count(*) FROM metrics`).pluck().get() as number;
    if (stored !== points) throw new Error(`expected ${points} points stored, found ${stored}`);
    return { name, points, ms, pointsPerSec: points / (ms / 1000) };
  });
}

/** The reference a naive logger would do: each point its own autocommit INSERT. */
function ingestNaive(totalPoints: number): IngestionResult {
  return withTempDb((db, store) => {
    const [id] = createRuns(store, 1, 'n');
    const insert = db.prepare(`INSERT INTO metrics (run_id, key, step, epoch, value, time) VALUES (?, ?, ?, ?, ?, ?)`);
    const t0 = performance.now();
    for (let step = 0; step < totalPoints; step++) insert.run(id, 'loss', step, null, 1 / (1 + step), Date.now());
    const ms = performance.now() - t0;
    return { name: 'naive: 1 INSERT per transaction', points: totalPoints, ms, pointsPerSec: totalPoints / (ms / 1000) };
  });
}

export async function benchMetricIngestion(): Promise<IngestionResult[]> {
  return [
    ingestThroughWriter('MetricWriter, 10 runs (default buffer 2000)', 1_000_000, 10),
    ingestThroughWriter('MetricWriter, 10 runs (buffer 100)', 200_000, 10, 100),
    ingestNaive(20_000),
  ];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function benchRunList(runs = 10_000, repeats = 9): Promise<RunListResult[]> {
  return withTempDb((db, store) => {
    const rng = createRng(3);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng.next() * xs.length)];
    const ids = db.transaction(() => createRuns(store, runs, 'run'))();
    const writer = new MetricWriter(db, { maxBufferedPoints: 20_000 });
    db.transaction(() => {
      for (const id of ids) {
        store.setParams(id, {
          optimizer: pick(['adam', 'sgd', 'rmsprop', 'adagrad']),
          learning_rate: pick([0.1, 0.03, 0.01, 0.003, 0.001]),
          units: pick([16, 32, 64, 128, 256]),
          dropout: pick([0, 0.1, 0.2, 0.5]),
          batch_size: pick([16, 32, 64]),
        });
        store.setTags(id, { team: pick(['vision', 'nlp', 'tabular']) });
      }
    })();
    for (const id of ids) {
      const point = (key: string, value: number): MetricPoint => ({ key, step: 9, epoch: 9, value, time: 0 });
      writer.write(id, [
        point('loss', rng.next()),
        point('val_loss', rng.next()),
        point('accuracy', rng.next()),
        point('val_accuracy', rng.next()),
        point('test_accuracy', rng.next()),
        point('test_loss', rng.next()),
      ]);
    }
    writer.close();
    db.pragma('optimize');

    const queries: [string, RunListQuery][] = [
      [
        'filter metric+param, order -metric, limit 100',
        { filter: 'metrics.test_accuracy > 0.9 and params.optimizer = "adam"', orderBy: '-metrics.test_accuracy', limit: 100 },
      ],
      ['filter param numeric, order param, limit 100', { filter: 'params.learning_rate <= 0.01 and params.units >= 64', orderBy: 'params.learning_rate', limit: 100 }],
      ['no filter, order -metric, limit 100', { orderBy: '-metrics.val_accuracy', limit: 100 }],
      ['no filter, newest first, limit 100', { limit: 100 }],
      ['search "adam vision", limit 100', { search: 'adam vision', limit: 100 }],
      ['or/not filter, order -duration, limit 100', { filter: 'not (tags.team = "nlp") or metrics.loss < 0.1', orderBy: '-duration_ms', limit: 100 }],
    ];
    return queries.map(([name, q]) => {
      let matched = 0;
      const times: number[] = [];
      store.listRuns(q); // warm the statement cache and the page cache
      for (let i = 0; i < repeats; i++) {
        const t0 = performance.now();
        matched = store.listRuns(q).total;
        times.push(performance.now() - t0);
      }
      return { name, medianMs: median(times), matched, runs };
    });
  });
}

async function main(): Promise<void> {
  const ingestion = await benchMetricIngestion();
  console.log('\nMetric ingestion');
  console.table(ingestion.map((r) => ({ name: r.name, points: r.points, ms: Math.round(r.ms), 'points/s': Math.round(r.pointsPerSec) })));
  const list = await benchRunList();
  console.log(`\nlistRuns on ${list[0].runs} runs (median of 9)`);
  console.table(list.map((r) => ({ name: r.name, matched: r.matched, 'median ms': Number(r.medianMs.toFixed(2)) })));
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
