/**
 * Host side: what the training/plugin host does with plugin code — probe (load + activate),
 * run a dataset importer or a command, compute plugin metrics on the test split, and run a plugin trainer
 * in place of tfjs fit. Every plugin failure is reported as a `plugin.error` message (so the
 * core disables the plugin) and, where it decides the job, as a HostError naming the plugin.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { DatasetMeta, MetricPoint, Task } from '../../domain';
import type {
  DoneMessage, HostToCoreMessage, PluginCodeRef, PluginCommandMessage, PluginCommandResultMessage, PluginImportMessage, PluginImportedMessage, PluginProbedMessage, StartTrainingMessage,
} from '../../engine/protocol';
import type { ChildRun, DatasetView, ImportedTable, MetricInput, RunLog, SplitData, TrainerResult } from '../../../../plugins/sdk/src/index';
import { INTERACTION_COLUMNS, interactionsData, type ImportedInteractionsTable, type InteractionsDatasetView, type InteractionsImport } from '../../../../plugins/sdk/src/interactions';
import { featureNormalisation } from '../../datasets/loadDataset';
import { HostError, errorMessage } from '../../engine/host/hostError';
import type { DatasetTensors } from '../../engine/host/datasetTensors';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALIDATION, gatherFeatures, gatherTargets, splitRows } from '../../engine/host/datasetTensors';
import { argmaxRows, classificationReport, regressionMetrics } from '../../engine/host/evaluation';
import type { SeededRandom } from '../../engine/host/determinism';
import { buildModelFromSource } from '../../models/modelSource';
import { saveModel } from '../../engine/host/modelIo';
import { PluginCodeError, guarded, loadPlugin, type LoadedPlugin } from './pluginLoader';
import { checkImages, isImportedImages } from './importedImages';
import type { ImportedImages } from '../../../../plugins/sdk/src/images';
import { isImportInputError } from '../../../../plugins/sdk/src/errors';
import { writeFileAtomicSync } from '../../util/atomicWrite';
import { scoreCurves } from '../../engine/host/scoreCurves';
import { metricValues } from '../../../../plugins/sdk/src/metricValues';
import { hostCommandRun } from '../commandRun';

type Emit = (m: HostToCoreMessage) => void;

export function reportPluginError(emit: Emit, e: PluginCodeError): void {
  const stack = e.original instanceof Error ? e.original.stack : undefined;
  emit({ type: 'plugin.error', pluginId: e.pluginId, phase: e.phase, message: errorMessage(e.original), stack });
}

/**
 * Run a job that executes plugin code: a PluginCodeError is reported (so the core disables the
 * plugin) and becomes the host's error naming the plugin; other errors pass through.
 */
async function reportingPluginErrors<T>(emit: Emit, job: () => Promise<T>): Promise<T> {
  try {
    return await job();
  } catch (e) {
    if (e instanceof PluginCodeError) {
      reportPluginError(emit, e);
      throw new HostError('plugin', e.message, { stack: e.stack });
    }
    throw e;
  }
}

// ---- probe ----------------------------------------------------------------------------------

export async function probePlugins(refs: PluginCodeRef[]): Promise<PluginProbedMessage> {
  const results: PluginProbedMessage['results'] = [];
  for (const ref of refs) {
    try {
      await loadPlugin(ref);
      results.push({ id: ref.id, ok: true });
    } catch (e) {
      results.push({ id: ref.id, ok: false, error: e instanceof PluginCodeError ? errorMessage(e.original) : errorMessage(e) });
    }
  }
  return { type: 'plugin.probed', results };
}

// ---- importers ------------------------------------------------------------------------------

