/**
 * CART decision trees (classification: weighted Gini; regression: weighted squared error), written
 * for the ensembles rather than taken from ml-cart, which has no sample weights (AdaBoost's weighted
 * loss and bagging's bootstrap counts need them), no per-split feature subsampling with a caller's
 * seeded random (random forests) and no access to leaf membership (gradient boosting replaces each
 * leaf's value by a Newton step). Splits follow scikit-learn: thresholds halfway between distinct
 * neighbouring values, `x <= threshold` goes left, a node splits while it is impure and both
 * children keep `minSamplesLeaf` rows.
 */

export interface Rows {
  /** n × d row-major features. */
  x: Float32Array;
  n: number;
  d: number;
}

export interface TreeOptions {
  /** Infinity for fully grown trees. */
  maxDepth?: number;
  minSamplesLeaf?: number;
  minSamplesSplit?: number;
  /** Features tried per split (random subset); all when absent. */
  maxFeatures?: number;
  /** Seeded uniform [0, 1): needed with maxFeatures. */
  random?: () => number;
}

interface Node {
  feature: number; // -1 for a leaf
  threshold: number;
  left: number;
  right: number;
  /** Classification: class probabilities; regression: [mean]. */
  value: Float64Array;
}

const EPS = 1e-7; // values closer than this are one value (as scikit-learn's FEATURE_THRESHOLD)

export class DecisionTree {
  readonly nodes: Node[] = [];
  private readonly opts: Required<Omit<TreeOptions, 'maxFeatures' | 'random'>> & Pick<TreeOptions, 'maxFeatures' | 'random'>;

  /** `outputs`: number of classes (classification) or 1 (regression). */
  constructor(
    readonly kind: 'classification' | 'regression',
    readonly outputs: number,
    opts: TreeOptions = {},
  ) {
    this.opts = { maxDepth: opts.maxDepth ?? Infinity, minSamplesLeaf: opts.minSamplesLeaf ?? 1, minSamplesSplit: opts.minSamplesSplit ?? 2, maxFeatures: opts.maxFeatures, random: opts.random };
    if (opts.maxFeatures !== undefined && !opts.random) throw new Error('maxFeatures needs a seeded random');
  }

  /** Fits on the rows whose weight is > 0 (weights default to 1; bootstrap counts work as weights). */
  fit(rows: Rows, y: ArrayLike<number>, weight?: ArrayLike<number>): this {
    this.nodes.length = 0;
    const { n, d, x } = rows;
    const cols: Float32Array[] = [];
    for (let f = 0; f < d; f++) {
      const c = new Float32Array(n);
      for (let i = 0; i < n; i++) c[i] = x[i * d + f];
      cols.push(c);
    }
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = weight ? weight[i] : 1;
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (w[i] > 0) idx.push(i);
    if (!idx.length) throw new Error('a tree needs at least one row with a positive weight');
    this.grow(Int32Array.from(idx), 0, cols, y, w);
    return this;
  }

  private leafValue(idx: Int32Array, y: ArrayLike<number>, w: Float64Array): Float64Array {
    const v = new Float64Array(this.outputs);
    let total = 0;
    for (const i of idx) {
      total += w[i];
      if (this.kind === 'classification') v[y[i]] += w[i];
      else v[0] += w[i] * y[i];
    }
    for (let j = 0; j < v.length; j++) v[j] /= total || 1;
    return v;
  }

