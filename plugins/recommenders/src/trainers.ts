/**
 * The trainers. Each reads its params (README.md lists them), logs per-epoch training loss and
 * validation metrics as curves, and returns the final test metrics with the popularity baseline's.
 */
import { interactionsOf, ratingErrors, type InteractionsData, type RankingTask, type Trainer, type TrainerContext, itemsByUser } from '@lamina/plugin-sdk';
import { finalMetrics, splitScores } from './evaluate';
import type { Recommender } from './model';
import { biasRecommender, biasStep, meanValue, popularity, type Biases } from './models/baselines';
import { copyFactors, epochBpr, epochMse, factorRecommender, initFactors, type FactorConfig, type Factors } from './models/factorization';
import { itemKnn } from './models/itemKnn';
import { copyNeuMf, epochNeuMf, initNeuMf, neuMfRecommender, type NeuMfConfig } from './models/neumf';
import { Params } from './options';
import { seeded } from './random';
import { encodeModel, MODEL_BIN, MODEL_JSON, neuMfSaved, type SavedModel } from './saved';

function rankingTask(p: Params, seed: number): RankingTask {
  const sampled = p.int('sampled_negatives', 0, 0);
  const minValue = p.num('relevant_min_rating', -Infinity);
  return {
    ks: p.list('ks', [5, 10, 20]),
    ...(Number.isFinite(minValue) ? { relevantMinValue: minValue } : {}),
    ...(sampled > 0 ? { sampledNegatives: sampled, random: seeded(seed + 1) } : {}),
  };
}

function setup(ctx: TrainerContext) {
  const data = interactionsOf(ctx.dataset);
  if (data.train.n === 0) throw new Error(`dataset "${ctx.dataset.name}" has no training interactions`);
  const p = new Params(ctx.params);
  return { data, p, task: rankingTask(p, ctx.config.seed) };
}

/** Scores the model, and saves it as the run's artifacts (what `recommend` and the Recommendations view read). */
function finish(ctx: TrainerContext, trainer: string, saved: SavedModel, model: Recommender, data: InteractionsData, task: RankingTask, epochs: number) {
  const metrics = finalMetrics(model, data, task);
  const { json, bin } = encodeModel(trainer, saved, data);
  ctx.artifacts.write(MODEL_JSON, json, 'recommender');
  ctx.artifacts.write(MODEL_BIN, bin, 'recommender');
  return { metrics, epochs };
}

/** Validation metrics worth a curve: val_rmse (explicit) and val_ndcg_at_K / val_recall_at_K at the middle cut-off. */
function validationCurve(model: Recommender, data: InteractionsData, task: RankingTask): Record<string, number> {
  if (data.validation.n === 0) return {};
  const ks = task.ks ?? [5, 10, 20];
  const k = ks.includes(10) ? 10 : ks[Math.floor(ks.length / 2)];
  const m = splitScores(model, data, 'validation', { ...task, ks: [k], sampledNegatives: undefined });
  const out: Record<string, number> = { [`val_ndcg_at_${k}`]: m[`ndcg_at_${k}`], [`val_recall_at_${k}`]: m[`recall_at_${k}`] };
  if (m.rmse !== undefined) out.val_rmse = m.rmse;
  return out;
}

function ratingCurve(model: Recommender, data: InteractionsData): Record<string, number> {
  if (data.implicit || !model.predict || data.validation.n === 0) return {};
  return { val_rmse: ratingErrors(data.validation.values, model.predict(data.validation.users, data.validation.items)).rmse };
}

export const popularityTrainer: Trainer = async (ctx) => {
  const { data, task } = setup(ctx);
  const model = popularity(data.train, data.numItems);
  ctx.log.params({ model: 'popularity' });
  ctx.progress(1, 1);
  return finish(ctx, 'popularity', { kind: 'popularity', arrays: { counts: model.scoreUser(0) } }, model, data, task, 1);
};

