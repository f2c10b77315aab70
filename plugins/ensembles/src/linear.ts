/**
 * Linear models in plain TypeScript (deterministic, no tensors to dispose): L2-regularised
 * logistic regression (scikit-learn's LogisticRegression: C = 1, unpenalised intercept, a sigmoid
 * for two classes and a softmax for more) fitted by accelerated gradient descent with a step from
 * a power-iteration estimate of the curvature; and ridge regression (alpha = 1) solved exactly.
 * Both take sample weights, so AdaBoost and bagging weight them directly.
 */
import type { Rows } from './cart';

export class LogisticRegression {
  /** (d + 1) × free rows: weights then intercept per free class. */
  private coef = new Float64Array(0);
  private free = 0;

  constructor(
    readonly classes: number,
    readonly opts: { C?: number; iterations?: number } = {},
  ) {}

  fit(rows: Rows, y: ArrayLike<number>, weight?: ArrayLike<number>): this {
    const { x, n, d } = rows;
    const k = this.classes;
    const free = k === 2 ? 1 : k; // two classes: one logit against a fixed 0
    this.free = free;
    const C = this.opts.C ?? 1;
    const w = Float64Array.from({ length: n }, (_, i) => (weight ? weight[i] : 1));
    const p = (d + 1) * free;
    // Curvature bound: the loss's Hessian ≤ 0.5·C·XᵀWX (with the intercept column) + I.
    const lambda = powerIteration(x, n, d, w);
    const L = 0.5 * C * lambda + 1;
    const mu = 1 / Math.max(1, 0.5 * C * lambda); // conservative strong convexity for the momentum
    const step = 1 / L;
    const momentum = (1 - Math.sqrt(Math.min(1, mu))) / (1 + Math.sqrt(Math.min(1, mu)));
    let theta = new Float64Array(p);
    let prev = new Float64Array(p);
    const look = new Float64Array(p);
    const grad = new Float64Array(p);
    const z = new Float64Array(k);
    const iters = this.opts.iterations ?? 2000;
    for (let it = 0; it < iters; it++) {
      for (let j = 0; j < p; j++) look[j] = theta[j] + momentum * (theta[j] - prev[j]);
      grad.fill(0);
      for (let i = 0; i < n; i++) {
        if (w[i] === 0) continue;
        const row = i * d;
        // Logits of the free classes (class 0 is fixed at 0 for two classes).
        let max = k === 2 ? 0 : -Infinity;
        for (let c = 0; c < free; c++) {
          const base = c * (d + 1);
          let s = look[base + d];
          for (let f = 0; f < d; f++) s += look[base + f] * x[row + f];
          z[c] = s;
          if (s > max) max = s;
        }
        let sum = k === 2 ? Math.exp(-max) : 0;
        for (let c = 0; c < free; c++) sum += z[c] = Math.exp(z[c] - max);
        for (let c = 0; c < free; c++) {
          const cls = k === 2 ? 1 : c;
          const g = C * w[i] * (z[c] / sum - (y[i] === cls ? 1 : 0));
          const base = c * (d + 1);
          for (let f = 0; f < d; f++) grad[base + f] += g * x[row + f];
          grad[base + d] += g;
        }
      }
      let gnorm = 0;
      for (let c = 0; c < free; c++) for (let f = 0; f < d; f++) grad[c * (d + 1) + f] += look[c * (d + 1) + f];
      for (let j = 0; j < p; j++) gnorm = Math.max(gnorm, Math.abs(grad[j]));
      const next = prev; // reuse the buffer
      for (let j = 0; j < p; j++) next[j] = look[j] - step * grad[j];
      prev = theta;
      theta = next;
      if (gnorm < 1e-5) break;
    }
    this.coef = theta;
    return this;
  }

  private logitsInto(theta: Float64Array, x: Float32Array, d: number, i: number, out: Float64Array): void {
    out.fill(0);
    for (let c = 0; c < this.free; c++) {
      const base = c * (d + 1);
      let s = theta[base + d];
      for (let f = 0; f < d; f++) s += theta[base + f] * x[i * d + f];
      out[this.classes === 2 ? 1 : c] = s;
    }
  }

