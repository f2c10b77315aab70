/**
 * NeuMF (He et al., "Neural Collaborative Filtering", WWW 2017): a GMF tower (p_u^G ⊙ q_i^G) and an MLP tower
 * (ReLU layers over [p_u^M ; q_i^M]) whose last layers are concatenated and mapped by h to one logit,
 * ŷ_ui = σ(h_G·(p_u^G ⊙ q_i^G) + h_M·MLP([p_u^M ; q_i^M]) + b), trained with log loss on every training
 * interaction as a positive and `negatives` items per positive drawn uniformly from those the user has not
 * interacted with (the paper's pointwise setting, 4 negatives).
 *
 * Plain typed arrays and per-example SGD, like mf and bpr: TensorFlow.js's CPU backend applies embedding
 * gradients densely to every row on every step (see factorization.ts). Full ranking precomputes the item
 * half of the first MLP layer (W1 = [W_u W_i], so W1·[p;q] = W_u·p + W_i·q) once per scoring, which leaves
 * one add and the upper layers per (user, item). Every random draw comes from one seeded generator.
 */
import type { InteractionSplit } from '@lamina/plugin-sdk';
import type { Recommender } from '../model';
import { shuffle } from '../random';

export interface NeuMfConfig {
  /** GMF embedding size. */
  factors: number;
  /** MLP layer widths; the first MLP input is 2 × layers[0] (user and item embeddings of layers[0] each). */
  layers: number[];
  negatives: number;
  learningRate: number;
  l2: number;
  initStd: number;
}

export interface NeuMfWeights {
  numUsers: number;
  numItems: number;
  factors: number;
  /** layers[0] is the MLP embedding size; each next entry a hidden layer's width. */
  layers: number[];
  pG: Float32Array; qG: Float32Array; // GMF embeddings (numUsers × factors, numItems × factors)
  pM: Float32Array; qM: Float32Array; // MLP embeddings (numUsers × layers[0], numItems × layers[0])
  /** Hidden layer l maps width in_l → layers[l+1]: W[l] is out × in (row-major), in_0 = 2 × layers[0]. */
  W: Float32Array[];
  b: Float32Array[];
  h: Float32Array; // factors + last width
  h0: number;
}

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12), v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function initNeuMf(numUsers: number, numItems: number, cfg: NeuMfConfig, rand: () => number): NeuMfWeights {
  if (cfg.layers.length < 2) throw new Error('--param layers needs at least two widths (embedding, then one hidden layer), e.g. 32,16,8');
  const gauss = (n: number, std: number) => Float32Array.from({ length: n }, () => normal(rand) * std);
  const e = cfg.layers[0];
  const W: Float32Array[] = [], b: Float32Array[] = [];
  let width = 2 * e;
  for (const out of cfg.layers.slice(1)) {
    W.push(gauss(out * width, Math.sqrt(2 / width))); // He initialisation for ReLU layers
    b.push(new Float32Array(out));
    width = out;
  }
  return {
    numUsers, numItems, factors: cfg.factors, layers: cfg.layers.slice(),
    pG: gauss(numUsers * cfg.factors, cfg.initStd), qG: gauss(numItems * cfg.factors, cfg.initStd),
    pM: gauss(numUsers * e, cfg.initStd), qM: gauss(numItems * e, cfg.initStd),
    W, b, h: gauss(cfg.factors + width, Math.sqrt(1 / (cfg.factors + width))), h0: 0,
  };
}

export function copyNeuMf(w: NeuMfWeights): NeuMfWeights {
  return {
    ...w, layers: w.layers.slice(), pG: w.pG.slice(), qG: w.qG.slice(), pM: w.pM.slice(), qM: w.qM.slice(),
    W: w.W.map((a) => a.slice()), b: w.b.map((a) => a.slice()), h: w.h.slice(),
  };
}

/** Scratch buffers for one forward/backward pass. */
interface Scratch {
  acts: Float32Array[]; // acts[0] = MLP input, acts[l+1] = output of hidden layer l
  grads: Float32Array[];
  g: Float32Array;
}

function scratch(w: NeuMfWeights): Scratch {
  const widths = [2 * w.layers[0], ...w.layers.slice(1)];
  return { acts: widths.map((n) => new Float32Array(n)), grads: widths.map((n) => new Float32Array(n)), g: new Float32Array(w.factors) };
}

/** The logit for (u, i), leaving activations in `s` for the backward pass. */
function forward(w: NeuMfWeights, u: number, i: number, s: Scratch): number {
  const f = w.factors, e = w.layers[0];
  let logit = w.h0;
  for (let k = 0; k < f; k++) {
    const gk = w.pG[u * f + k] * w.qG[i * f + k];
    s.g[k] = gk;
    logit += w.h[k] * gk;
  }
  const x0 = s.acts[0];
  for (let k = 0; k < e; k++) {
    x0[k] = w.pM[u * e + k];
    x0[e + k] = w.qM[i * e + k];
  }
  for (let l = 0; l < w.W.length; l++) {
    const inp = s.acts[l], out = s.acts[l + 1], Wl = w.W[l], bl = w.b[l], n = inp.length;
    for (let o = 0; o < out.length; o++) {
      let z = bl[o];
      for (let k = 0; k < n; k++) z += Wl[o * n + k] * inp[k];
      out[o] = z > 0 ? z : 0;
    }
  }
  const last = s.acts[s.acts.length - 1];
  for (let k = 0; k < last.length; k++) logit += w.h[f + k] * last[k];
  return logit;
}

