/**
 * Gradient boosting (Friedman 2001, as scikit-learn's GradientBoostingClassifier/Regressor):
 * start from the prior (log-odds / log class priors, or the mean), then each round fits a depth-3
 * regression tree per output to the pseudo-residuals (y − p for log-loss, y − f for squared error)
 * and adds learning_rate × its leaves. For log-loss each leaf's value is a Newton step,
 * Σr / Σ p(1 − p) (binary) or (K − 1)/K · Σr / Σ|r|(1 − |r|) (K classes); for squared error it is
 * the leaf's mean residual. weak_learner=mlp fits a small network to the residuals instead (no
 * Newton step: its outputs are added as they are).
 */
import type { TrainerContext, TrainerResult } from '@lamina/plugin-sdk';
import { DecisionTree, type Rows } from './cart';
import { f32, gainMetrics, score, setup } from './common';
import { makeLearner, type Learner } from './learners';
import { softmax } from './linear';

interface Stage {
  /** One weak learner per output column (K for multi-class, else 1). */
  parts: { tree?: DecisionTree; learner?: Learner }[];
}

export async function gradientBoosting(ctx: TrainerContext): Promise<TrainerResult> {
  const s = setup(ctx, 'gradient-boosting');
  const p = s.params;
  const rounds = Number(p.rounds);
  const lr = Number(p.learning_rate);
  const maxDepth = Number(p.max_depth);
  const subsample = Number(p.subsample);
  const weak = String(p.weak_learner);
  const cls = s.task === 'classification';
  const K = s.k;
  const cols = cls ? (K === 2 ? 1 : K) : 1; // raw scores per row
  const { n, d } = s.train;
  const y = s.train.y;

  // Initial raw scores: the prior.
  const init = new Float64Array(cols);
  if (cls) {
    const counts = new Float64Array(K);
    for (let i = 0; i < n; i++) counts[y[i]]++;
    const prior = counts.map((c) => Math.max(c, 1e-12) / n);
    if (K === 2) init[0] = Math.log(prior[1] / prior[0]);
    else for (let c = 0; c < K; c++) init[c] = Math.log(prior[c]);
  } else {
    init[0] = y.reduce((a, b) => a + b, 0) / n;
  }
  const raw = (rows: number) => {
    const f = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) f.set(init, i * cols);
    return f;
  };
  const F = raw(n);
  const Fval = raw(s.val.n);
  const Ftest = raw(s.test.n);
  const stages: Stage[] = [];
  const memberTest: number[] = [];

  for (let m = 0; m < rounds && !ctx.cancelled(); m++) {
    const child = ctx.runs.child(`round-${m + 1}`, { round: m + 1, learner: weak, outputs: cols });
    // Rows of this round (stochastic gradient boosting when subsample < 1).
    const inBag = new Float64Array(n).fill(1);
    if (subsample < 1) for (let i = 0; i < n; i++) inBag[i] = ctx.random() < subsample ? 1 : 0;
    const probs = cls ? probabilities(F, n, K) : null;
    const stage: Stage = { parts: [] };
    for (let c = 0; c < cols; c++) {
      const r = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (!cls) r[i] = y[i] - F[i];
        else if (K === 2) r[i] = (y[i] === 1 ? 1 : 0) - probs![i * 2 + 1];
        else r[i] = (y[i] === c ? 1 : 0) - probs![i * K + c];
      }
      if (weak === 'mlp') {
        const learner = makeLearner('mlp', ctx, { task: 'regression', outputs: 1, mlpUnits: Number(p.mlp_units ?? 16), mlpEpochs: Number(p.mlp_epochs ?? 50) });
        await learner.fit({ ...s.train, y: r, weight: subsample < 1 ? inBag : undefined });
        stage.parts.push({ learner });
      } else {
        const tree = new DecisionTree('regression', 1, { maxDepth }).fit(s.train, r, inBag);
        if (cls) newtonLeaves(tree, s.train, r, inBag, K);
        stage.parts.push({ tree });
      }
    }
    stages.push(stage);
    await addStage(stage, s.train, F, cols, lr);
    await addStage(stage, s.val, Fval, cols, lr);
    await addStage(stage, s.test, Ftest, cols, lr);
    const trainLoss = loss(F, y, n, K, cls);
    const out = (f: Float64Array, rows: number) => (cls ? probabilities(f, rows, K) : f);
    const val = score(s.task, K, s.val.y, out(Fval, s.val.n));
    const test = score(s.task, K, s.test.y, out(Ftest, s.test.n));
    child.metrics({ train_loss: trainLoss, [`val_${s.scoreName}`]: val, [`test_${s.scoreName}`]: test });
    child.end();
    memberTest.push(test);
    ctx.log.metrics({ train_loss: trainLoss, [`members/val_${s.scoreName}`]: val, [`members/test_${s.scoreName}`]: test }, m + 1);
    ctx.progress(m + 1, rounds, trainLoss);
  }
  const predictRaw = async (rows: Rows) => {
    const f = raw(rows.n);
    for (const st of stages) await addStage(st, rows, f, cols, lr);
    return cls ? probabilities(f, rows.n, K) : f;
  };
  // Members of a boosted ensemble are not predictors on their own; the first round alone is the baseline.
  const finalTest = score(s.task, K, s.test.y, await predictRaw(s.test));
  return {
    epochs: stages.length,
    metrics: { ...gainMetrics(s, memberTest.slice(0, 1), finalTest), train_loss: loss(F, y, n, K, cls) },
    predict: async (x, rows) => f32(await predictRaw({ x, n: rows, d })),
  };
}