export function runPluginImporter(msg: PluginImportMessage, emit: Emit): Promise<PluginImportedMessage> {
  return reportingPluginErrors(emit, async () => {
    const p = await loadPlugin(msg.plugin);
    const importer = p.def.importers?.[msg.importerId];
    if (typeof importer !== 'function') throw new PluginCodeError(p.ref.id, 'importer', new Error(`does not export importers["${msg.importerId}"]`), 'the plugin');
    let table: ImportedTable | ImportedImages;
    try {
      table = await importer(msg.file, { ...p.context, options: msg.options, progress: () => {} });
    } catch (e) {
      // The file's fault, not the plugin's: an input error, and the plugin stays enabled.
      if (isImportInputError(e)) throw inputHostError(e);
      throw new PluginCodeError(p.ref.id, 'importer', e, `importer "${msg.importerId}"`);
    }
    return isImportedImages(table) ? checkImages(p, msg.importerId, table) : checkTable(p, msg.importerId, table);
  });
}

function inputHostError(e: Error): HostError {
  const where = (e as Error & { location?: { file?: string; line?: number; column?: number | string } }).location ?? {};
  const err = new HostError('data', e.message) as HostError & { line?: number; column?: number };
  if (typeof where.line === 'number') err.line = where.line;
  if (typeof where.column === 'number') err.column = where.column;
  return err;
}

function checkTable(p: LoadedPlugin, importerId: string, t: ImportedTable): PluginImportedMessage {
  const bad = (why: string) => new PluginCodeError(p.ref.id, 'importer', new Error(why), `importer "${importerId}"`);
  if (!t || !Array.isArray(t.columns) || !Array.isArray(t.rows)) throw bad('must return { columns: string[], rows: unknown[][] }');
  t.rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== t.columns.length) throw bad(`row ${i + 1} has ${Array.isArray(r) ? r.length : 'no'} cells, expected ${t.columns.length}`);
  });
  const interactions = (t as Partial<ImportedInteractionsTable>).interactions;
  if (interactions !== undefined) checkInteractions(bad, t, interactions);
  return { type: 'plugin.imported', columns: t.columns.map(String), rows: t.rows, ...(interactions ? { interactions } : {}) };
}

function checkInteractions(bad: (why: string) => Error, t: ImportedTable, info: InteractionsImport): void {
  const expected = INTERACTION_COLUMNS.join(', ');
  if (t.columns.join(', ') !== expected) throw bad(`an interactions table has the columns ${expected}, got ${t.columns.join(', ')}`);
  if (!Array.isArray(info.userIds) || !Array.isArray(info.itemIds)) throw bad('interactions.userIds and interactions.itemIds must be arrays');
  if (!Array.isArray(info.split) || info.split.length !== t.rows.length || info.split.some((c) => c !== 0 && c !== 1 && c !== 2)) {
    throw bad(`interactions.split must give 0, 1 or 2 for each of the ${t.rows.length} rows`);
  }
}

// ---- commands --------------------------------------------------------------------------------

export function runPluginCommand(msg: PluginCommandMessage, emit: Emit): Promise<PluginCommandResultMessage> {
  return reportingPluginErrors(emit, async () => {
    const p = await loadPlugin(msg.plugin);
    const command = p.def.commands?.[msg.commandId];
    if (typeof command !== 'function') throw new PluginCodeError(p.ref.id, 'command', new Error(`does not export commands["${msg.commandId}"]`), 'the plugin');
    const label = `command "${msg.commandId}"`;
    const ctx = { ...p.context, run: msg.run ? hostCommandRun(msg.run) : null };
    let result: unknown;
    try {
      result = await command(msg.args, ctx);
    } catch (e) {
      // Bad arguments (an unknown run artifact, user, …): the user's input error; the plugin stays enabled.
      if (isImportInputError(e)) throw inputHostError(e);
      throw new PluginCodeError(p.ref.id, 'command', e, label);
    }
    let json: string | undefined;
    try {
      json = JSON.stringify(result);
    } catch (e) {
      throw new PluginCodeError(p.ref.id, 'command', new Error(`returned a value that is not JSON (${errorMessage(e)})`), label);
    }
    return { type: 'plugin.commanded', result: json === undefined ? null : JSON.parse(json) };
  });
}

// ---- loading a run's plugins ----------------------------------------------------------------

