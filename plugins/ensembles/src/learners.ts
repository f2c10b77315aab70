/**
 * Base learners the ensembles combine, one interface for all: `fit` on rows (with optional sample
 * weights) and `predict` n × classes probabilities (classification) or n values (regression).
 *
 *  tree    CART, fully grown unless max_depth is set (weights: direct)
 *  stump   CART of depth 1 (AdaBoost's default; weights: direct)
 *  linear  logistic regression (classification) or ridge (regression) (weights: direct)
 *  mlp     one hidden ReLU layer (plain TypeScript, scikit-learn's MLP defaults; weights: resampling)
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
import { Mlp } from './mlp';

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
      return mlpLearner(o, seed);
    case 'model':
      return modelLearner(ctx, o, seed);
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

function mlpLearner(o: LearnerOptions, seed: number): Learner {
  const net = new Mlp(o.task, o.outputs, { hidden: o.mlpUnits ?? 100, epochs: o.mlpEpochs ?? 200 });
  return {
    kind: 'mlp',
    weighted: false,
    fit: async (data, child) => {
      let state = seed >>> 0;
      const rand = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
      net.fit(data, data.y, resampleRows(data, seed), rand, (epoch, loss) => child?.metric('loss', loss, epoch));
    },
    predict: async (rows) => net.predict(rows),
    dispose: () => {},
  };
}

/** The run's --model, trained with tfjs `fit` for the run's epochs and batch size (the host seeds its shuffle). */
function modelLearner(ctx: TrainerContext, o: LearnerOptions, seed: number): Learner {
  const { tf } = ctx;
  let model: TF.LayersModel | null = null;
  const cls = o.task === 'classification';
  return {
    kind: 'model',
    weighted: false,
    fit: async (data, child) => {
      model = await ctx.buildModel();
      const rows = resampleRows(data, seed);
      const d = data.d;
      const width = (model.outputs[0].shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
      if (width !== o.outputs) throw new Error(`--model outputs ${width} value(s) per row; this ensemble needs ${o.outputs} (one per class, or 1 for regression)`);
      const sparse = String((model as unknown as { loss?: unknown }).loss ?? '').toLowerCase().includes('sparse');
      const x = tf.tensor2d(gather(data.x, rows, d), [rows.length, d]);
      const yv = Float32Array.from(rows, (r) => data.y[r]);
      const y = cls && !sparse ? tf.oneHot(tf.tensor1d(Int32Array.from(yv), 'int32'), o.outputs).toFloat() : tf.tensor2d(yv, [rows.length, 1]);
      try {
        await model.fit(x, y, {
          epochs: ctx.config.epochs,
          batchSize: ctx.config.batchSize,
          shuffle: true,
          verbose: 0,
          callbacks: { onEpochEnd: async (epoch, logs) => void (typeof logs?.loss === 'number' && child?.metric('loss', logs.loss, epoch + 1)) },
        });
      } finally {
        tf.dispose([x, y]);
      }
    },
    predict: async (rows) => {
      if (!model) throw new Error('model learner used before fit');
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