/** Replaces each leaf's mean residual by the log-loss Newton step. */
function newtonLeaves(tree: DecisionTree, rows: Rows, r: Float64Array, weight: Float64Array, K: number): void {
  const num = new Float64Array(tree.nodes.length);
  const den = new Float64Array(tree.nodes.length);
  for (let i = 0; i < rows.n; i++) {
    if (!weight[i]) continue;
    const leaf = tree.leaf(rows.x, rows.d, i);
    num[leaf] += r[i];
    const a = Math.abs(r[i]);
    den[leaf] += K === 2 ? (r[i] >= 0 ? (1 - r[i]) * r[i] : (1 + r[i]) * -r[i]) : a * (1 - a);
  }
  const scale = K === 2 ? 1 : (K - 1) / K;
  tree.nodes.forEach((node, j) => {
    if (node.feature >= 0) return;
    node.value[0] = Math.abs(den[j]) < 1e-150 ? 0 : (scale * num[j]) / den[j];
  });
}

async function addStage(stage: Stage, rows: Rows, f: Float64Array, cols: number, lr: number): Promise<void> {
  if (!rows.n) return;
  for (let c = 0; c < cols; c++) {
    const part = stage.parts[c];
    const pred = part.tree ? part.tree.predict(rows) : await part.learner!.predict(rows);
    for (let i = 0; i < rows.n; i++) f[i * cols + c] += lr * pred[i];
  }
}

/** Class probabilities from raw scores (sigmoid for two classes, softmax for more). */
function probabilities(f: Float64Array, rows: number, K: number): Float64Array {
  const out = new Float64Array(rows * K);
  for (let i = 0; i < rows; i++) {
    if (K === 2) {
      const p1 = 1 / (1 + Math.exp(-f[i]));
      out[i * 2] = 1 - p1;
      out[i * 2 + 1] = p1;
    } else {
      out.set(softmax(f.subarray(i * K, i * K + K), K), i * K);
    }
  }
  return out;
}

function loss(f: Float64Array, y: ArrayLike<number>, n: number, K: number, cls: boolean): number {
  let sum = 0;
  if (!cls) {
    for (let i = 0; i < n; i++) sum += (y[i] - f[i]) ** 2;
    return sum / n;
  }
  const p = probabilities(f, n, K);
  for (let i = 0; i < n; i++) sum -= Math.log(Math.max(1e-15, p[i * K + y[i]]));
  return sum / n;
}