  private grow(idx: Int32Array, depth: number, cols: Float32Array[], y: ArrayLike<number>, w: Float64Array): number {
    const id = this.nodes.length;
    const value = this.leafValue(idx, y, w);
    this.nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value });
    if (depth >= this.opts.maxDepth || idx.length < this.opts.minSamplesSplit || idx.length < 2 * this.opts.minSamplesLeaf) return id;
    if (this.isPure(idx, y, value)) return id;
    const split = this.bestSplit(idx, cols, y, w);
    if (!split) return id;
    const col = cols[split.feature];
    const left = Int32Array.from(idx.filter((i) => col[i] <= split.threshold));
    const right = Int32Array.from(idx.filter((i) => col[i] > split.threshold));
    const node = this.nodes[id];
    node.feature = split.feature;
    node.threshold = split.threshold;
    node.left = this.grow(left, depth + 1, cols, y, w);
    node.right = this.grow(right, depth + 1, cols, y, w);
    return id;
  }

  private isPure(idx: Int32Array, y: ArrayLike<number>, value: Float64Array): boolean {
    if (this.kind === 'classification') return value.some((p) => p >= 1 - 1e-12);
    const first = y[idx[0]];
    for (const i of idx) if (Math.abs(y[i] - first) > 1e-12) return false;
    return true;
  }

  /** Features to try at one node: all, or a seeded random subset. */
  private candidateFeatures(d: number): number[] {
    const all = Array.from({ length: d }, (_, f) => f);
    const m = this.opts.maxFeatures;
    if (m === undefined || m >= d) return all;
    for (let i = 0; i < m; i++) {
      const j = i + Math.floor(this.opts.random!() * (d - i));
      [all[i], all[j]] = [all[j], all[i]];
    }
    return all.slice(0, m);
  }

  private bestSplit(idx: Int32Array, cols: Float32Array[], y: ArrayLike<number>, w: Float64Array): { feature: number; threshold: number } | null {
    const k = this.outputs;
    const cls = this.kind === 'classification';
    const minLeaf = this.opts.minSamplesLeaf;
    // Totals: per-class weight (classification) or weighted sum of y (regression).
    const total = new Float64Array(k);
    let wTotal = 0;
    for (const i of idx) {
      wTotal += w[i];
      if (cls) total[y[i]] += w[i];
      else total[0] += w[i] * y[i];
    }
    const score = (sums: Float64Array, wt: number) => {
      // Σ_c s_c² / w: larger is purer (Gini for classes, −SSE + const for regression).
      let s = 0;
      for (let c = 0; c < k; c++) s += sums[c] * sums[c];
      return wt > 0 ? s / wt : 0;
    };
    const parent = score(total, wTotal);
    let best = parent + 1e-12 * Math.max(1, Math.abs(parent));
    let found: { feature: number; threshold: number } | null = null;
    const order = Array.from(idx);
    const left = new Float64Array(k);
    const right = new Float64Array(k);
    for (const f of this.candidateFeatures(cols.length)) {
      const col = cols[f];
      order.sort((a, b) => col[a] - col[b] || a - b);
      if (col[order[order.length - 1]] - col[order[0]] <= EPS) continue; // constant here
      left.fill(0);
      let wLeft = 0;
      for (let p = 0; p < order.length - 1; p++) {
        const i = order[p];
        wLeft += w[i];
        if (cls) left[y[i]] += w[i];
        else left[0] += w[i] * y[i];
        const a = col[i];
        const b = col[order[p + 1]];
        if (b - a <= EPS) continue;
        if (p + 1 < minLeaf || order.length - p - 1 < minLeaf) continue;
        for (let c = 0; c < k; c++) right[c] = total[c] - left[c];
        const s = score(left, wLeft) + score(right, wTotal - wLeft);
        if (s > best) {
          best = s;
          let threshold = a / 2 + b / 2;
          if (threshold >= b) threshold = a; // float rounding: keep a on the left
          found = { feature: f, threshold };
        }
      }
    }
    return found;
  }

  /** Leaf node index for row r of x. */
  leaf(x: Float32Array, d: number, r: number): number {
    let node = 0;
    for (;;) {
      const nd = this.nodes[node];
      if (nd.feature < 0) return node;
      node = x[r * d + nd.feature] <= nd.threshold ? nd.left : nd.right;
    }
  }

  /** n × outputs: class probabilities or values. */
  predict(rows: Rows): Float64Array {
    const out = new Float64Array(rows.n * this.outputs);
    for (let r = 0; r < rows.n; r++) out.set(this.nodes[this.leaf(rows.x, rows.d, r)].value, r * this.outputs);
    return out;
  }

  depth(node = 0): number {
    const nd = this.nodes[node];
    return nd.feature < 0 ? 0 : 1 + Math.max(this.depth(nd.left), this.depth(nd.right));
  }

  leaves(): number {
    return this.nodes.filter((n) => n.feature < 0).length;
  }
}