/** Loads the run's plugins; a failing one is reported and left out (unless the run's trainer needs it). */
export async function loadRunPlugins(msg: StartTrainingMessage, emit: Emit): Promise<Map<string, LoadedPlugin>> {
  const loaded = new Map<string, LoadedPlugin>();
  for (const ref of msg.plugins ?? []) {
    try {
      loaded.set(ref.id, await loadPlugin(ref));
    } catch (e) {
      if (!(e instanceof PluginCodeError)) throw e;
      reportPluginError(emit, e);
      if (msg.trainer?.pluginId === ref.id) throw new HostError('plugin', e.message, { stack: e.stack });
    }
  }
  return loaded;
}

// ---- metrics --------------------------------------------------------------------------------

/** Test-split predictions in the form plugin metrics receive. */
export function metricInput(task: Task, classes: string[], yTrue: Float32Array, outputs: Float32Array, width: number): MetricInput {
  const n = yTrue.length;
  if (task === 'regression') return { task, classes, n, yTrue, yPred: outputs.slice(0, n), probabilities: null };
  let probabilities: Float32Array;
  if (width === 1) {
    probabilities = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      probabilities[2 * i] = 1 - outputs[i];
      probabilities[2 * i + 1] = outputs[i];
    }
  } else {
    probabilities = outputs;
  }
  const k = width === 1 ? 2 : width;
  return { task, classes, n, yTrue, yPred: Float32Array.from(argmaxRows(probabilities, k)), probabilities };
}

export async function computePluginMetrics(
  msg: StartTrainingMessage, plugins: Map<string, LoadedPlugin>, input: MetricInput, emit: Emit,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const { pluginId, metricIds } of msg.pluginMetrics ?? []) {
    const p = plugins.get(pluginId);
    if (!p) continue;
    for (const id of metricIds) {
      try {
        const fn = p.def.metrics?.[id];
        if (typeof fn !== 'function') throw new PluginCodeError(pluginId, 'metric', new Error(`does not export metrics["${id}"]`), 'the plugin');
        // Each metric gets its own copies: one plugin cannot alter what the next one sees.
        const value = await guarded(p, 'metric', `metric "${id}"`, () =>
          fn({ ...input, yTrue: input.yTrue.slice(), yPred: input.yPred.slice(), probabilities: input.probabilities?.slice() ?? null }),
        );
        // A number, or (plugin API 1.2) several named numbers: { value, <name>: … } → test_<id>, test_<id>_<name>.
        const values = metricValues(id, value);
        if (typeof values === 'string') throw new PluginCodeError(pluginId, 'metric', new Error(values), `metric "${id}"`);
        Object.assign(out, values);
      } catch (e) {
        if (!(e instanceof PluginCodeError)) throw e;
        reportPluginError(emit, e);
        break; // the plugin is being disabled: skip its other metrics
      }
    }
  }
  return out;
}

// ---- trainers -------------------------------------------------------------------------------

function split(data: DatasetTensors, code: number): SplitData {
  const rows = splitRows(data, code);
  return { x: gatherFeatures(data, rows), y: gatherTargets(data, rows), n: rows.length };
}

function logTo(emit: Emit, child: string | undefined): RunLog {
  const steps = new Map<string, number>();
  const send = (points: MetricPoint[]) => {
    if (!points.length) return;
    emit(child ? { type: 'run.childMetrics', key: child, points } : { type: 'metrics', points });
  };
  const point = (key: string, value: number, step?: number): MetricPoint => {
    const s = step ?? (steps.get(key) ?? 0) + 1;
    steps.set(key, s);
    return { key, step: s, epoch: step ?? null, value, time: Date.now() };
  };
  const finite = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
  return {
    metric: (key, value, step) => {
      if (finite(value)) send([point(key, value, step)]);
    },
    metrics: (values, step) => send(Object.entries(values).filter(([, v]) => finite(v)).map(([k, v]) => point(k, v, step))),
    params: (params) => emit({ type: 'run.params', ...(child ? { child } : {}), params }),
  };
}

