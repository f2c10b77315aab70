/**
 * The ensembles plugin through the SDK's headless harness, on real data: scikit-learn parity
 * (Debian's python3-sklearn, same split), members as child runs, reproducibility under the seed,
 * weighted learners by resampling, the run's own --model as a base learner, and bad parameters.
 *
 * Tolerances (test-split accuracy, or R² for regression, ours − scikit-learn's):
 *  - deterministic algorithms (AdaBoost SAMME on stumps, gradient boosting): 0.01;
 *  - stacking and voting (an MLP member initialised differently): 0.03;
 *  - bagging and random forests (bootstrap draws differ): means over 3 seeds each side, 0.04
 *    (0.06 R² on the 133 test rows of diabetes).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvTable, runTrainer, tableDataset, type TrainerRecording } from '@lamina/plugin-sdk/testing';
import type { CreateModel, DatasetView, ParamValue } from '@lamina/plugin-sdk';
import plugin from '../src/index';
import { diabetesTable, hasSklearn, sklearnScores, testScore, wineTable } from './reference';

const shared = resolve(__dirname, '../../../../shared/datasets');
const SPLIT: [number, number, number] = [0.6, 0.1, 0.3];
const breast = tableDataset(csvTable(readFileSync(resolve(shared, 'breast-cancer-wisconsin.csv'), 'utf8')), { target: 'diagnosis', split: SPLIT, name: 'breast-cancer' });
const iris = tableDataset(csvTable(readFileSync(resolve(shared, 'iris.csv'), 'utf8')), { target: 'species', split: SPLIT, name: 'iris' });
const sklearn = hasSklearn();
const diabetes = sklearn ? tableDataset(diabetesTable(), { target: 'progression', task: 'regression', split: SPLIT, name: 'diabetes' }) : iris;
const wine = sklearn ? tableDataset(wineTable(), { target: 'cultivar', split: SPLIT, name: 'wine' }) : iris;

const TOLERANCE: Record<string, number> = { adaboost: 0.01, 'gradient-boosting': 0.01, stacking: 0.03, voting: 0.03, bagging: 0.04, 'random-forest': 0.04 };
const RANDOM = new Set(['bagging', 'random-forest']);

async function ours(data: DatasetView, id: string, seed = 1, params: Record<string, ParamValue> = {}): Promise<{ score: number; rec: TrainerRecording }> {
  const rec = await runTrainer(plugin, id, data, { seed, params });
  const pred = await rec.result.predict!(data.test.x.slice(), data.test.n);
  return { score: testScore(data, Float32Array.from(pred)), rec };
}

async function compare(data: DatasetView, id: string, tolerance = TOLERANCE[id]): Promise<void> {
  const seeds = RANDOM.has(id) ? [1, 2, 3] : [1];
  const ref = sklearnScores(data, [id], seeds.map((s) => s - 1))[id].score;
  let sum = 0;
  for (const seed of seeds) sum += (await ours(data, id, seed)).score;
  const mine = sum / seeds.length;
  expect(Math.abs(mine - ref), `${data.name} ${id}: lamina ${mine.toFixed(4)} vs scikit-learn ${ref.toFixed(4)}`).toBeLessThanOrEqual(tolerance);
}

describe.skipIf(!sklearn)('scikit-learn parity on the same split (defaults on both sides)', () => {
  for (const id of ['bagging', 'random-forest', 'adaboost', 'gradient-boosting', 'voting', 'stacking']) {
    // Stacking trains 5 folds × 3 learners: ≈85 s on a quiet machine, several times that beside other work.
    it(`breast cancer: ${id}`, () => compare(breast, id), id === 'stacking' ? 1_200_000 : 600_000);
  }
  for (const id of ['adaboost', 'gradient-boosting', 'voting']) {
    it(`iris (3 classes): ${id}`, () => compare(iris, id), 300_000);
    it(`wine (3 classes, not used while writing the plugin's defaults): ${id}`, () => compare(wine, id), 300_000);
  }
  it('diabetes regression: gradient boosting, random forest, voting and stacking (R²)', async () => {
    await compare(diabetes, 'gradient-boosting');
    await compare(diabetes, 'random-forest', 0.06);
    await compare(diabetes, 'voting');
    await compare(diabetes, 'stacking');
  }, 600_000);
});

describe('ensembles through the SDK harness', () => {
  it('bagging: members are child runs with their params and scores; OOB score; score per number of members', async () => {
    const { rec, score } = await ours(iris, 'bagging', 7, { members: 4 });
    expect(rec.params).toMatchObject({ members: 4, base: 'tree', max_samples: 1 });
    expect(rec.children.map((c) => c.name)).toEqual(['member-1', 'member-2', 'member-3', 'member-4']);
    for (const c of rec.children) {
      expect(c.ended && c.error === null).toBe(true);
      expect(c.params).toMatchObject({ learner: 'tree' });
      expect(c.metrics.map((m) => m.key)).toEqual(expect.arrayContaining(['val_accuracy', 'test_accuracy', 'tree_depth']));
    }
    expect(rec.metrics.filter((m) => m.key === 'members/val_accuracy').map((m) => m.step)).toEqual([1, 2, 3, 4]);
    expect(rec.result.metrics!.oob_score).toBeGreaterThan(0.8);
    expect(rec.result.metrics!.ensemble_test_accuracy).toBeCloseTo(score, 10);
    expect(rec.result.metrics!.gain_over_best_member).toBeCloseTo(score - rec.result.metrics!.best_member_test_accuracy, 10);
  });

  it('is reproducible under the seed and varies with it', async () => {
    const a = await runTrainer(plugin, 'random-forest', breast, { seed: 3, params: { members: 8 } });
    const b = await runTrainer(plugin, 'random-forest', breast, { seed: 3, params: { members: 8 } });
    const c = await runTrainer(plugin, 'random-forest', breast, { seed: 4, params: { members: 8 } });
    const p = async (r: TrainerRecording) => Array.from(await r.result.predict!(breast.test.x.slice(), breast.test.n));
    expect(await p(a)).toEqual(await p(b));
    expect(await p(a)).not.toEqual(await p(c));
    expect(a.metrics).toEqual(b.metrics);
  });

  it('stacking beats or equals its best base learner on breast cancer', async () => {
    const { rec } = await ours(breast, 'stacking');
    expect(rec.children.map((c) => c.name)).toEqual(['base-1-mlp', 'base-2-linear', 'base-3-tree']);
    expect(rec.result.metrics!.gain_over_best_member).toBeGreaterThanOrEqual(0);
    // Out-of-fold scores: one per fold and base learner.
    expect(rec.metrics.filter((m) => m.key === 'oof_accuracy/tree').map((m) => m.step)).toEqual([1, 2, 3, 4, 5]);
  }, 300_000);

  it('AdaBoost with a network learner trains on weighted resamples; hard voting; gradient boosting with an MLP weak learner', async () => {
    const ada = await ours(iris, 'adaboost', 1, { base: 'mlp', rounds: 3, mlp_epochs: 400, mlp_units: 32 });
    expect(ada.score).toBeGreaterThan(0.8);
    expect(ada.rec.children).toHaveLength(3);
    expect(ada.rec.children[0].metrics.some((m) => m.key === 'loss')).toBe(true);
    const hard = await ours(iris, 'voting', 1, { voting: 'hard', base: 'linear,tree,stump' });
    expect(hard.score).toBeGreaterThan(0.8);
    const gb = await ours(iris, 'gradient-boosting', 1, { weak_learner: 'mlp', rounds: 10, learning_rate: 0.5, mlp_epochs: 200 });
    expect(gb.score).toBeGreaterThan(0.8);
  }, 300_000);

  it("bags the run's own --model (a TensorFlow.js network), logging each member's loss curve", async () => {
    const createModel: CreateModel = (ctx) => {
      const m = ctx.tf.sequential({ layers: [ctx.tf.layers.dense({ units: ctx.numClasses, activation: 'softmax', inputShape: ctx.inputShape })] });
      m.compile({ optimizer: ctx.tf.train.adam(0.1), loss: 'categoricalCrossentropy' });
      return m;
    };
    const rec = await runTrainer(plugin, 'bagging', iris, { seed: 2, epochs: 15, params: { members: 3, base: 'model' }, createModel });
    const pred = await rec.result.predict!(iris.test.x.slice(), iris.test.n);
    expect(testScore(iris, Float32Array.from(pred))).toBeGreaterThan(0.8);
    expect(rec.children[0].metrics.filter((m) => m.key === 'loss')).toHaveLength(15);
  }, 300_000);

  it('refuses bad parameters naming them, and classification-only trainers on regression data', async () => {
    await expect(runTrainer(plugin, 'bagging', iris, { params: { members: 0 } })).rejects.toThrow(/--param members=0: must be at least 1/);
    await expect(runTrainer(plugin, 'stacking', iris, { params: { base: 'mlp,forest' } })).rejects.toThrow(/--param base=.*unknown "forest"/);
    await expect(runTrainer(plugin, 'gradient-boosting', iris, { params: { learning_rate: 'fast' } })).rejects.toThrow(/learning_rate.*must be a number/);
    const regression = tableDataset(
      { columns: ['a', 'b', 'y'], rows: Array.from({ length: 60 }, (_, i) => [i, (i * 7) % 13, i * 0.5 + ((i * 7) % 13)]) },
      { target: 'y', task: 'regression' },
    );
    await expect(runTrainer(plugin, 'adaboost', regression)).rejects.toThrow(/adaboost.*classification/);
    await expect(runTrainer(plugin, 'voting', regression, { params: { voting: 'hard' } })).rejects.toThrow(/--param voting: applies to classification only/);
    const bagged = await runTrainer(plugin, 'bagging', regression, { params: { members: 3 } });
    expect(bagged.children).toHaveLength(3);
    expect(bagged.children[0].metrics.map((m) => m.key)).toContain('val_r2');
  });
});
