/**
 * The floors: popularity (training interaction counts) and the bias baseline
 * r̂(u,i) = μ + b_u + b_i, fitted by alternating regularised least squares (Koren 2010, §2.1):
 * b_i = Σ_u (r − μ − b_u) / (λ_i + n_i), then b_u = Σ_i (r − μ − b_i) / (λ_u + n_u).
 * Unseen users/items get bias 0 (the prediction falls back to μ + the other bias).
 */
import type { InteractionSplit } from '@lamina/plugin-sdk';
import type { Recommender } from '../model';

export function popularity(train: InteractionSplit, numItems: number): Recommender {
  const counts = new Float32Array(numItems);
  for (let r = 0; r < train.n; r++) counts[train.items[r]]++;
  return { scoreUser: () => counts };
}

export interface Biases {
  mu: number;
  bu: Float32Array;
  bi: Float32Array;
}

/** One alternating pass; returns the updated biases (in place). */
export function biasStep(train: InteractionSplit, b: Biases, regUser: number, regItem: number): void {
  const sumI = new Float64Array(b.bi.length), nI = new Float64Array(b.bi.length);
  for (let r = 0; r < train.n; r++) {
    sumI[train.items[r]] += train.values[r] - b.mu - b.bu[train.users[r]];
    nI[train.items[r]]++;
  }
  for (let i = 0; i < b.bi.length; i++) b.bi[i] = sumI[i] / (regItem + nI[i]);
  const sumU = new Float64Array(b.bu.length), nU = new Float64Array(b.bu.length);
  for (let r = 0; r < train.n; r++) {
    sumU[train.users[r]] += train.values[r] - b.mu - b.bi[train.items[r]];
    nU[train.users[r]]++;
  }
  for (let u = 0; u < b.bu.length; u++) b.bu[u] = sumU[u] / (regUser + nU[u]);
}

export function meanValue(s: InteractionSplit): number {
  let sum = 0;
  for (let r = 0; r < s.n; r++) sum += s.values[r];
  return s.n ? sum / s.n : 0;
}

export function biasRecommender(b: Biases): Recommender {
  const base = Float32Array.from(b.bi, (v) => b.mu + v);
  return {
    scoreUser: (u) => Float32Array.from(base, (v) => v + b.bu[u]),
    predict: (users, items) => Float32Array.from(users, (u, k) => b.mu + b.bu[u] + b.bi[items[k]]),
  };
}
