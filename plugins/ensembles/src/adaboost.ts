/**
 * AdaBoost, SAMME (multi-class; Zhu et al. 2009, scikit-learn's algorithm="SAMME"): each round fits
 * a weak learner to the weighted training rows, gives it the say
 *   alpha = learning_rate · (log((1 − err) / err) + log(K − 1))
 * and multiplies the weights of the rows it got wrong by e^alpha. Trees and linear learners take
 * the weights in their loss (weighted Gini / weighted log-loss); network learners get a weighted
 * resample of the rows (TensorFlow.js 4.22 `fit` has no sampleWeight). Prediction: the class with
 * the largest alpha-weighted vote; probabilities are softmax(vote / (K − 1)).
 */
import type { TrainerContext, TrainerResult } from '@lamina/plugin-sdk';
import type { Rows } from './cart';
import { argmax, f32, fitMember, gainMetrics, score, setup, type Setup } from './common';
import { learnerList, makeLearner, type Learner } from './learners';
import { softmax } from './linear';

export async function adaboost(ctx: TrainerContext): Promise<TrainerResult> {
  const s = setup(ctx, 'adaboost');
  const p = s.params;
  const rounds = Number(p.rounds);
  const lr = Number(p.learning_rate);
  const kind = learnerList(p.base)[0];
  const { n } = s.train;
  const K = s.k;
  const w = new Float64Array(n).fill(1 / n);
  const members: { learner: Learner; alpha: number }[] = [];
  const memberTest: number[] = [];
  for (let m = 0; m < rounds && !ctx.cancelled(); m++) {
    const learner = makeLearner(kind, ctx, { task: 'classification', outputs: K, maxDepth: Number(p.max_depth ?? 1), mlpUnits: Number(p.mlp_units ?? 100), mlpEpochs: Number(p.mlp_epochs ?? 200) });
    const fitted = await fitMember(ctx, s, `round-${m + 1}`, { round: m + 1 }, learner, { ...s.train, weight: w });
    const pred = await learner.predict(s.train);
    let err = 0;
    let total = 0;
    const wrong = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      wrong[i] = argmax(pred, i, K) === s.train.y[i] ? 0 : 1;
      err += w[i] * wrong[i];
      total += w[i];
    }
    err /= total;
    if (err <= 0) {
      // A perfect learner: keep it (with weight 1, as scikit-learn does) and stop.
      members.push({ learner, alpha: 1 });
      memberTest.push(fitted.testScore);
      await logRound(ctx, s, members, m + 1, err, 1);
      break;
    }
    if (err >= 1 - 1 / K) {
      // No better than chance: boosting cannot continue.
      ctx.logger.warn(`round ${m + 1}: weighted error ${err.toFixed(3)} is no better than chance; stopping`);
      if (!members.length) throw new Error(`the first weak learner (${kind}) is no better than chance (weighted error ${err.toFixed(3)})`);
      break;
    }
    const alpha = lr * (Math.log((1 - err) / err) + Math.log(K - 1));
    members.push({ learner, alpha });
    memberTest.push(fitted.testScore);
    if (m < rounds - 1) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        if (wrong[i] && w[i] > 0) w[i] *= Math.exp(alpha);
        sum += w[i];
      }
      for (let i = 0; i < n; i++) w[i] /= sum;
    }
    await logRound(ctx, s, members, m + 1, err, alpha);
    ctx.progress(m + 1, rounds);
  }
  const testPred = await vote(members, s.test, K);
  return {
    epochs: members.length,
    metrics: gainMetrics(s, memberTest, score(s.task, K, s.test.y, testPred)),
    predict: async (x, rows) => f32(await vote(members, { x, n: rows, d: s.train.d }, K)),
  };
}

async function vote(members: { learner: Learner; alpha: number }[], rows: Rows, K: number): Promise<Float64Array> {
  const decision = new Float64Array(rows.n * K);
  const alphaSum = members.reduce((a, m) => a + m.alpha, 0) || 1;
  for (const { learner, alpha } of members) {
    const pred = await learner.predict(rows);
    for (let i = 0; i < rows.n; i++) decision[i * K + argmax(pred, i, K)] += alpha / alphaSum;
  }
  const out = new Float64Array(rows.n * K);
  const z = new Float64Array(K);
  for (let i = 0; i < rows.n; i++) {
    for (let c = 0; c < K; c++) z[c] = decision[i * K + c] / Math.max(1, K - 1);
    out.set(softmax(z, K), i * K);
  }
  return out;
}

async function logRound(ctx: TrainerContext, s: Setup, members: { learner: Learner; alpha: number }[], round: number, err: number, alpha: number): Promise<void> {
  const val = s.val.n ? score(s.task, s.k, s.val.y, await vote(members, s.val, s.k)) : NaN;
  const test = s.test.n ? score(s.task, s.k, s.test.y, await vote(members, s.test, s.k)) : NaN;
  ctx.log.metrics({ weighted_error: err, alpha, [`members/val_${s.scoreName}`]: val, [`members/test_${s.scoreName}`]: test }, round);
}
