import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interactionsDatasetView, type ImportedInteractionsTable } from '@lamina/plugin-sdk';
import { recordedRun, runCommand, runTrainer } from '@lamina/plugin-sdk/testing';
import plugin from '../src/index';
import { summarise } from '../src/importer';
import { MODEL_BIN } from '../src/saved';
import { splitInteractions } from '../src/splits';

/** 6 users × 5 items, explicit ratings; item titles joined. */
function tiny(): ImportedInteractionsTable {
  const rows: number[][] = [];
  for (let u = 0; u < 6; u++) for (let i = 0; i < 5; i++) if ((u + i) % 3 !== 0) rows.push([u, i, 0, 1 + ((u * 2 + i) % 5)]);
  const users = Int32Array.from(rows, (r) => r[0]), items = Int32Array.from(rows, (r) => r[1]);
  const split = splitInteractions({ users, timestamps: null }, 'user', [0.7, 0.15, 0.15], 2);
  return {
    columns: ['user_index', 'item_index', 'timestamp', 'value'], rows,
    interactions: {
      userIds: ['ann', 'bob', 'cy', 'dee', 'eve', 'fay'], itemIds: ['m0', 'm1', 'm2', 'm3', 'm4'], itemTitles: ['Zero', 'One', 'Two', null, 'Four'],
      implicit: false, hasTimestamps: false, split: Array.from(split),
      summary: summarise(users, items, split, 6, 5, {}, 0, 0, 'user'),
    } as ImportedInteractionsTable['interactions'],
  };
}

describe('recommend command (reads a trained run through ctx.run)', () => {
  it('every trainer\'s saved model answers from the run\'s artifacts: top-k without what the user has, titles, history by rating', async () => {
    const view = interactionsDatasetView(tiny(), 'tiny');
    for (const trainer of ['popularity', 'bias-baseline', 'item-knn', 'mf', 'bpr', 'neumf']) {
      const rec = await runTrainer(plugin, trainer, view, { seed: 3, params: { epochs: 2, val_every: 1 } });
      const out = (await runCommand(plugin, 'recommend', { user: 'bob', k: 3 }, { run: rec })) as {
        trainer: string; history: { item: string; title: string | null; rating: number }[]; recommendations: { rank: number; item: string; title: string | null; score: number }[]; historyTotal: number;
      };
      expect(out.trainer).toBe(trainer);
      const have = new Set(out.history.map((h) => h.item));
      expect(out.historyTotal).toBe(have.size);
      expect(out.recommendations.length).toBe(Math.min(3, 5 - have.size));
      for (const r of out.recommendations) expect(have.has(r.item)).toBe(false);
      // titles joined; an item without a title says null
      for (const r of [...out.recommendations, ...out.history]) expect(r.title).toBe({ m0: 'Zero', m1: 'One', m2: 'Two', m3: null, m4: 'Four' }[r.item]);
      // the history is sorted by rating, highest first
      const ratings = out.history.map((h) => h.rating);
      expect([...ratings].sort((a, b) => b - a)).toEqual(ratings);
    }
  }, 120_000);

  it('bad arguments and damaged artifacts are input errors naming the problem', async () => {
    const rec = await runTrainer(plugin, 'popularity', interactionsDatasetView(tiny(), 'tiny'), { seed: 1 });
    await expect(runCommand(plugin, 'recommend', { user: 'zed' }, { run: rec })).rejects.toMatchObject({ name: 'CommandInputError', message: expect.stringContaining('unknown user "zed"') });
    await expect(runCommand(plugin, 'recommend', { user: 'bob', k: 'ten' }, { run: rec })).rejects.toThrow(/--arg k must be a whole number/);
    await expect(runCommand(plugin, 'recommend', {}, { run: rec })).rejects.toThrow(/needs --arg user=USER/);
    await expect(runCommand(plugin, 'recommend', { user: 'bob' })).rejects.toThrow(/needs a run/);
    // a run whose model file is cut short
    writeFileSync(join(rec.artifactsDir, MODEL_BIN), new Uint8Array(3));
    await expect(runCommand(plugin, 'recommend', { user: 'bob' }, { run: recordedRun(rec) })).rejects.toThrow(/model.bin is shorter than/);
    // the run's own artifacts only
    expect(() => recordedRun(rec).readArtifact('../../etc/passwd')).toThrow(/no recorded artifact/);
  });
});