export const biasTrainer: Trainer = async (ctx) => {
  const { data, p, task } = setup(ctx);
  const epochs = p.int('epochs', 10);
  const regUser = p.num('reg_user', 15, 0), regItem = p.num('reg_item', 10, 0);
  ctx.log.params({ epochs, reg_user: regUser, reg_item: regItem });
  const b: Biases = { mu: meanValue(data.train), bu: new Float32Array(data.numUsers), bi: new Float32Array(data.numItems) };
  for (let e = 1; e <= epochs && !ctx.cancelled(); e++) {
    biasStep(data.train, b, regUser, regItem);
    const model = biasRecommender(b);
    const train = model.predict!(data.train.users, data.train.items);
    let se = 0;
    for (let r = 0; r < data.train.n; r++) se += (train[r] - data.train.values[r]) ** 2;
    // val_rmse every epoch; the ranking curve (which ranks by item bias, whatever the epoch) once, at the end.
    const val = e === epochs ? validationCurve(model, data, task) : ratingCurve(model, data);
    ctx.log.metrics({ loss: se / data.train.n, ...val }, e);
    ctx.progress(e, epochs, se / data.train.n);
  }
  return finish(ctx, 'bias-baseline', { kind: 'bias', scalars: { mu: b.mu }, arrays: { bu: b.bu, bi: b.bi } }, biasRecommender(b), data, task, epochs);
};

export const itemKnnTrainer: Trainer = async (ctx) => {
  const { data, p, task } = setup(ctx);
  const k = p.int('neighbours', 100), shrink = p.num('shrink', 10, 0);
  ctx.log.params({ neighbours: k, shrink });
  const model = itemKnn(data.train, data.numUsers, data.numItems, k, shrink);
  ctx.log.metrics(validationCurve(model, data, task), 1);
  ctx.progress(1, 1);
  return finish(ctx, 'item-knn', { kind: 'item-knn', arrays: model.neighbours }, model, data, task, 1);
};

interface FactorRun {
  kind: 'mf' | 'bpr';
  ctx: TrainerContext;
}

async function trainFactors({ kind, ctx }: FactorRun) {
  const { data, p, task } = setup(ctx);
  if (kind === 'mf' && data.implicit) throw new Error('mf fits explicit ratings; this dataset is implicit (use bpr)');
  const epochs = p.int('epochs', 30);
  const valEvery = p.int('val_every', 5);
  const cfg: FactorConfig = {
    factors: p.int('factors', 32),
    learningRate: p.num('learning_rate', ctx.config.learningRate ?? (kind === 'mf' ? 0.01 : 0.05), 0),
    l2: p.num('l2', kind === 'mf' ? 0.05 : 0.01, 0),
    initStd: p.num('init_std', 0.1, 0),
  };
  ctx.log.params({ epochs, val_every: valEvery, ...cfg });
  const rand = seeded(ctx.config.seed);
  const w = initFactors(data.numUsers, data.numItems, cfg, rand, kind === 'mf' ? meanValue(data.train) : 0);
  const userItems = kind === 'bpr' ? itemsByUser(data.train, data.numUsers) : [];
  const clamp = ratingRange(data);
  // Keep the epoch with the best validation score (RMSE for mf, NDCG for bpr): extra epochs cannot overfit the result.
  let best: { w: Factors; score: number; epoch: number } | null = null;
  let epochsRun = 0;
  for (let e = 1; e <= epochs && !ctx.cancelled(); e++) {
    const loss = kind === 'mf' ? epochMse(w, data.train, cfg, rand) : epochBpr(w, data.train, userItems, cfg, rand);
    const model = factorRecommender(w, data.numItems, kind === 'mf', clamp);
    // mf: val_rmse every epoch (cheap); the full-ranking curve every `val_every` epochs and at the end.
    const rankNow = e === epochs || e % valEvery === 0;
    const val = kind === 'mf'
      ? { ...ratingCurve(model, data), ...(e === epochs ? validationCurve(model, data, task) : {}) }
      : rankNow ? validationCurve(model, data, task) : {};
    ctx.log.metrics({ loss, ...val }, e);
    ctx.progress(e, epochs, loss);
    epochsRun = e;
    const ndcgKey = Object.keys(val).find((k) => k.startsWith('val_ndcg'));
    if (kind === 'bpr' && !rankNow) continue;
    const score = kind === 'mf' ? -(val.val_rmse ?? loss) : ndcgKey ? val[ndcgKey] : -loss;
    if (!best || score > best.score) best = { w: copyFactors(w), score, epoch: e };
  }
  if (!best) return { epochs: 0, metrics: {} };
  ctx.log.params({ best_epoch: best.epoch });
  const bw = best.w;
  const saved: SavedModel = {
    kind: 'factors',
    scalars: { mu: bw.mu, f: bw.f, userBias: kind === 'mf', clampLo: clamp ? clamp[0] : null, clampHi: clamp ? clamp[1] : null },
    arrays: { p: bw.p, q: bw.q, bu: bw.bu, bi: bw.bi },
  };
  return finish(ctx, kind, saved, factorRecommender(bw, data.numItems, kind === 'mf', clamp), data, task, epochsRun);
}

