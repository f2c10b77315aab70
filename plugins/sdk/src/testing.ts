/**
 * @lamina/plugin-sdk/testing — run a plugin's metrics, importers, trainers and model templates
 * headless, with real TensorFlow.js, in the author's own tests. No Lamina process is needed:
 * the harness builds the same context objects the host does and records what the plugin logs.
 *
 *   const data = tableDataset(csvTable(readFileSync('iris.csv', 'utf8')), { target: 'species' });
 *   const { metrics } = await fitTemplate(createModel, data, { epochs: 20 });
 *   const value = await runMetric(plugin, 'balanced_accuracy', metricInputFrom([0, 1], [[0.9, 0.1], [0.2, 0.8]], ['a', 'b']));
 */
import { metricValues } from './metricValues';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  PLUGIN_API_VERSION,
  type ChildRun, type CommandRun, type CreateModel, type DatasetView, type ImportedImages, type ImportedTable, type Logger, type MetricInput, type ModelContext,
  type ParamValue, type PluginContext, type PluginDefinition, type RunLog, type SplitData, type Task, type TrainerResult,
} from './index';
import { CommandInputError } from './errors';

export interface RecordedPoint {
  key: string;
  step: number;
  value: number;
}

// ---- data ------------------------------------------------------------------------------------

/** A tiny CSV reader for test fixtures (commas, no quoted commas). */
export function csvTable(text: string): ImportedTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const columns = lines[0].split(',').map((c) => c.trim());
  const rows = lines.slice(1).map((l) => l.split(',').map((c) => (c.trim() !== '' && Number.isFinite(Number(c)) ? Number(c) : c.trim())));
  return { columns, rows };
}

/** mulberry32: small, seeded, good enough for splits and tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A table as the DatasetView a trainer receives: numeric features standardised with train-split
 * statistics, classes sorted, rows split train/validation/test with a seeded shuffle.
 */
export function tableDataset(
  table: ImportedTable,
  opts: { target?: string; task?: Task; seed?: number; split?: [number, number, number]; name?: string } = {},
): DatasetView {
  const target = opts.target ?? table.columns[table.columns.length - 1];
  const t = table.columns.indexOf(target);
  if (t < 0) throw new Error(`target "${target}" is not a column (${table.columns.join(', ')})`);
  const features = table.columns.filter((_, j) => j !== t);
  const raw = table.rows.map((r) => r[t]);
  const task: Task = opts.task ?? (raw.every((v) => typeof v === 'number') && new Set(raw).size > 20 ? 'regression' : 'classification');
  const classes = task === 'classification' ? [...new Set(raw.map(String))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })) : [];
  const y = raw.map((v) => (task === 'classification' ? classes.indexOf(String(v)) : Number(v)));
  const n = table.rows.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const rand = seededRandom(opts.seed ?? 42);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const [fTrain, fVal] = opts.split ?? [0.7, 0.15, 0.15];
  const nTrain = Math.round(n * fTrain);
  const nVal = Math.round(n * fVal);
  const parts = [order.slice(0, nTrain), order.slice(nTrain, nTrain + nVal), order.slice(nTrain + nVal)];
  const cols = table.rows[0] ? table.columns.map((_, j) => j).filter((j) => j !== t) : [];
  const stats = cols.map((j) => {
    const vals = parts[0].map((i) => Number(table.rows[i][j]));
    const mean = vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length);
    const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, vals.length)) || 1;
    return { mean, sd };
  });
  const make = (rows: number[]): SplitData => {
    const x = new Float32Array(rows.length * cols.length);
    rows.forEach((r, i) => cols.forEach((j, k) => (x[i * cols.length + k] = (Number(table.rows[r][j]) - stats[k].mean) / stats[k].sd)));
    return { x, y: Float32Array.from(rows.map((r) => y[r])), n: rows.length };
  };
  return { name: opts.name ?? 'test-data', task, classes, inputShape: [cols.length], features, train: make(parts[0]), validation: make(parts[1]), test: make(parts[2]) };
}

/** A MetricInput from true class indices and per-row probabilities. */
export function metricInputFrom(yTrue: number[], probabilities: number[][], classes: string[]): MetricInput {
  const k = classes.length;
  const probs = new Float32Array(yTrue.length * k);
  probabilities.forEach((row, i) => row.forEach((p, j) => (probs[i * k + j] = p)));
  const yPred = Float32Array.from(probabilities.map((row) => row.indexOf(Math.max(...row))));
  return { task: 'classification', classes, n: yTrue.length, yTrue: Float32Array.from(yTrue), yPred, probabilities: probs };
}

// ---- contexts --------------------------------------------------------------------------------

function context(pluginId: string): PluginContext & { messages: string[] } {
  const messages: string[] = [];
  const logger: Logger = {
    info: (m) => messages.push(`info: ${m}`),
    warn: (m) => messages.push(`warn: ${m}`),
    error: (m) => messages.push(`error: ${m}`),
  };
  return { pluginId, pluginDir: process.cwd(), apiVersion: PLUGIN_API_VERSION, logger, messages };
}

