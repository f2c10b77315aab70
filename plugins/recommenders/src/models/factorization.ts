/**
 * Matrix factorisation trained by stochastic gradient descent over the training interactions.
 *  - mf (Koren, Bell & Volinsky 2009): r̂ = μ + b_u + b_i + p_u·q_i, minimising squared error + λ(‖p_u‖² + ‖q_i‖² + b_u² + b_i²);
 *  - bpr (Rendle et al. 2009): x̂_ui = b_i + p_u·q_i, maximising ln σ(x̂_ui − x̂_uj) − λ‖Θ‖² for a training positive i
 *    and a negative j drawn uniformly from the items the user has not interacted with.
 * Plain typed arrays with sparse per-row updates: TensorFlow.js's CPU backend updates every embedding row
 * on every step (dense gradients), which made one MovieLens-small run take over 15 minutes here.
 * Initial factors N(0, init_std²), the visiting order and every negative come from one seeded generator,
 * so a run replays bit-for-bit.
 */
import type { InteractionSplit } from '@lamina/plugin-sdk';
import type { Recommender } from '../model';
import { shuffle } from '../random';

export interface FactorConfig {
  factors: number;
  learningRate: number;
  l2: number;
  initStd: number;
}

export interface Factors {
  mu: number;
  p: Float32Array; // numUsers × f
  q: Float32Array; // numItems × f
  bu: Float32Array;
  bi: Float32Array;
  f: number;
}

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12), v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function initFactors(numUsers: number, numItems: number, cfg: FactorConfig, rand: () => number, mu: number): Factors {
  const init = (n: number) => Float32Array.from({ length: n }, () => normal(rand) * cfg.initStd);
  return { mu, f: cfg.factors, p: init(numUsers * cfg.factors), q: init(numItems * cfg.factors), bu: new Float32Array(numUsers), bi: new Float32Array(numItems) };
}

/** One epoch of squared-error SGD on explicit ratings; returns the mean squared error seen. */
export function epochMse(w: Factors, train: InteractionSplit, cfg: FactorConfig, rand: () => number): number {
  const { f, p, q, bu, bi } = w;
  const lr = cfg.learningRate, reg = cfg.l2;
  let total = 0;
  for (const r of shuffle(Array.from({ length: train.n }, (_, k) => k), rand)) {
    const u = train.users[r], i = train.items[r];
    const pu = u * f, qi = i * f;
    let pred = w.mu + bu[u] + bi[i];
    for (let k = 0; k < f; k++) pred += p[pu + k] * q[qi + k];
    const e = train.values[r] - pred;
    total += e * e;
    bu[u] += lr * (e - reg * bu[u]);
    bi[i] += lr * (e - reg * bi[i]);
    for (let k = 0; k < f; k++) {
      const a = p[pu + k], b = q[qi + k];
      p[pu + k] += lr * (e * b - reg * a);
      q[qi + k] += lr * (e * a - reg * b);
    }
  }
  return total / Math.max(1, train.n);
}

/** One epoch of BPR: each training positive once with one sampled negative; returns the mean −ln σ(x̂_uij). */
export function epochBpr(w: Factors, train: InteractionSplit, userItems: Set<number>[], cfg: FactorConfig, rand: () => number): number {
  const { f, p, q, bi } = w;
  const numItems = bi.length;
  const lr = cfg.learningRate, reg = cfg.l2;
  let total = 0;
  for (const r of shuffle(Array.from({ length: train.n }, (_, k) => k), rand)) {
    const u = train.users[r], i = train.items[r];
    const have = userItems[u];
    if (have.size >= numItems) continue;
    let j: number;
    do j = Math.floor(rand() * numItems);
    while (have.has(j));
    const pu = u * f, qi = i * f, qj = j * f;
    let x = bi[i] - bi[j];
    for (let k = 0; k < f; k++) x += p[pu + k] * (q[qi + k] - q[qj + k]);
    const g = 1 / (1 + Math.exp(x)); // σ(−x): the gradient of ln σ(x)
    total += Math.log1p(Math.exp(-x));
    bi[i] += lr * (g - reg * bi[i]);
    bi[j] += lr * (-g - reg * bi[j]);
    for (let k = 0; k < f; k++) {
      const a = p[pu + k], b = q[qi + k], c = q[qj + k];
      p[pu + k] += lr * (g * (b - c) - reg * a);
      q[qi + k] += lr * (g * a - reg * b);
      q[qj + k] += lr * (-g * a - reg * c);
    }
  }
  return total / Math.max(1, train.n);
}

export function copyFactors(w: Factors): Factors {
  return { ...w, p: w.p.slice(), q: w.q.slice(), bu: w.bu.slice(), bi: w.bi.slice() };
}

/** Scores from factors (full ranking over every item). `userBias`: mf adds μ + b_u and predicts ratings. */
export function factorRecommender(w: Factors, numItems: number, userBias: boolean, clamp: [number, number] | null): Recommender {
  const { f } = w;
  const predictOne = (u: number, i: number) => {
    let s = w.bi[i] + (userBias ? w.mu + w.bu[u] : 0);
    for (let k = 0; k < f; k++) s += w.p[u * f + k] * w.q[i * f + k];
    return s;
  };
  return {
    scoreUser: (u) => {
      const out = new Float32Array(numItems);
      for (let i = 0; i < numItems; i++) out[i] = predictOne(u, i);
      return out;
    },
    ...(userBias ? {
      predict: (users: Int32Array, items: Int32Array) => Float32Array.from(users, (u, k) => {
        const v = predictOne(u, items[k]);
        return clamp ? Math.min(clamp[1], Math.max(clamp[0], v)) : v;
      }),
    } : {}),
  };
}