  /** n × classes probabilities. */
  predict(rows: Rows): Float64Array {
    const k = this.classes;
    const out = new Float64Array(rows.n * k);
    const logits = new Float64Array(k);
    for (let i = 0; i < rows.n; i++) {
      this.logitsInto(this.coef, rows.x, rows.d, i, logits);
      out.set(softmax(logits, k), i * k);
    }
    return out;
  }
}

export function softmax(z: ArrayLike<number>, k: number): Float64Array {
  let m = -Infinity;
  for (let c = 0; c < k; c++) m = Math.max(m, z[c]);
  const out = new Float64Array(k);
  let s = 0;
  for (let c = 0; c < k; c++) s += out[c] = Math.exp(z[c] - m);
  for (let c = 0; c < k; c++) out[c] /= s;
  return out;
}

/** Largest eigenvalue of [X 1]ᵀ W [X 1] (a few power iterations, rounded up for safety). */
function powerIteration(x: Float32Array, n: number, d: number, w: Float64Array): number {
  let v = new Float64Array(d + 1).fill(1 / Math.sqrt(d + 1));
  let lambda = 0;
  for (let it = 0; it < 30; it++) {
    const u = new Float64Array(d + 1);
    for (let i = 0; i < n; i++) {
      let s = v[d];
      for (let f = 0; f < d; f++) s += x[i * d + f] * v[f];
      s *= w[i];
      for (let f = 0; f < d; f++) u[f] += s * x[i * d + f];
      u[d] += s;
    }
    const norm = Math.hypot(...u);
    if (norm === 0) return 1;
    lambda = norm;
    v = u.map((a) => a / norm);
  }
  return lambda * 1.05;
}

/** Ridge regression with an unpenalised intercept: minimises Σ wᵢ(yᵢ − xᵢβ − b)² + α‖β‖². */
export class Ridge {
  private beta: Float64Array = new Float64Array(0);
  private intercept = 0;

  constructor(readonly alpha = 1) {}

  fit(rows: Rows, y: ArrayLike<number>, weight?: ArrayLike<number>): this {
    const { x, n, d } = rows;
    const w = Float64Array.from({ length: n }, (_, i) => (weight ? weight[i] : 1));
    const wSum = w.reduce((a, b) => a + b, 0) || 1;
    const xMean = new Float64Array(d);
    let yMean = 0;
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < d; f++) xMean[f] += (w[i] * x[i * d + f]) / wSum;
      yMean += (w[i] * y[i]) / wSum;
    }
    const A = new Float64Array(d * d);
    const b = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      if (w[i] === 0) continue;
      const yc = y[i] - yMean;
      for (let f = 0; f < d; f++) {
        const xf = x[i * d + f] - xMean[f];
        b[f] += w[i] * xf * yc;
        for (let g = 0; g <= f; g++) A[f * d + g] += w[i] * xf * (x[i * d + g] - xMean[g]);
      }
    }
    for (let f = 0; f < d; f++) {
      for (let g = 0; g < f; g++) A[g * d + f] = A[f * d + g];
      A[f * d + f] += this.alpha;
    }
    this.beta = choleskySolve(A, b, d);
    this.intercept = yMean - this.beta.reduce((s, v, f) => s + v * xMean[f], 0);
    return this;
  }

  predict(rows: Rows): Float64Array {
    const out = new Float64Array(rows.n);
    for (let i = 0; i < rows.n; i++) {
      let s = this.intercept;
      for (let f = 0; f < rows.d; f++) s += this.beta[f] * rows.x[i * rows.d + f];
      out[i] = s;
    }
    return out;
  }
}

/** Solves A z = b for symmetric positive-definite A (d × d). */
function choleskySolve(A: Float64Array, b: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * d + j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      L[i * d + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * d + j];
    }
  }
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * d + k] * z[k];
    z[i] = s / L[i * d + i];
  }
  const out = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < d; k++) s -= L[k * d + i] * out[k];
    out[i] = s / L[i * d + i];
  }
  return out;
}