/** One SGD step on log loss for label y ∈ {0, 1}; returns the example's loss. */
function step(w: NeuMfWeights, u: number, i: number, y: number, lr: number, reg: number, s: Scratch): number {
  const logit = forward(w, u, i, s);
  const p = 1 / (1 + Math.exp(-logit));
  const loss = y ? Math.log1p(Math.exp(-logit)) : Math.log1p(Math.exp(logit));
  const d = p - y; // ∂loss/∂logit
  const f = w.factors, e = w.layers[0];
  // GMF tower and its embeddings
  for (let k = 0; k < f; k++) {
    const hk = w.h[k], a = w.pG[u * f + k], b = w.qG[i * f + k];
    w.h[k] -= lr * d * s.g[k];
    const dg = d * hk;
    w.pG[u * f + k] -= lr * (dg * b + reg * a);
    w.qG[i * f + k] -= lr * (dg * a + reg * b);
  }
  // MLP tower, top down
  const L = w.W.length;
  const top = s.grads[L];
  const last = s.acts[L];
  for (let k = 0; k < last.length; k++) {
    top[k] = last[k] > 0 ? d * w.h[f + k] : 0; // through the ReLU
    w.h[f + k] -= lr * d * last[k];
  }
  w.h0 -= lr * d;
  for (let l = L - 1; l >= 0; l--) {
    const inp = s.acts[l], gOut = s.grads[l + 1], gIn = s.grads[l], Wl = w.W[l], bl = w.b[l], n = inp.length;
    gIn.fill(0);
    for (let o = 0; o < gOut.length; o++) {
      const go = gOut[o];
      if (go === 0) continue;
      for (let k = 0; k < n; k++) {
        gIn[k] += Wl[o * n + k] * go;
        Wl[o * n + k] -= lr * go * inp[k];
      }
      bl[o] -= lr * go;
    }
    if (l > 0) for (let k = 0; k < n; k++) if (inp[k] <= 0) gIn[k] = 0;
  }
  const g0 = s.grads[0];
  for (let k = 0; k < e; k++) {
    w.pM[u * e + k] -= lr * (g0[k] + reg * w.pM[u * e + k]);
    w.qM[i * e + k] -= lr * (g0[e + k] + reg * w.qM[i * e + k]);
  }
  return loss;
}

/** One epoch: every training positive (in a seeded order) followed by its sampled negatives; returns the mean log loss. */
export function epochNeuMf(w: NeuMfWeights, train: InteractionSplit, userItems: Set<number>[], cfg: NeuMfConfig, rand: () => number): number {
  const s = scratch(w);
  let total = 0, count = 0;
  for (const r of shuffle(Array.from({ length: train.n }, (_, k) => k), rand)) {
    const u = train.users[r], i = train.items[r];
    total += step(w, u, i, 1, cfg.learningRate, cfg.l2, s);
    count++;
    const have = userItems[u];
    if (have.size >= w.numItems) continue;
    for (let t = 0; t < cfg.negatives; t++) {
      let j: number;
      do j = Math.floor(rand() * w.numItems);
      while (have.has(j));
      total += step(w, u, j, 0, cfg.learningRate, cfg.l2, s);
      count++;
    }
  }
  return total / Math.max(1, count);
}

/** Full-ranking scores (logits) over every item; the item half of the first MLP layer is computed once. */
export function neuMfRecommender(w: NeuMfWeights): Recommender {
  const f = w.factors, e = w.layers[0], n0 = 2 * e;
  const W1 = w.W[0], out1 = w.layers[1];
  const itemPart = new Float32Array(w.numItems * out1);
  for (let i = 0; i < w.numItems; i++) {
    for (let o = 0; o < out1; o++) {
      let z = 0;
      for (let k = 0; k < e; k++) z += W1[o * n0 + e + k] * w.qM[i * e + k];
      itemPart[i * out1 + o] = z;
    }
  }
  const widths = w.layers.slice(1);
  const acts = widths.map((n) => new Float32Array(n));
  const userPart = new Float32Array(out1);
  return {
    scoreUser: (u) => {
      for (let o = 0; o < out1; o++) {
        let z = w.b[0][o];
        for (let k = 0; k < e; k++) z += W1[o * n0 + k] * w.pM[u * e + k];
        userPart[o] = z;
      }
      const scores = new Float32Array(w.numItems);
      for (let i = 0; i < w.numItems; i++) {
        let logit = w.h0;
        for (let k = 0; k < f; k++) logit += w.h[k] * w.pG[u * f + k] * w.qG[i * f + k];
        const a1 = acts[0];
        for (let o = 0; o < out1; o++) {
          const z = userPart[o] + itemPart[i * out1 + o];
          a1[o] = z > 0 ? z : 0;
        }
        for (let l = 1; l < w.W.length; l++) {
          const inp = acts[l - 1], out = acts[l], Wl = w.W[l], bl = w.b[l], n = inp.length;
          for (let o = 0; o < out.length; o++) {
            let z = bl[o];
            for (let k = 0; k < n; k++) z += Wl[o * n + k] * inp[k];
            out[o] = z > 0 ? z : 0;
          }
        }
        const last = acts[acts.length - 1];
        for (let k = 0; k < last.length; k++) logit += w.h[f + k] * last[k];
        scores[i] = logit;
      }
      return scores;
    },
  };
}

/** The logit of one pair through the training path (tests check the fast scorer against it). */
export function neuMfLogit(w: NeuMfWeights, u: number, i: number): number {
  return forward(w, u, i, scratch(w));
}
