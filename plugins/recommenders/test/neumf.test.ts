import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interactionsDatasetView, type ImportedInteractionsTable } from '@lamina/plugin-sdk';
import { runTrainer } from '@lamina/plugin-sdk/testing';
import plugin from '../src/index';
import { summarise } from '../src/importer';
import { initNeuMf, neuMfLogit, neuMfRecommender } from '../src/models/neumf';
import { seeded } from '../src/random';
import { decodeModel, MODEL_BIN, MODEL_JSON } from '../src/saved';
import { splitInteractions } from '../src/splits';

/**
 * Implicit interactions with planted taste groups: users of group g pick items of group g often and others
 * rarely, while a few "blockbusters" are popular with everyone, so popularity is a real but beatable floor.
 */
function groups(users: number, items: number, numGroups: number, seed: number): ImportedInteractionsTable {
  const rand = seeded(seed);
  const rows: number[][] = [];
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < items; i++) {
      const p = i < 5 ? 0.35 : u % numGroups === i % numGroups ? 0.4 : 0.01;
      if (rand() < p) rows.push([u, i, 0, 1]);
    }
  }
  const usersCol = Int32Array.from(rows, (r) => r[0]), itemsCol = Int32Array.from(rows, (r) => r[1]);
  const split = splitInteractions({ users: usersCol, timestamps: null }, 'random', [0.8, 0.1, 0.1], seed);
  return {
    columns: ['user_index', 'item_index', 'timestamp', 'value'], rows,
    interactions: {
      userIds: Array.from({ length: users }, (_, u) => `u${u}`), itemIds: Array.from({ length: items }, (_, i) => `i${i}`),
      implicit: true, hasTimestamps: false, split: Array.from(split),
      summary: summarise(usersCol, itemsCol, split, users, items, {}, 0, 0, 'random'),
    },
  };
}

describe('neumf', () => {
  it('the full-ranking scorer gives the training path\'s logits', () => {
    const w = initNeuMf(7, 11, { factors: 4, layers: [6, 5, 3], negatives: 1, learningRate: 0.1, l2: 0, initStd: 0.5 }, seeded(3));
    w.h0 = 0.25;
    const rec = neuMfRecommender(w);
    for (let u = 0; u < 7; u++) {
      const s = rec.scoreUser(u);
      for (let i = 0; i < 11; i++) expect(s[i]).toBeCloseTo(neuMfLogit(w, u, i), 5);
    }
  });

  it('learns planted taste groups (beats popularity on NDCG@10), replays under its seed, and saves a model that scores the same', async () => {
    const view = interactionsDatasetView(groups(300, 100, 4, 7), 'groups');
    const opts = { seed: 11, params: { epochs: 20, val_every: 5 } };
    const rec = await runTrainer(plugin, 'neumf', view, opts);
    const m = rec.result.metrics!;
    expect(m.test_ndcg_at_10).toBeGreaterThan(m.baseline_ndcg_at_10 + 0.05);
    expect(rec.metrics.filter((p) => p.key === 'loss')).toHaveLength(20);
    expect(rec.metrics.filter((p) => p.key === 'val_ndcg_at_10').map((p) => p.step)).toEqual([5, 10, 15, 20]);
    expect(rec.params.layers).toBe('32,16,8');
    const again = await runTrainer(plugin, 'neumf', view, opts);
    expect(again.result.metrics).toEqual(m);

    const loaded = decodeModel(readFileSync(join(rec.artifactsDir, MODEL_JSON), 'utf8'), readFileSync(join(rec.artifactsDir, MODEL_BIN)));
    expect(loaded.header.trainer).toBe('neumf');
    expect(loaded.header.userIds).toHaveLength(300);
    const data = view.interactions;
    expect(loaded.history.reduce((n, h) => n + h.items.length, 0)).toBe(data.train.n + data.validation.n);
    // the saved model ranks exactly as the run's: its test metrics come out again from the files
    const { finalMetrics } = await import('../src/evaluate');
    const fromFiles = finalMetrics(loaded.model, data, { ks: [5, 10, 20] });
    expect(fromFiles.test_ndcg_at_10).toBeCloseTo(m.test_ndcg_at_10, 10);
  }, 300_000);

  it('refuses a layers param with one width, by name', async () => {
    const view = interactionsDatasetView(groups(20, 20, 2, 1), 'g');
    await expect(runTrainer(plugin, 'neumf', view, { seed: 1, params: { layers: '8', epochs: 1 } })).rejects.toThrow(/--param layers needs at least two widths/);
  });
});
