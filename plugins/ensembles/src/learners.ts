/**
 * Base learners the ensembles combine, one interface for all: `fit` on rows (with optional sample
 * weights) and `predict` n × classes probabilities (classification) or n values (regression).
 *
 *  tree    CART, fully grown unless max_depth is set (weights: direct)
 *  stump   CART of depth 1 (AdaBoost's default; weights: direct)
 *  linear  logistic regression (classification) or ridge (regression) (weights: direct)
 *  mlp     one hidden ReLU layer in TensorFlow.js, Adam (weights: resampling)
 *  model   the run's --model, fresh from ctx.buildModel() for each member (weights: resampling)
 *
 * TensorFlow.js 4.22 `model.fit` rejects sampleWeight, so the two network learners honour weights by
 * resampling: integer weights (bootstrap counts) repeat rows exactly, other weights (AdaBoost) draw n
 * rows with probability proportional to weight, from the run's seeded random.
 */
import type { ChildRun, Task, TrainerContext } from '@lamina/plugin-sdk';
import type * as TF from '@tensorflow/tfjs';
import { DecisionTree, type Rows } from './cart';
import { LogisticRegression, Ridge } from './linear';

export const LEARNERS = ['tree', 'stump', 'linear', 'mlp', 'model'] as const;
export type LearnerKind = (typeof LEARNERS)[number];

export interface FitData extends Rows {
  y: ArrayLike<number>;
  weight?: ArrayLike<number>;
}

export interface Learner {
  readonly kind: LearnerKind;
  /** Takes sample weights directly (else they are honoured by resampling). */
  readonly weighted: boolean;
  fit(data: FitData, child?: ChildRun): Promise<void>;
  /** n × outputs: class probabilities or values. */
  predict(rows: Rows): Promise<Float64Array>;
  dispose(): void;
}

export interface LearnerOptions {
  task: Task;
  /** Classes (classification) or 1. */
  outputs: number;
  maxDepth?: number;
  maxFeatures?: number;
  mlpUnits?: number;
  mlpEpochs?: number;
}

export function makeLearner(kind: LearnerKind, ctx: TrainerContext, o: LearnerOptions): Learner {
  const seed = Math.floor(ctx.random() * 2 ** 31);
  switch (kind) {
    case 'tree':
    case 'stump':
      return treeLearner(kind, ctx, o);
    case 'linear':
      return linearLearner(o);
    case 'mlp':
      return networkLearner('mlp', ctx, o, seed, null);
    case 'model':
      return networkLearner('model', ctx, o, seed, () => ctx.buildModel({ seed }));
  }
}

function treeLearner(kind: 'tree' | 'stump', ctx: TrainerContext, o: LearnerOptions): Learner {
  const maxDepth = kind === 'stump' ? 1 : o.maxDepth && o.maxDepth > 0 ? o.maxDepth : Infinity;
  const tree = new DecisionTree(o.task, o.outputs, { maxDepth, maxFeatures: o.maxFeatures, random: o.maxFeatures ? () => ctx.random() : undefined });
  return {
    kind,
    weighted: true,
    fit: async (data, child) => {
      tree.fit(data, data.y, data.weight);
      child?.metrics({ tree_depth: tree.depth(), tree_leaves: tree.leaves() });
    },
    predict: async (rows) => tree.predict(rows),
    dispose: () => {},
  };
}

function linearLearner(o: LearnerOptions): Learner {
  const model = o.task === 'classification' ? new LogisticRegression(o.outputs) : new Ridge(1);
  return {
    kind: 'linear',
    weighted: true,
    fit: async (data) => void model.fit(data, data.y, data.weight),
    predict: async (rows) => model.predict(rows),
    dispose: () => {},
  };
}

function networkLearner(kind: 'mlp' | 'model', ctx: TrainerContext, o: LearnerOptions, seed: number, build: (() => Promise<TF.LayersModel>) | null): Learner {
  const { tf } = ctx;
  let model: TF.LayersModel | null = null;
  const cls = o.task === 'classification';
  return {
    kind,
    weighted: false,
    fit: async (data, child) => {
      const rows = resampleRows(data, seed);
      const d = data.d;
      if (!build) {
        // scikit-learn's MLP defaults: one ReLU layer, Adam 1e-3, batches of up to 200.
        const m = tf.sequential({
          layers: [
            tf.layers.dense({ units: o.mlpUnits ?? 100, activation: 'relu', inputShape: [d], kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
            tf.layers.dense({ units: o.outputs, activation: cls ? 'softmax' : 'linear', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
          ],
        });
        m.compile({ optimizer: tf.train.adam(0.001), loss: cls ? 'categoricalCrossentropy' : 'meanSquaredError' });
        model = m;
      } else {
        model = await build();
      }
      const epochs = kind === 'mlp' ? (o.mlpEpochs ?? 200) : ctx.config.epochs;
      const batchSize = kind === 'mlp' ? Math.min(200, rows.length) : ctx.config.batchSize;
      const sparse = kind === 'model' && String((model as unknown as { loss?: unknown }).loss ?? '').toLowerCase().includes('sparse');
      const order = rows.slice();
      let state = seed >>> 0;
      const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
      for (let e = 0; e < epochs; e++) {
        if (ctx.cancelled()) break;
        // Our own seeded shuffle each epoch (tfjs' shuffle uses Math.random).
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
        const x = tf.tensor2d(gather(data.x, order, d), [order.length, d]);
        const yv = Float32Array.from(order, (r) => data.y[r]);
        const y = cls && !sparse ? tf.oneHot(tf.tensor1d(Int32Array.from(yv), 'int32'), o.outputs).toFloat() : tf.tensor2d(yv, [order.length, 1]);
        const h = await model.fit(x, y, { epochs: 1, batchSize, shuffle: false, verbose: 0 });
        tf.dispose([x, y]);
        const loss = h.history.loss?.[0];
        if (typeof loss === 'number') child?.metric('loss', loss, e + 1);
      }
    },
    predict: async (rows) => {
      if (!model) throw new Error(`${kind} learner used before fit`);
      const x = tf.tensor2d(rows.x, [rows.n, rows.d]);
      const y = model.predict(x) as TF.Tensor;
      const out = Float64Array.from(await y.data());
      tf.dispose([x, y]);
      return out;
    },
    dispose: () => model?.dispose(),
  };
}

function gather(x: Float32Array, rows: ArrayLike<number>, d: number): Float32Array {
  const out = new Float32Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) out.set(x.subarray(rows[i] * d, rows[i] * d + d), i * d);
  return out;
}

/** Row indices honouring weights: integer counts repeat rows; other weights draw n rows ∝ weight. */
export function resampleRows(data: FitData, seed: number): number[] {
  const { n, weight } = data;
  if (!weight) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  if (Array.prototype.every.call(weight, (w: number) => Number.isInteger(w))) {
    for (let i = 0; i < n; i++) for (let c = 0; c < weight[i]; c++) out.push(i);
    return out;
  }
  const cum = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) cum[i] = s += weight[i];
  let state = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const u = (state / 4294967296) * s;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    out.push(lo);
  }
  return out;
}

/** Parses a `base` list (already checked against LEARNERS by the manifest). */
export function learnerList(value: unknown, param = 'base'): LearnerKind[] {
  const items = String(value).split(',').map((s) => s.trim()).filter(Boolean);
  for (const it of items) if (!(LEARNERS as readonly string[]).includes(it)) throw new Error(`--param ${param}: unknown learner "${it}" (one of ${LEARNERS.join(', ')})`);
  if (!items.length) throw new Error(`--param ${param}: list at least one learner`);
  return items as LearnerKind[];
}
