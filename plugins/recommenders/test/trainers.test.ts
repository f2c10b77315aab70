import { describe, expect, it } from 'vitest';
import { interactionsDatasetView, type ImportedInteractionsTable } from '@lamina/plugin-sdk';
import { runTrainer } from '@lamina/plugin-sdk/testing';
import plugin from '../src/index';
import { importInteractions } from '../src/importer';
import { summarise } from '../src/importer';
import { seeded } from '../src/random';
import { splitInteractions } from '../src/splits';

const logger = { info: () => {}, warn: () => {}, error: () => {} };
const MOVIELENS = `${__dirname}/../../../../shared/datasets/movielens-small/ratings.csv`;

/** Ratings r = 3 + p_u·q_i + N(0, noise²) from planted rank-2 factors, for a fraction of all pairs. */
function planted(users: number, items: number, density: number, noise: number, seed: number): ImportedInteractionsTable {
  const rand = seeded(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
  const P = Array.from({ length: users }, () => [gauss(), gauss()]);
  const Q = Array.from({ length: items }, () => [gauss(), gauss()]);
  const rows: number[][] = [];
  for (let u = 0; u < users; u++) for (let i = 0; i < items; i++) {
    if (rand() < density) rows.push([u, i, 0, 3 + 0.7 * (P[u][0] * Q[i][0] + P[u][1] * Q[i][1]) + noise * gauss()]);
  }
  const usersCol = Int32Array.from(rows, (r) => r[0]), itemsCol = Int32Array.from(rows, (r) => r[1]);
  const split = splitInteractions({ users: usersCol, timestamps: null }, 'random', [0.8, 0.1, 0.1], seed);
  return {
    columns: ['user_index', 'item_index', 'timestamp', 'value'], rows,
    interactions: {
      userIds: P.map((_, u) => `u${u}`), itemIds: Q.map((_, i) => `i${i}`), implicit: false, hasTimestamps: false, split: Array.from(split),
      summary: summarise(usersCol, itemsCol, split, users, items, {}, 0, 0, 'random'),
    },
  };
}

describe('recommender trainers', () => {
  it('mf recovers planted low-rank ratings to within the planted noise, and replays under its seed', async () => {
    const noise = 0.3;
    const view = interactionsDatasetView(planted(150, 120, 0.3, noise, 3), 'planted');
    const opts = { seed: 5, params: { factors: 8, epochs: 40 } };
    const rec = await runTrainer(plugin, 'mf', view, opts);
    const m = rec.result.metrics!;
    expect(m.test_rmse).toBeLessThan(noise * 1.35);
    const bias = (await runTrainer(plugin, 'bias-baseline', view, { seed: 5 })).result.metrics!;
    expect(m.test_rmse).toBeLessThan(bias.test_rmse);
    // per-epoch curves
    expect(rec.metrics.filter((p) => p.key === 'loss')).toHaveLength(40);
    expect(rec.metrics.filter((p) => p.key === 'val_rmse')).toHaveLength(40);
    const again = await runTrainer(plugin, 'mf', view, opts);
    expect(again.result.metrics).toEqual(m);
  }, 300_000);

  it('refuses a plain table dataset by name, and mf refuses implicit data', async () => {
    const plain = { name: 'iris', task: 'classification' as const, classes: [], inputShape: [1], features: ['x'], train: { x: new Float32Array(), y: new Float32Array(), n: 0 }, validation: { x: new Float32Array(), y: new Float32Array(), n: 0 }, test: { x: new Float32Array(), y: new Float32Array(), n: 0 } };
    await expect(runTrainer(plugin, 'popularity', plain)).rejects.toThrow(/not an interactions dataset/);
    const t = planted(20, 20, 0.5, 0.1, 1);
    t.interactions.implicit = true;
    await expect(runTrainer(plugin, 'mf', interactionsDatasetView(t))).rejects.toThrow(/implicit \(use bpr\)/);
  });

  it('MovieLens-small, random 80/10/10: mf beats bias-baseline and 0.95 RMSE; bpr and item-knn beat popularity on full-ranking NDCG@10', async () => {
    const view = interactionsDatasetView(importInteractions(MOVIELENS, { options: {}, logger }), 'movielens-small');
    const run = async (id: string) => (await runTrainer(plugin, id, view, { seed: 1 })).result.metrics!;
    const pop = await run('popularity');
    const bias = await run('bias-baseline');
    const mf = await run('mf');
    const knn = await run('item-knn');
    const bpr = await run('bpr');
    const table = { popularity: pop, 'bias-baseline': bias, 'item-knn': knn, mf, bpr };
    console.log(['trainer', 'test_rmse', 'test_mae', 'test_ndcg_at_10', 'test_recall_at_10', 'test_coverage_at_10'].join(' | '));
    for (const [id, m] of Object.entries(table)) {
      console.log([id, ...['test_rmse', 'test_mae', 'test_ndcg_at_10', 'test_recall_at_10', 'test_coverage_at_10'].map((k) => (m[k] === undefined ? '–' : m[k].toFixed(4)))].join(' | '));
    }
    expect(mf.test_rmse).toBeLessThan(0.95);
    expect(mf.test_rmse).toBeLessThan(bias.test_rmse);
    expect(bpr.test_ndcg_at_10).toBeGreaterThan(pop.test_ndcg_at_10);
    expect(knn.test_ndcg_at_10).toBeGreaterThan(pop.test_ndcg_at_10);
    // every run carries the popularity baseline on the same split
    expect(mf.baseline_ndcg_at_10).toBeCloseTo(pop.test_ndcg_at_10, 12);
    expect(pop.test_users_evaluated).toBeGreaterThan(600);
    // ≈35 s quiet; 15 min was not enough at load 30 on two cores.
  }, 2_400_000);
});
