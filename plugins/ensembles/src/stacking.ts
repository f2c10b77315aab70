/**
 * Stacking (Wolpert 1992, as scikit-learn's StackingClassifier/Regressor with cv=5): every base
 * learner is fitted on 4/5 of the training split and predicts the held-out fifth (folds stratified
 * by class for classification), which gives out-of-fold predictions for every training row; a
 * meta-learner (logistic regression, or ridge for regression) learns from those; then each base
 * learner is refitted on the whole training split to feed the meta-learner at prediction time.
 * For two classes only the second class's probability is used (the first is 1 − it).
 */
import type { TrainerContext, TrainerResult } from '@lamina/plugin-sdk';
import type { Rows } from './cart';
import { f32, fitMember, gainMetrics, score, setup, type FittedMember, type Setup } from './common';
import { learnerList, makeLearner, type LearnerKind, type LearnerOptions } from './learners';
import { LogisticRegression, Ridge } from './linear';

export async function stacking(ctx: TrainerContext): Promise<TrainerResult> {
  const s = setup(ctx, 'stacking');
  const p = s.params;
  const kinds = learnerList(p.base);
  const folds = Math.min(Number(p.folds), s.train.n);
  const opts: LearnerOptions = { task: s.task, outputs: s.k, maxDepth: Number(p.max_depth), mlpUnits: Number(p.mlp_units), mlpEpochs: Number(p.mlp_epochs) };
  const { n, d } = s.train;
  const width = metaWidth(s);
  const fold = assignFolds(ctx, s, folds);
  const oof = new Float64Array(n * width * kinds.length);
  const steps = kinds.length * (folds + 1);
  let done = 0;
  for (let b = 0; b < kinds.length && !ctx.cancelled(); b++) {
    for (let f = 0; f < folds && !ctx.cancelled(); f++) {
      const learner = makeLearner(kinds[b], ctx, opts);
      const weight = Float64Array.from(fold, (g) => (g === f ? 0 : 1));
      await learner.fit({ ...s.train, weight });
      const held = [...fold.keys()].filter((i) => fold[i] === f);
      const pred = await learner.predict(subset(s.train, held));
      held.forEach((r, j) => writeMeta(s, pred, j, oof, r, b, kinds.length, width));
      learner.dispose();
      ctx.log.metric(`oof_${s.scoreName}/${kinds[b]}`, score(s.task, s.k, held.map((r) => s.train.y[r]), pred), f + 1);
      ctx.progress(++done, steps);
    }
  }
  const meta = s.task === 'classification' ? new LogisticRegression(s.k) : new Ridge(1);
  const metaRows: Rows = { x: Float32Array.from(oof), n, d: width * kinds.length };
  meta.fit(metaRows, s.train.y);

  const members: FittedMember[] = [];
  for (let b = 0; b < kinds.length && !ctx.cancelled(); b++) {
    const learner = makeLearner(kinds[b], ctx, opts);
    members.push(await fitMember(ctx, s, `base-${b + 1}-${kinds[b]}`, { base: b + 1 }, learner, s.train));
    ctx.progress(++done, steps);
  }
  const predict = async (rows: Rows) => {
    const x = new Float64Array(rows.n * width * kinds.length);
    for (let b = 0; b < members.length; b++) {
      const pred = await members[b].learner.predict(rows);
      for (let i = 0; i < rows.n; i++) writeMeta(s, pred, i, x, i, b, kinds.length, width);
    }
    return meta.predict({ x: Float32Array.from(x), n: rows.n, d: width * kinds.length });
  };
  const testScore = s.test.n ? score(s.task, s.k, s.test.y, await predict(s.test)) : NaN;
  for (let m = 1; m <= members.length; m++) ctx.log.metric(`members/test_${s.scoreName}`, members[m - 1].testScore, m);
  return {
    epochs: members.length,
    metrics: gainMetrics(s, members.map((m) => m.testScore), testScore),
    predict: async (x, rows) => f32(await predict({ x, n: rows, d })),
  };
}

function metaWidth(s: Setup): number {
  return s.task === 'classification' ? (s.k === 2 ? 1 : s.k) : 1;
}

function writeMeta(s: Setup, pred: Float64Array, from: number, into: Float64Array, row: number, base: number, bases: number, width: number): void {
  const at = row * width * bases + base * width;
  if (s.task === 'classification' && s.k === 2) into[at] = pred[from * 2 + 1];
  else for (let c = 0; c < width; c++) into[at + c] = pred[from * width + c];
}

/** Fold per training row: stratified by class (each class's rows shuffled, then dealt round-robin). */
function assignFolds(ctx: TrainerContext, s: Setup, folds: number): Int32Array {
  const n = s.train.n;
  const fold = new Int32Array(n);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = s.task === 'classification' ? s.train.y[i] : 0;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  let next = 0;
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const rows = groups.get(key)!;
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(ctx.random() * (i + 1));
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    for (const r of rows) fold[r] = next++ % folds;
  }
  return fold;
}

function subset(rows: Rows, idx: number[]): Rows {
  const x = new Float32Array(idx.length * rows.d);
  idx.forEach((r, j) => x.set(rows.x.subarray(r * rows.d, r * rows.d + rows.d), j * rows.d));
  return { x, n: idx.length, d: rows.d };
}

export type { LearnerKind };
