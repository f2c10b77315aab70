/**
 * What a training host does for one request, independent of how messages travel (child_process,
 * Electron utilityProcess, or a direct call from a test): start → backend, seed, data, model,
 * train, evaluate, save, done; inspect → build and describe the model.
 */

import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { DatasetMeta } from '../../domain';
import type { DoneMessage, HostToCoreMessage, InspectModelMessage, InspectedMessage, StartTrainingMessage } from '../protocol';
import { buildModelFromSource, type BuiltModel } from '../../models/modelSource';
import { summarizeModel } from '../../models/summary';
import { chooseBackend } from './backends';
import type { DatasetTensors } from './datasetTensors';
import { installSeededRandom } from './determinism';
import { HostError, errorMessage } from './hostError';
import { saveModel } from './modelIo';
import { evaluateTestSplit } from './testEvaluation';
import { disposeSplits, train } from './trainer';
import { computePluginMetrics, loadRunPlugins, metricInput, runPluginTrainer } from '../../plugins/host/pluginRuntime';
import { writeFileAtomicSync } from '../../util/atomicWrite';

/** The model summary stored with every run (relative to its artifact folder). */
export const MODEL_SUMMARY_JSON = 'model-summary.json';

export type LoadData = (file: string, meta: DatasetMeta) => Promise<DatasetTensors>;

export interface RunDeps {
  emit: (msg: HostToCoreMessage) => void;
  cancelled: () => boolean;
  /** Defaults to the dataset importer's loadDatasetTensors (loaded on first use). */
  loadData?: LoadData;
  /** Name of the model file in error messages (default model.ts). */
  filename?: string;
}

async function defaultLoadData(file: string, meta: DatasetMeta): Promise<DatasetTensors> {
  // Decoded tensors are cached by content hash in the workspace (datasets/tensorCache.ts).
  const { loadDatasetTensorsCached } = await import('../../datasets/tensorCache');
  return loadDatasetTensorsCached(file, meta);
}

/** A run's dataset as tensors (training and explanations); a file that cannot be read is a 'data' error. */
export async function loadRunDataset(loadData: LoadData | undefined, file: string, meta: DatasetMeta): Promise<DatasetTensors> {
  try {
    return await (loadData ?? defaultLoadData)(file, meta);
  } catch (err) {
    throw new HostError('data', `cannot load dataset "${meta.name}": ${errorMessage(err)}`, { cause: err });
  }
}

function describeLoss(loss: unknown): string {
  if (typeof loss === 'string') return loss;
  if (Array.isArray(loss)) return loss.map(describeLoss).join(',');
  if (typeof loss === 'function') return loss.name || 'custom';
  return String(loss);
}

/**
 * What the compiled model resolved, for the run's record. The core records the run's own config
 * (epochs, batch_size, seed, …) itself; these are the parts only the built model knows, with the
 * same snake_case names, so `learning_rate` is the rate the optimizer really uses.
 */
export function resolvedParams(built: BuiltModel): Record<string, string | number | boolean> {
  const { model } = built;
  const optimizer = model.optimizer as (tf.Optimizer & { learningRate?: number }) | undefined;
  const out: Record<string, string | number | boolean> = {
    optimizer: built.optimizer?.name ?? optimizer?.getClassName() ?? 'none',
    optimizer_class: optimizer?.getClassName() ?? 'none',
    loss: describeLoss(model.loss),
    layers: model.layers.length,
    total_params: model.countParams(),
    fit_target: built.target,
  };
  const lr = built.optimizer?.learningRate ?? optimizer?.learningRate;
  if (typeof lr === 'number') out.learning_rate = lr;
  return out;
}

