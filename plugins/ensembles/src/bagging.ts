/**
 * Bagging (and random forests, which are bagged trees that try a random subset of features at each
 * split): each member fits a bootstrap sample of the training split (counts passed as sample
 * weights, which is what scikit-learn does); members soft-vote (average probabilities) or average
 * their values. The out-of-bag score uses, for every training row, only the members that did not
 * see it.
 */
import type { TrainerContext, TrainerResult } from '@lamina/plugin-sdk';
import { average, f32, fitMember, gainMetrics, score, setup } from './common';
import { learnerList, makeLearner, type Learner } from './learners';

export async function bagging(ctx: TrainerContext, forest = false): Promise<TrainerResult> {
  const s = setup(ctx, forest ? 'random-forest' : 'bagging');
  const p = s.params;
  const members = Number(p.members);
  const kind = forest ? 'tree' : learnerList(p.base)[0];
  const n = s.train.n;
  const d = s.train.d;
  const draw = Math.max(1, Math.round(Number(p.max_samples ?? 1) * n));
  const maxFeatures = forest ? featuresPerSplit(String(p.max_features), d, s.task) : undefined;
  const oobSum = new Float64Array(n * s.k);
  const oobVotes = new Uint32Array(n);
  const fitted: { learner: Learner; val: Float64Array; test: Float64Array; testScore: number }[] = [];
  for (let m = 0; m < members && !ctx.cancelled(); m++) {
    const counts = new Float64Array(n);
    for (let i = 0; i < draw; i++) counts[Math.floor(ctx.random() * n)]++;
    const learner = makeLearner(kind, ctx, { task: s.task, outputs: s.k, maxDepth: Number(p.max_depth ?? 0), maxFeatures, mlpUnits: Number(p.mlp_units ?? 100), mlpEpochs: Number(p.mlp_epochs ?? 200) });
    const member = await fitMember(ctx, s, `member-${m + 1}`, { member: m + 1 }, learner, { ...s.train, weight: counts });
    fitted.push(member);
    // Out-of-bag predictions for the rows this member did not see.
    const out = counts.map((c) => (c === 0 ? 1 : 0));
    const oobRows = out.reduce((a, b) => a + b, 0);
    if (oobRows > 0) {
      const idx = [...out.keys()].filter((i) => out[i]);
      const x = new Float32Array(idx.length * d);
      idx.forEach((r, j) => x.set(s.train.x.subarray(r * d, r * d + d), j * d));
      const pred = await learner.predict({ x, n: idx.length, d });
      idx.forEach((r, j) => {
        for (let c = 0; c < s.k; c++) oobSum[r * s.k + c] += pred[j * s.k + c];
        oobVotes[r]++;
      });
    }
    const ens = (split: 'val' | 'test') => score(s.task, s.k, s[split].y, average(fitted.map((f) => f[split])));
    ctx.log.metrics({ [`members/val_${s.scoreName}`]: ens('val'), [`members/test_${s.scoreName}`]: ens('test') }, m + 1);
    ctx.progress(m + 1, members);
  }
  const metrics: Record<string, number> = {};
  const seen = [...oobVotes.keys()].filter((i) => oobVotes[i] > 0);
  if (seen.length) {
    const pred = new Float64Array(seen.length * s.k);
    seen.forEach((r, j) => {
      for (let c = 0; c < s.k; c++) pred[j * s.k + c] = oobSum[r * s.k + c] / oobVotes[r];
    });
    metrics.oob_score = score(s.task, s.k, seen.map((r) => s.train.y[r]), pred);
    metrics.oob_rows = seen.length;
  }
  const ensembleTest = score(s.task, s.k, s.test.y, average(fitted.map((f) => f.test)));
  Object.assign(metrics, gainMetrics(s, fitted.map((f) => f.testScore), ensembleTest));
  return {
    epochs: fitted.length,
    metrics,
    predict: async (x, rows) => f32(average(await Promise.all(fitted.map((f) => f.learner.predict({ x, n: rows, d }))))),
  };
}

function featuresPerSplit(choice: string, d: number, task: string): number {
  if (choice === 'all' || (choice === 'auto' && task === 'regression')) return d;
  if (choice === 'log2') return Math.max(1, Math.floor(Math.log2(d)));
  return Math.max(1, Math.floor(Math.sqrt(d)));
}