const OPTIMIZERS: Record<string, (lr: number) => tf.Optimizer> = {
  sgd: (lr) => tf.train.sgd(lr),
  momentum: (lr) => tf.train.momentum(lr, 0.9),
  adam: (lr) => tf.train.adam(lr),
  adagrad: (lr) => tf.train.adagrad(lr),
  adadelta: (lr) => tf.train.adadelta(lr),
  rmsprop: (lr) => tf.train.rmsprop(lr),
};

/** The ModelContext a template's createModel receives in Lamina. */
export function modelContext(data: Pick<DatasetView, 'inputShape' | 'task' | 'classes'>, params: Record<string, ParamValue> = {}, seed = 1): ModelContext {
  const coerce = (v: ParamValue | undefined, fallback: ParamValue): ParamValue => {
    if (v === undefined) return fallback;
    if (typeof fallback === 'number') return Number(v);
    if (typeof fallback === 'boolean') return v === true || v === 'true';
    return String(v);
  };
  const ctx = {
    tf,
    inputShape: [...data.inputShape],
    outputShape: data.task === 'classification' ? [data.classes.length] : [1],
    task: data.task,
    numClasses: data.task === 'classification' ? data.classes.length : 0,
    classes: [...data.classes],
    params,
    seed,
    param: (name: string, fallback: ParamValue) => coerce(params[name], fallback),
    optimizer: (name?: string, lr?: number) => {
      const chosen = (name ?? 'adam').toLowerCase();
      const make = OPTIMIZERS[chosen];
      if (!make) throw new Error(`unknown optimizer "${name}"`);
      return make(lr ?? 0.01);
    },
  };
  return ctx as ModelContext;
}

function oneHot(y: Float32Array, k: number): tf.Tensor2D {
  return tf.oneHot(tf.tensor1d(Int32Array.from(y), 'int32'), k).toFloat() as tf.Tensor2D;
}

/** Builds a template's model and fits it on the train split; returns test accuracy/loss and the model. */
export async function fitTemplate(
  createModel: CreateModel,
  data: DatasetView,
  opts: { epochs?: number; batchSize?: number; params?: Record<string, ParamValue>; seed?: number } = {},
): Promise<{ model: tf.LayersModel; metrics: Record<string, number>; probabilities: Float32Array }> {
  const model = createModel(modelContext(data, opts.params, opts.seed));
  const k = data.classes.length;
  const shape = (s: SplitData) => [s.n, ...data.inputShape];
  const ys = (s: SplitData) => (data.task === 'classification' ? oneHot(s.y, k) : tf.tensor2d(s.y, [s.n, 1]));
  const x = tf.tensor(data.train.x, shape(data.train));
  const y = ys(data.train);
  await model.fit(x, y, { epochs: opts.epochs ?? 10, batchSize: opts.batchSize ?? 16, shuffle: false, verbose: 0 });
  const tx = tf.tensor(data.test.x, shape(data.test));
  const ty = ys(data.test);
  const evaluated = model.evaluate(tx, ty) as tf.Scalar | tf.Scalar[];
  const list = Array.isArray(evaluated) ? evaluated : [evaluated];
  const metrics: Record<string, number> = { test_loss: (await list[0].data())[0] };
  const out = model.predict(tx) as tf.Tensor;
  const probabilities = Float32Array.from(await out.data());
  if (data.task === 'classification') {
    let right = 0;
    for (let i = 0; i < data.test.n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (probabilities[i * k + j] > probabilities[i * k + best]) best = j;
      if (best === data.test.y[i]) right++;
    }
    metrics.test_accuracy = right / Math.max(1, data.test.n);
  }
  tf.dispose([x, y, tx, ty, out, ...list]);
  return { model, metrics, probabilities };
}

// ---- contributions ----------------------------------------------------------------------------

/** The metric's main value (`test_<id>`); for a metric returning named values (1.2), its `value`. */
export async function runMetric(plugin: PluginDefinition, id: string, input: MetricInput): Promise<number> {
  const all = await runMetricValues(plugin, id, input);
  const v = all[`test_${id}`];
  if (v === undefined) throw new Error(`metric "${id}" returned no main value (only ${Object.keys(all).join(', ')})`);
  return v;
}

/** Every value the metric gives, under the keys Lamina stores them as (`test_<id>`, `test_<id>_<name>`). */
export async function runMetricValues(plugin: PluginDefinition, id: string, input: MetricInput): Promise<Record<string, number>> {
  const fn = plugin.metrics?.[id];
  if (!fn) throw new Error(`the plugin has no metric "${id}" (has: ${Object.keys(plugin.metrics ?? {}).join(', ') || 'none'})`);
  const r = metricValues(id, await fn(input));
  if (typeof r === 'string') throw new Error(`metric "${id}" ${r}`);
  return r;
}

