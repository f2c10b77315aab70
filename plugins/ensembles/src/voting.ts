/**
 * Voting: each base learner is fitted on the whole training split (one child run each); soft voting
 * averages their class probabilities, hard voting takes the most common predicted class (ties to
 * the lower class index, as scikit-learn). For regression the members' values are averaged.
 */
import type { TrainerContext, TrainerResult } from '@lamina/plugin-sdk';
import { argmax, average, f32, fitMember, gainMetrics, score, setup, type FittedMember } from './common';
import { learnerList, makeLearner } from './learners';

export async function voting(ctx: TrainerContext): Promise<TrainerResult> {
  const s = setup(ctx, 'voting');
  const p = s.params;
  const kinds = learnerList(p.base);
  const hard = s.task === 'classification' && p.voting === 'hard';
  const members: FittedMember[] = [];
  for (let b = 0; b < kinds.length && !ctx.cancelled(); b++) {
    const learner = makeLearner(kinds[b], ctx, { task: s.task, outputs: s.k, maxDepth: Number(p.max_depth), mlpUnits: Number(p.mlp_units), mlpEpochs: Number(p.mlp_epochs) });
    members.push(await fitMember(ctx, s, `member-${b + 1}-${kinds[b]}`, { member: b + 1 }, learner, s.train));
    const ens = (split: 'val' | 'test') => score(s.task, s.k, s[split].y, combine(members.map((m) => m[split]), s.k, hard));
    ctx.log.metrics({ [`members/val_${s.scoreName}`]: ens('val'), [`members/test_${s.scoreName}`]: ens('test') }, b + 1);
    ctx.progress(b + 1, kinds.length);
  }
  const ensembleTest = score(s.task, s.k, s.test.y, combine(members.map((m) => m.test), s.k, hard));
  return {
    epochs: members.length,
    metrics: gainMetrics(s, members.map((m) => m.testScore), ensembleTest),
    predict: async (x, rows) => f32(combine(await Promise.all(members.map((m) => m.learner.predict({ x, n: rows, d: s.train.d }))), s.k, hard)),
  };
}

/** Soft: mean; hard: one-hot of the majority class per row. */
function combine(outputs: Float64Array[], k: number, hard: boolean): Float64Array {
  if (!hard) return average(outputs);
  const n = outputs[0].length / k;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const votes = new Float64Array(k);
    for (const o of outputs) votes[argmax(o, i, k)]++;
    out[i * k + argmax(votes, 0, k)] = 1;
  }
  return out;
}