function ratingRange(data: InteractionsData): [number, number] | null {
  if (data.implicit || data.train.n === 0) return null;
  let lo = Infinity, hi = -Infinity;
  for (let r = 0; r < data.train.n; r++) {
    lo = Math.min(lo, data.train.values[r]);
    hi = Math.max(hi, data.train.values[r]);
  }
  return [lo, hi];
}

export const mfTrainer: Trainer = (ctx) => trainFactors({ kind: 'mf', ctx });
export const bprTrainer: Trainer = (ctx) => trainFactors({ kind: 'bpr', ctx });

/**
 * NeuMF (GMF + MLP towers, log loss with sampled negatives; models/neumf.ts). Every training interaction is a
 * positive, whatever its rating (as for bpr). Keeps the epoch with the best validation NDCG, checked every
 * `val_every` epochs and at the end.
 */
export const neuMfTrainer: Trainer = async (ctx) => {
  const { data, p, task } = setup(ctx);
  const epochs = p.int('epochs', 20);
  const valEvery = p.int('val_every', 5);
  const cfg: NeuMfConfig = {
    factors: p.int('factors', 16),
    layers: p.list('layers', [32, 16, 8]),
    negatives: p.int('negatives', 4),
    learningRate: p.num('learning_rate', ctx.config.learningRate ?? 0.01, 0),
    l2: p.num('l2', 0.0001, 0),
    initStd: p.num('init_std', 0.01, 0),
  };
  ctx.log.params({ epochs, val_every: valEvery, factors: cfg.factors, layers: cfg.layers.join(','), negatives: cfg.negatives, learning_rate: cfg.learningRate, l2: cfg.l2, init_std: cfg.initStd });
  const rand = seeded(ctx.config.seed);
  const w = initNeuMf(data.numUsers, data.numItems, cfg, rand);
  const userItems = itemsByUser(data.train, data.numUsers);
  let best: { w: ReturnType<typeof copyNeuMf>; score: number; epoch: number } | null = null;
  let epochsRun = 0;
  for (let e = 1; e <= epochs && !ctx.cancelled(); e++) {
    const loss = epochNeuMf(w, data.train, userItems, cfg, rand);
    const rankNow = e === epochs || e % valEvery === 0;
    const val = rankNow ? validationCurve(neuMfRecommender(w), data, task) : {};
    ctx.log.metrics({ loss, ...val }, e);
    ctx.progress(e, epochs, loss);
    epochsRun = e;
    if (!rankNow) continue;
    const ndcgKey = Object.keys(val).find((k) => k.startsWith('val_ndcg'));
    const score = ndcgKey ? val[ndcgKey] : -loss;
    if (!best || score > best.score) best = { w: copyNeuMf(w), score, epoch: e };
  }
  if (!best) return { epochs: 0, metrics: {} };
  ctx.log.params({ best_epoch: best.epoch });
  return finish(ctx, 'neumf', neuMfSaved(best.w), neuMfRecommender(best.w), data, task, epochsRun);
};