export async function runImporter(plugin: PluginDefinition, id: string, file: string, options: Record<string, unknown> = {}): Promise<ImportedTable | ImportedImages> {
  const fn = plugin.importers?.[id];
  if (!fn) throw new Error(`the plugin has no importer "${id}"`);
  return fn(file, { ...context('test'), options, progress: () => {} });
}

/** Runs a command as the host does, and checks that its result survives JSON (as it must, to reach the app). */
export async function runCommand(plugin: PluginDefinition, id: string, args: Record<string, unknown> = {}, opts: { run?: CommandRun | TrainerRecording } = {}): Promise<unknown> {
  const fn = plugin.commands?.[id];
  if (!fn) throw new Error(`the plugin has no command "${id}" (has: ${Object.keys(plugin.commands ?? {}).join(', ') || 'none'})`);
  const run = opts.run === undefined ? null : 'readArtifact' in opts.run ? opts.run : recordedRun(opts.run);
  const result = await fn(args, { ...context('test'), run });
  const json = JSON.stringify(result);
  return json === undefined ? null : JSON.parse(json);
}

export interface TrainerRecording {
  result: TrainerResult;
  metrics: RecordedPoint[];
  params: Record<string, ParamValue>;
  children: { name: string; params: Record<string, ParamValue>; metrics: RecordedPoint[]; params2: Record<string, ParamValue>; error: string | null; ended: boolean }[];
  artifactsDir: string;
  logs: string[];
}

/** Runs a trainer against `data` the way the host does, recording what it logs. */
export async function runTrainer(
  plugin: PluginDefinition,
  id: string,
  data: DatasetView,
  opts: { epochs?: number; batchSize?: number; seed?: number; params?: Record<string, ParamValue>; createModel?: CreateModel } = {},
): Promise<TrainerRecording> {
  const fn = plugin.trainers?.[id];
  if (!fn) throw new Error(`the plugin has no trainer "${id}"`);
  const ctx = context('test');
  const artifactsDir = mkdtempSync(join(tmpdir(), 'lamina-plugin-test-'));
  const rec: TrainerRecording = { result: {}, metrics: [], params: {}, children: [], artifactsDir, logs: ctx.messages };
  const logInto = (points: RecordedPoint[], params: Record<string, ParamValue>): RunLog => {
    const steps = new Map<string, number>();
    const add = (key: string, value: number, step?: number) => {
      const s = step ?? (steps.get(key) ?? 0) + 1;
      steps.set(key, s);
      points.push({ key, step: s, value });
    };
    return { metric: add, metrics: (v, step) => Object.entries(v).forEach(([k, x]) => add(k, x, step)), params: (p) => Object.assign(params, p) };
  };
  const rand = seededRandom(opts.seed ?? 1);
  rec.result = await fn({
    ...ctx,
    tf,
    dataset: data,
    config: { epochs: opts.epochs ?? 5, batchSize: opts.batchSize ?? 16, seed: opts.seed ?? 1, learningRate: null, optimizer: null },
    params: opts.params ?? {},
    random: rand,
    buildModel: async (params) => {
      if (!opts.createModel) throw new Error('this run has no model: pass createModel to runTrainer');
      return opts.createModel(modelContext(data, { ...opts.params, ...params }, opts.seed));
    },
    log: logInto(rec.metrics, rec.params),
    runs: {
      child: (name, params = {}): ChildRun => {
        const c = { name, params, metrics: [] as RecordedPoint[], params2: {} as Record<string, ParamValue>, error: null as string | null, ended: false };
        rec.children.push(c);
        return { key: `c${rec.children.length}`, ...logInto(c.metrics, c.params2), end: (error) => { c.ended = true; c.error = error ?? null; } };
      },
    },
    artifacts: {
      dir: artifactsDir,
      write: (rel, bytes) => {
        mkdirSync(dirname(join(artifactsDir, rel)), { recursive: true });
        writeFileSync(join(artifactsDir, rel), bytes);
      },
    },
    progress: () => {},
    cancelled: () => false,
  });
  return rec;
}

export { tf };

/**
 * A trainer recording as the run a command sees (plugin API 1.2): every file the trainer wrote is a
 * recorded artifact; reading anything else throws, as in Lamina.
 */
export function recordedRun(rec: TrainerRecording, id = 'test-run'): CommandRun {
  const files: { path: string; kind: string; bytes: number }[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), rel);
      else files.push({ path: rel, kind: 'file', bytes: statSync(join(dir, e.name)).size });
    }
  };
  walk(rec.artifactsDir, '');
  const readArtifact = (path: string) => {
    if (!files.some((f) => f.path === path)) throw new CommandInputError(`run ${id} has no recorded artifact "${path}"`);
    return new Uint8Array(readFileSync(join(rec.artifactsDir, path)));
  };
  return {
    id, name: null, status: 'completed', trainer: null, datasetId: 'test', params: rec.params,
    metrics: rec.result.metrics ?? {}, artifacts: files, readArtifact,
    readArtifactText: (path) => Buffer.from(readArtifact(path)).toString('utf8'),
  };
}