export interface PluginTrainInput {
  msg: StartTrainingMessage;
  plugins: Map<string, LoadedPlugin>;
  data: DatasetTensors;
  random: SeededRandom;
  emit: Emit;
  cancelled: () => boolean;
}

export async function runPluginTrainer(input: PluginTrainInput): Promise<DoneMessage> {
  const { msg, emit } = input;
  const spec = msg.trainer!;
  const p = input.plugins.get(spec.pluginId);
  if (!p) throw new HostError('plugin', `plugin "${spec.pluginId}" is not loaded`);
  return reportingPluginErrors(emit, () => trainWith(p, input));
}

async function trainWith(p: LoadedPlugin, input: PluginTrainInput): Promise<DoneMessage> {
  const { msg, data, emit, random } = input;
  const { trainerId, hasModel } = msg.trainer!;
  const meta: DatasetMeta = msg.dataset;
  const trainer = p.def.trainers?.[trainerId];
  if (typeof trainer !== 'function') throw new PluginCodeError(p.ref.id, 'trainer', new Error(`does not export trainers["${trainerId}"]`), 'the plugin');

  const dataset: DatasetView = {
    name: meta.name,
    task: meta.task,
    classes: meta.classes,
    inputShape: data.inputShape,
    features: meta.features,
    train: split(data, SPLIT_TRAIN),
    validation: split(data, SPLIT_VALIDATION),
    test: split(data, SPLIT_TEST),
  };
  if (meta.interactions) (dataset as InteractionsDatasetView).interactions = interactionsFromTensors(meta, data);
  let children = 0;
  const artifactsDir = msg.artifactsDir;
  const result: TrainerResult = await guarded(p, 'trainer', `trainer "${trainerId}"`, () =>
    trainer({
      ...p.context,
      tf,
      dataset,
      config: { epochs: msg.config.epochs, batchSize: msg.config.batchSize, seed: msg.config.seed, learningRate: msg.config.learningRate, optimizer: msg.config.optimizer },
      params: { ...msg.config.params },
      random: () => random.next(),
      buildModel: async (params) => {
        if (!hasModel) throw new Error('this run has no model: pass --model FILE|template:ID');
        const built = await buildModelFromSource(tf, msg.source, {
          inputShape: data.inputShape, task: meta.task, classes: meta.classes,
          params: { ...msg.config.params, ...params }, seed: msg.config.seed,
          overrides: { optimizer: msg.config.optimizer, learningRate: msg.config.learningRate },
        });
        return built.model;
      },
      log: logTo(emit, undefined),
      runs: {
        child: (name, params = {}): ChildRun => {
          const key = `c${++children}`;
          emit({ type: 'run.child', key, name, params });
          let ended = false;
          return {
            key,
            ...logTo(emit, key),
            end: (error?: string) => {
              if (ended) return;
              ended = true;
              emit({ type: 'run.childEnd', key, ...(error ? { error } : {}) });
            },
          };
        },
      },
      artifacts: {
        dir: artifactsDir,
        write: (rel, bytes, kind = 'plugin') => {
          const full = resolve(artifactsDir, rel);
          if (relative(artifactsDir, full).startsWith('..')) throw new Error(`artifact path "${rel}" is outside the run's folder`);
          mkdirSync(dirname(full), { recursive: true });
          writeFileAtomicSync(full, bytes);
          emit({ type: 'artifact', path: relative(artifactsDir, full).split('\\').join('/'), kind });
        },
      },
      progress: (epoch, epochs, loss) => emit({ type: 'progress', epoch, epochs, batch: 1, batches: 1, loss: loss ?? NaN }),
      cancelled: input.cancelled,
    }),
  );
  if (!result || typeof result !== 'object') throw new PluginCodeError(p.ref.id, 'trainer', new Error('must resolve to { model } or { predict } (or { metrics })'), `trainer "${trainerId}"`);
  const epochsRun = result.epochs ?? msg.config.epochs;
  if (input.cancelled()) return { type: 'done', status: 'cancelled', testMetrics: {}, report: null, stoppedEarly: false, epochsRun };

  const testMetrics: Record<string, number> = {};
  let report: DoneMessage['report'] = null;
  const test = dataset.test;
  let outputs: { values: Float32Array; width: number } | null = null;
  if (result.model) {
    outputs = await guarded(p, 'trainer', `the model trainer "${trainerId}" returned`, async () => {
      const x = tf.tensor(test.x, [test.n, ...data.inputShape]);
      const y = result.model!.predict(x) as tf.Tensor;
      const values = (await y.data()) as Float32Array;
      const width = y.shape.slice(1).reduce((a, b) => a * b, 1);
      tf.dispose([x, y]);
      return { values: Float32Array.from(values), width };
    });
    await saveModel(result.model, join(artifactsDir, 'model'));
    emit({ type: 'artifact', path: 'model', kind: 'model' });
  } else if (result.predict && test.n > 0) {
    const values = await guarded(p, 'trainer', `predict() of trainer "${trainerId}"`, () => result.predict!(test.x.slice(), test.n));
    outputs = { values: Float32Array.from(values), width: Math.max(1, Math.round(values.length / test.n)) };
  }
  if (outputs && test.n > 0) {
    const input2 = metricInput(meta.task, meta.classes, test.y, outputs.values, outputs.width);
    if (meta.task === 'classification') {
      report = classificationReport(input2.yTrue, input2.yPred, meta.classes);
      report.curves = scoreCurves(input2.yTrue, input2.probabilities!, input2.probabilities!.length / test.n, meta.classes);
      testMetrics.test_loss = crossEntropy(input2.yTrue, input2.probabilities!, input2.probabilities!.length / test.n);
      testMetrics.test_accuracy = report.accuracy;
      testMetrics.test_f1_macro = report.macroF1;
    } else {
      const r = regressionMetrics(test.y, input2.yPred);
      Object.assign(testMetrics, { test_loss: r.mse, test_mse: r.mse, test_mae: r.mae, test_r2: r.r2 });
    }
    Object.assign(testMetrics, await computePluginMetrics(msg, input.plugins, input2, emit));
  }
  for (const [k, v] of Object.entries(result.metrics ?? {})) if (typeof v === 'number') testMetrics[k] = v;
  writeFileAtomicSync(join(artifactsDir, 'evaluation.json'), JSON.stringify({ testMetrics, report }, null, 2));
  emit({ type: 'artifact', path: 'evaluation.json', kind: 'evaluation' });
  return { type: 'done', status: 'completed', testMetrics, report, stoppedEarly: false, epochsRun };
}

function crossEntropy(yTrue: Float32Array, probs: Float32Array, k: number): number {
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum -= Math.log(Math.max(1e-7, probs[i * k + yTrue[i]]));
  return sum / Math.max(1, yTrue.length);
}

/**
 * An interactions dataset is stored as [user_index, item_index, timestamp] features and a value target;
 * trainers get the integer indices back (stored exactly in float32, so rounding undoes normalisation).
 */
function interactionsFromTensors(meta: DatasetMeta, data: DatasetTensors): InteractionsDatasetView['interactions'] {
  const info = meta.interactions!;
  const norm = featureNormalisation(meta);
  const width = meta.features.length;
  const column = (j: number) => {
    const out = new Float64Array(data.n);
    for (let i = 0; i < data.n; i++) out[i] = data.x[i * width + j] * norm[j].std + norm[j].mean;
    return out;
  };
  return interactionsData(
    { userIds: info.userIds, itemIds: info.itemIds, implicit: info.implicit, hasTimestamps: info.hasTimestamps, itemTitles: info.itemTitles ?? null, summary: info.summary as never },
    { users: column(0), items: column(1), timestamps: info.hasTimestamps ? column(2) : null, values: data.y, split: data.split },
  );
}
