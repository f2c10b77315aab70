/**
 * A one-hidden-layer perceptron in plain TypeScript, following scikit-learn's MLPClassifier /
 * MLPRegressor defaults (ReLU, Adam with learning rate 1e-3, L2 alpha 1e-4, batches of up to 200,
 * Glorot-uniform weights, stopping after 10 epochs without a 1e-4 gain). Small tabular members train a few hundred epochs; doing that through
 * TensorFlow.js `fit` costs far more in per-call overhead than in arithmetic, and plain loops give
 * the same numbers on every backend, so a replayed run matches bit for bit.
 */
import type { Rows } from './cart';
import { softmax } from './linear';

export interface MlpOptions {
  hidden?: number;
  epochs?: number;
  learningRate?: number;
  alpha?: number;
  batchSize?: number;
}

export class Mlp {
  private w1 = new Float64Array(0); // d × h
  private b1 = new Float64Array(0);
  private w2 = new Float64Array(0); // h × o
  private b2 = new Float64Array(0);
  private d = 0;

  constructor(
    readonly task: 'classification' | 'regression',
    readonly outputs: number,
    readonly opts: MlpOptions = {},
  ) {}

  /** Fits on the given rows (repeat a row to weight it); returns the loss per epoch. */
  fit(rows: Rows, y: ArrayLike<number>, order: number[], random: () => number, onEpoch?: (epoch: number, loss: number) => void): void {
    const d = (this.d = rows.d);
    const h = this.opts.hidden ?? 100;
    const o = this.outputs;
    const lr = this.opts.learningRate ?? 1e-3;
    const alpha = this.opts.alpha ?? 1e-4;
    const epochs = this.opts.epochs ?? 200;
    const batch = Math.max(1, Math.min(this.opts.batchSize ?? 200, order.length));
    const glorot = (fanIn: number, fanOut: number) => {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return Float64Array.from({ length: fanIn * fanOut }, () => (2 * random() - 1) * limit);
    };
    this.w1 = glorot(d, h);
    this.b1 = new Float64Array(h);
    this.w2 = glorot(h, o);
    this.b2 = new Float64Array(o);
    const params = [this.w1, this.b1, this.w2, this.b2];
    const grads = params.map((p) => new Float64Array(p.length));
    const m = params.map((p) => new Float64Array(p.length));
    const v = params.map((p) => new Float64Array(p.length));
    const hid = new Float64Array(h);
    const out = new Float64Array(o);
    const dOut = new Float64Array(o);
    const dHid = new Float64Array(h);
    const idx = order.slice();
    let t = 0;
    let best = Infinity;
    let stale = 0;
    for (let e = 0; e < epochs; e++) {
      for (let i = idx.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
      let epochLoss = 0;
      for (let start = 0; start < idx.length; start += batch) {
        const end = Math.min(idx.length, start + batch);
        const bs = end - start;
        grads.forEach((g) => g.fill(0));
        for (let q = start; q < end; q++) {
          const r = idx[q];
          this.forward(rows.x, r, hid, out);
          // Output gradient of the loss (cross-entropy on softmax, or half squared error).
          if (this.task === 'classification') {
            const p = softmax(out, o);
            for (let c = 0; c < o; c++) dOut[c] = p[c] - (y[r] === c ? 1 : 0);
            epochLoss -= Math.log(Math.max(1e-15, p[y[r]]));
          } else {
            dOut[0] = out[0] - y[r];
            epochLoss += 0.5 * dOut[0] * dOut[0];
          }
          const [gw1, gb1, gw2, gb2] = grads;
          dHid.fill(0);
          for (let k = 0; k < h; k++) {
            if (hid[k] <= 0) continue;
            for (let c = 0; c < o; c++) {
              gw2[k * o + c] += hid[k] * dOut[c];
              dHid[k] += this.w2[k * o + c] * dOut[c];
            }
          }
          for (let c = 0; c < o; c++) gb2[c] += dOut[c];
          const base = r * d;
          for (let f = 0; f < d; f++) {
            const xf = rows.x[base + f];
            if (xf === 0) continue;
            const row = f * h;
            for (let k = 0; k < h; k++) gw1[row + k] += xf * dHid[k];
          }
          for (let k = 0; k < h; k++) gb1[k] += dHid[k];
        }
        // Mean over the batch plus L2 on the weights (alpha / batch, as scikit-learn), then Adam.
        t++;
        const c1 = 1 - 0.9 ** t;
        const c2 = 1 - 0.999 ** t;
        params.forEach((p, pi) => {
          const g = grads[pi];
          const isWeight = pi === 0 || pi === 2;
          for (let j = 0; j < p.length; j++) {
            const gj = g[j] / bs + (isWeight ? (alpha * p[j]) / bs : 0);
            m[pi][j] = 0.9 * m[pi][j] + 0.1 * gj;
            v[pi][j] = 0.999 * v[pi][j] + 0.001 * gj * gj;
            p[j] -= (lr * (m[pi][j] / c1)) / (Math.sqrt(v[pi][j] / c2) + 1e-8);
          }
        });
      }
      const loss = epochLoss / idx.length;
      onEpoch?.(e + 1, loss);
      // scikit-learn's stopping rule: 10 epochs in a row without improving the best loss by 1e-4.
      if (loss > best - 1e-4) stale++;
      else stale = 0;
      if (loss < best) best = loss;
      if (stale >= 10) break;
    }
  }

  private forward(x: Float32Array, r: number, hid: Float64Array, out: Float64Array): void {
    const d = this.d;
    const h = hid.length;
    const o = out.length;
    hid.set(this.b1);
    const base = r * d;
    for (let f = 0; f < d; f++) {
      const xf = x[base + f];
      if (xf === 0) continue;
      const row = f * h;
      for (let k = 0; k < h; k++) hid[k] += xf * this.w1[row + k];
    }
    for (let k = 0; k < h; k++) if (hid[k] < 0) hid[k] = 0;
    out.set(this.b2);
    for (let k = 0; k < h; k++) {
      if (hid[k] === 0) continue;
      for (let c = 0; c < o; c++) out[c] += hid[k] * this.w2[k * o + c];
    }
  }

  /** n × outputs: probabilities (classification) or values. */
  predict(rows: Rows): Float64Array {
    const o = this.outputs;
    const res = new Float64Array(rows.n * o);
    const hid = new Float64Array(this.b1.length);
    const out = new Float64Array(o);
    for (let r = 0; r < rows.n; r++) {
      this.forward(rows.x, r, hid, out);
      res.set(this.task === 'classification' ? softmax(out, o) : out, r * o);
    }
    return res;
  }
}