export async function runTraining(msg: StartTrainingMessage, deps: RunDeps): Promise<DoneMessage> {
  const { config } = msg;
  const choice = await chooseBackend(config.backend);
  deps.emit({ type: 'backend', backend: choice.backend, reason: choice.reason });

  // Seed before anything draws: initializers run while the model is built.
  const random = installSeededRandom(config.seed);
  try {
    const data = await loadRunDataset(deps.loadData, msg.datasetFile, msg.dataset);
    // Plugin code (metrics, a trainer) loads here, in the host; one that throws is reported and left out.
    const plugins = await loadRunPlugins(msg, deps.emit);
    if (msg.trainer) {
      return await runPluginTrainer({ msg, plugins, data, random, emit: deps.emit, cancelled: deps.cancelled });
    }
    const built = await buildModelFromSource(
      tf,
      msg.source,
      {
        inputShape: data.inputShape,
        task: msg.dataset.task,
        classes: msg.dataset.classes,
        params: config.params,
        seed: config.seed,
        overrides: { optimizer: config.optimizer, learningRate: config.learningRate },
      },
      deps.filename,
    );
    try {
      const summary = summarizeModel(built.model);
      deps.emit({
        type: 'model',
        summary,
        topology: built.model.toJSON(null, false),
        resolvedParams: resolvedParams(built),
      });
      // Kept with the run (layers, output shapes, params), for `lamina show` and later readers.
      writeFileAtomicSync(join(msg.artifactsDir, MODEL_SUMMARY_JSON), JSON.stringify(summary, null, 2));
      deps.emit({ type: 'artifact', path: MODEL_SUMMARY_JSON, kind: 'summary' });
      const result = await train({
        tf,
        built,
        data,
        task: msg.dataset.task,
        classes: msg.dataset.classes,
        config,
        random,
        artifactsDir: msg.artifactsDir,
        resume: msg.resume,
        emit: deps.emit,
        cancelled: deps.cancelled,
      });
      try {
        if (result.status === 'cancelled') {
          return { type: 'done', status: 'cancelled', testMetrics: {}, report: null, stoppedEarly: false, epochsRun: result.epochsRun };
        }
        const evaluation = await evaluateTestSplit(tf, built.model, result.splits.test, result.form, msg.dataset.classes, config.batchSize);
        if (evaluation.outputs && msg.pluginMetrics?.length) {
          const { targets, values, width } = evaluation.outputs;
          const input = metricInput(msg.dataset.task, msg.dataset.classes, targets, values, width);
          Object.assign(evaluation.testMetrics, await computePluginMetrics(msg, plugins, input, deps.emit));
        }
        await saveModel(built.model, join(msg.artifactsDir, 'model'));
        deps.emit({ type: 'artifact', path: 'model', kind: 'model' });
        writeFileAtomicSync(
          join(msg.artifactsDir, 'evaluation.json'),
          JSON.stringify({ testMetrics: evaluation.testMetrics, report: evaluation.report }, null, 2),
        );
        deps.emit({ type: 'artifact', path: 'evaluation.json', kind: 'evaluation' });
        return {
          type: 'done',
          status: 'completed',
          testMetrics: evaluation.testMetrics,
          report: evaluation.report,
          stoppedEarly: result.stoppedEarly,
          epochsRun: result.epochsRun,
        };
      } finally {
        disposeSplits(result.splits);
      }
    } finally {
      // The user built the optimizer, so model.dispose() leaves it (and its slots) alone.
      built.model.optimizer?.dispose();
      built.model.dispose();
    }
  } finally {
    random.uninstall();
  }
}

export async function inspectModel(msg: InspectModelMessage, deps: Pick<RunDeps, 'filename'> = {}): Promise<InspectedMessage> {
  const choice = await chooseBackend(msg.backend);
  const random = installSeededRandom(0);
  try {
    const built = await buildModelFromSource(
      tf,
      msg.source,
      { inputShape: msg.dataset.inputShape, task: msg.dataset.task, classes: msg.dataset.classes, params: msg.params, seed: 0 },
      deps.filename,
    );
    const inspected: InspectedMessage = {
      type: 'inspected',
      summary: summarizeModel(built.model),
      topology: built.model.toJSON(null, false),
      backend: choice.backend,
    };
    built.model.dispose();
    return inspected;
  } finally {
    random.uninstall();
  }
}
