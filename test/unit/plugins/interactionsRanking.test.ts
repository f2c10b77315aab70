import { describe, expect, it } from 'vitest';
import {
  evaluateRanking, interactionsData, interactionsOf, listMetrics, ratingErrors, topK, type InteractionSplit,
} from '@lamina/plugin-sdk';

const split = (rows: [number, number, number][]): InteractionSplit => ({
  n: rows.length,
  users: Int32Array.from(rows, (r) => r[0]),
  items: Int32Array.from(rows, (r) => r[1]),
  values: Float32Array.from(rows, (r) => r[2]),
  timestamps: null,
});

// 6 items. u0 and u1 have training items; u3 has none (cold); u4's only held-out item is rated below
// the relevance cut; u2 has nothing held out.
const train = split([[0, 0, 5], [1, 1, 4], [2, 2, 3]]);
const test = split([[0, 1, 5], [0, 3, 4], [1, 0, 4], [3, 5, 5], [4, 2, 1]]);
const scores: Record<number, number[]> = {
  0: [9, 8, 1, 7, 1, 1], // ranking without item 0: 1, 3, then the ties 2, 4, 5 in index order
  1: [5, 9, 6, 0, 0, 0], // without item 1: 2, 0, 3, 4, 5
  3: [0, 0, 0, 0, 0, 0], // all tied: 0, 1, 2, … (lower index first)
  4: [0, 0, 0, 0, 0, 0],
};
const scorer = (u: number) => Float32Array.from(scores[u] ?? [0, 0, 0, 0, 0, 0]);

describe('ranking metrics (hand-computed)', () => {
  it('K = 2: averages over users with a relevant held-out item; others are counted, not averaged', () => {
    const r = evaluateRanking(scorer, test, [train], 5, 6, { ks: [2], relevantMinValue: 4 });
    // u0: [1, 3] both relevant; u1: [2, 0], hit at rank 2; u3: [0, 1], no hit.
    expect(r.usersEvaluated).toBe(3);
    expect(r.usersWithoutRelevant).toBe(1);
    expect(r.coldUsers).toBe(1);
    const m = r.metrics;
    expect(m.precision_at_2).toBeCloseTo((1 + 0.5 + 0) / 3, 10);
    expect(m.recall_at_2).toBeCloseTo((1 + 1 + 0) / 3, 10);
    expect(m.ndcg_at_2).toBeCloseTo((1 + 1 / Math.log2(3) + 0) / 3, 10);
    expect(m.map_at_2).toBeCloseTo((1 + 0.5 + 0) / 3, 10);
    expect(m.hit_rate_at_2).toBeCloseTo(2 / 3, 10);
    expect(m.mrr_at_2).toBeCloseTo((1 + 0.5 + 0) / 3, 10);
    expect(m.coverage_at_2).toBeCloseTo(4 / 6, 10); // {1, 3} ∪ {2, 0} ∪ {0, 1}
  });

  it('K = 1: recall and MAP use min(|relevant|, K)', () => {
    const m = evaluateRanking(scorer, test, [train], 5, 6, { ks: [1], relevantMinValue: 4 }).metrics;
    expect(m.precision_at_1).toBeCloseTo(1 / 3, 10);
    expect(m.recall_at_1).toBeCloseTo(0.5 / 3, 10);
    expect(m.map_at_1).toBeCloseTo(1 / 3, 10);
    expect(m.ndcg_at_1).toBeCloseTo(1 / 3, 10);
    expect(m.coverage_at_1).toBeCloseTo(3 / 6, 10);
  });

  it('never recommends known items, and counts a held-out item the user already had as not relevant', () => {
    const again = split([[0, 0, 5]]); // u0's held-out item is its training item
    const r = evaluateRanking(scorer, again, [train], 5, 6, { ks: [2] });
    expect(r.usersEvaluated).toBe(0);
    expect(r.usersWithoutRelevant).toBe(1);
    expect(topK(Float32Array.from([9, 8, 1, 7, 1, 1]), 3, new Set([0]))).toEqual([1, 3, 2]);
  });

  it('ties go to the lower item index; NaN scores are never recommended', () => {
    expect(topK(Float32Array.from([1, 3, 3, NaN, 3]), 4, null)).toEqual([1, 2, 4, 0]);
  });

  it('a single list: NDCG with two relevant items at ranks 1 and 3', () => {
    const m = listMetrics([7, 8, 9], new Set([7, 9]), 3);
    const dcg = 1 + 1 / Math.log2(4), idcg = 1 + 1 / Math.log2(3);
    expect(m.ndcg).toBeCloseTo(dcg / idcg, 12);
    expect(m.map).toBeCloseTo((1 / 1 + 2 / 3) / 2, 12);
    expect(m.mrr).toBe(1);
  });

  it('sampled metrics only when asked, under sampled_* keys, averaged per positive', () => {
    const full = evaluateRanking(scorer, test, [train], 5, 6, { ks: [2] }).metrics;
    expect(Object.keys(full).some((k) => k.startsWith('sampled_'))).toBe(false);
    // 1 negative per positive: u0's positives (scores 8, 7) beat every candidate negative (1s).
    const s = evaluateRanking(scorer, test, [train], 5, 6, { ks: [1], sampledNegatives: 1, random: () => 0.99, relevantMinValue: 4 }).metrics;
    expect(s.sampled_hit_rate_at_1).toBeGreaterThan(0);
    expect(s.sampled_hit_rate_at_1).toBeLessThanOrEqual(1);
  });

  it('RMSE and MAE', () => {
    const e = ratingErrors([1, 2, 3], [1, 4, 2]);
    expect(e.rmse).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(e.mae).toBeCloseTo(1, 12);
  });

  it('builds the trainer view from stored columns, and a plain table dataset is refused by name', () => {
    const d = interactionsData({ userIds: ['a', 'b'], itemIds: ['x'], implicit: true, hasTimestamps: false }, {
      users: [0, 1, 1.0000001], items: [0, 0, 0], timestamps: [0, 0, 0], values: [1, 1, 1], split: [0, 2, 1],
    });
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([1, 1, 1]);
    expect(d.validation.users[0]).toBe(1);
    expect(d.test.timestamps).toBeNull();
    const plain = { name: 'iris', task: 'classification' as const, classes: [], inputShape: [4], features: [], train: { x: new Float32Array(), y: new Float32Array(), n: 0 }, validation: { x: new Float32Array(), y: new Float32Array(), n: 0 }, test: { x: new Float32Array(), y: new Float32Array(), n: 0 } };
    expect(() => interactionsOf(plain)).toThrow(/"iris" is not an interactions dataset/);
  });
});
