/**
 * Trains a built model on in-memory data with model.fit, streaming metrics and progress as host
 * messages, and handling cancel, early stopping, gradient clipping, NaN detection and checkpoints.
 */
import { SystemSampler } from './systemMetrics';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { MetricPoint, Task, TrainConfig } from '../../domain';
import type { HostToCoreMessage } from '../protocol';
import type { BuiltModel } from '../../models/modelSource';
import { installGradientClipping } from './clipping';
import { balancedClassWeights } from './classWeights';
import { optimizerRate, scheduleSpec, scheduledRate, setOptimizerRate, updatePlateau, type PlateauState } from './lrSchedule';
import { checkpointFolder, readBestWeights, readCheckpoint, writeCheckpoint } from './checkpoints';
import type { DatasetTensors } from './datasetTensors';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALIDATION, splitRows } from './datasetTensors';
import type { SeededRandom } from './determinism';
import { HostError } from './hostError';
import { shuffledIndices } from '../../util/random';
import { labelForm, splitTensors, type LabelForm, type SplitTensors } from './labels';
import { active, augment, augmentationProblem } from '../../training/augmentation';

type Tf = typeof TF;

export interface TrainInput {
  tf: Tf;
  built: BuiltModel;
  data: DatasetTensors;
  task: Task;
  classes: string[];
  config: TrainConfig;
  random: SeededRandom;
  /** Where checkpoints go (<dir>/checkpoints/epoch-NNNN); null = no checkpoints. */
  artifactsDir: string | null;
  resume?: { checkpointDir: string };
  emit: (msg: HostToCoreMessage) => void;
  /** Polled after every batch. */
  cancelled: () => boolean;
  /** Minimum ms between metrics/progress messages (default 100: ≤ 10 a second). */
  flushIntervalMs?: number;
}

export interface TrainResult {
  status: 'completed' | 'cancelled';
  epochsRun: number;
  stoppedEarly: boolean;
  /** The epoch whose weights the model holds after restore-best; null when the last epoch's were kept. */
  restoredEpoch: number | null;
  form: LabelForm;
  splits: { train: SplitTensors; validation: SplitTensors | null; test: SplitTensors | null };
}

/** tfjs logs `acc`; everyone else says `accuracy`. */
export function normaliseMetricKey(key: string): string {
  return key.replace(/^(val_)?acc$/, '$1accuracy');
}

/** Monitored metrics that improve upwards; everything else (losses, errors) improves downwards. */
export function improvesUpward(key: string): boolean {
  return /acc|f1|r2|auc|precision|recall/i.test(key);
}

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function train(input: TrainInput): Promise<TrainResult> {
  const { tf, built, data, config, random, emit } = input;
  const { model } = built;
  const flushInterval = input.flushIntervalMs ?? 100;
  if (!(config.epochs >= 1) || !Number.isInteger(config.epochs)) throw new HostError('data', `epochs must be a positive integer (got ${config.epochs})`);
  if (!(config.batchSize >= 1) || !Number.isInteger(config.batchSize)) throw new HostError('data', `batchSize must be a positive integer (got ${config.batchSize})`);

  const form = labelForm(model, input.task, built.target);
  const numClasses = input.classes.length;
  const make = (code: number) => {
    const rows = splitRows(data, code);
    return rows.length ? splitTensors(tf, model, data, rows, form, numClasses) : null;
  };
  const trainSplit = make(SPLIT_TRAIN);
  if (!trainSplit) throw new HostError('data', 'the dataset has no training rows');
  const validation = make(SPLIT_VALIDATION);
  const test = make(SPLIT_TEST);
  const splits = { train: trainSplit, validation, test };

  // Augmentation: applied to the training features only, redrawn every epoch from the run's generator.
  const augmentation = active(config.augmentation) ? config.augmentation : null;
  if (augmentation) {
    const problem = augmentationProblem(augmentation, data.inputShape, form === 'onehot' || form === 'binary');
    if (problem) {
      disposeSplits(splits);
      throw new HostError('data', problem);
    }
  }
  const trainX = augmentation ? Float32Array.from(trainSplit.x.dataSync()) : null;
  const trainY = augmentation?.mixup ? Float32Array.from(trainSplit.y.dataSync()) : null;
  const augmentedEpoch = (order: Int32Array) => {
    const n = order.length;
    const width = trainX!.length / n;
    const x = new Float32Array(trainX!.length);
    order.forEach((r, i) => x.set(trainX!.subarray(r * width, (r + 1) * width), i * width));
    let labels: Float32Array | undefined;
    let labelWidth = 1;
    if (trainY) {
      labelWidth = trainY.length / n;
      labels = new Float32Array(trainY.length);
      order.forEach((r, i) => labels!.set(trainY.subarray(r * labelWidth, (r + 1) * labelWidth), i * labelWidth));
    }
    const out = augment({ x, shape: data.inputShape, n, y: labels, labelWidth }, augmentation!, random.next);
    return { xs: tf.tensor(out.x, trainSplit.x.shape), ys: out.y ? tf.tensor(out.y, trainSplit.y.shape) : null };
  };

  const batches = Math.ceil(trainSplit.rows.length / config.batchSize);
  let pending: MetricPoint[] = [];
  let lastFlush = 0;
  let lastProgress: HostToCoreMessage | null = null;
  const flush = () => {
    if (pending.length) emit({ type: 'metrics', points: pending });
    if (lastProgress) emit(lastProgress);
    pending = [];
    lastProgress = null;
    lastFlush = Date.now();
  };
  const point = (key: string, step: number, epoch: number, value: number) => {
    if (Number.isFinite(value)) pending.push({ key, step, epoch, value, time: Date.now() });
  };

  let gradNorm: number | null = null;
  if (model.optimizer) {
    installGradientClipping(tf, model.optimizer, {
      clipNorm: config.clipNorm,
      clipValue: config.clipValue,
      onNorm: (n) => (gradNorm = n),
    });
  }

  // Early stopping state (also checkpointed, so a resumed run stops where the original would).
  const patience = config.earlyStoppingPatience;
  let monitor = config.earlyStoppingMonitor || 'val_loss';
  if (monitor.startsWith('val_') && !validation) monitor = monitor.slice(4); // no validation split: watch training
  monitor = normaliseMetricKey(monitor);
  const upward = improvesUpward(monitor);
  let best: number | null = null;
  let wait = 0;
  let stoppedEarly = false;
  // Restore-best: a copy of the weights at the best epoch so far (Keras restore_best_weights).
  const restoreBest = patience > 0 && config.restoreBestWeights === true;
  let bestWeights: TF.Tensor[] | null = null;
  let bestEpoch: number | null = null;
  const keepBest = (epoch: number) => {
    if (bestWeights) tf.dispose(bestWeights);
    bestWeights = model.getWeights().map((w) => w.clone());
    bestEpoch = epoch;
  };

  // Learning-rate schedule: the rate for each epoch is set before it runs and logged as `lr`.
  const lrSpec = scheduleSpec(config);
  const baseRate = model.optimizer ? optimizerRate(model.optimizer) : null;
  const scheduling = baseRate !== null && (lrSpec.schedule !== 'none' || lrSpec.warmupEpochs > 0);
  let plateau: PlateauState | null = scheduling && lrSpec.schedule === 'plateau' ? { best: null, wait: 0, lr: baseRate } : null;
  const plateauMonitor = validation ? 'val_loss' : 'loss';

  // Class weights: from the training rows' labels, so validation and test stay unseen.
  const classWeight = config.classWeight === 'balanced' && input.task === 'classification' && built.target === 'label'
    ? balancedClassWeights(data.y, trainSplit.rows, numClasses)
    : undefined;

  let initialEpoch = 0;
  if (input.resume) {
    const state = await readCheckpoint(model, input.resume.checkpointDir);
    random.restore(state.rng);
    initialEpoch = state.epoch;
    best = state.earlyStopping.best;
    wait = state.earlyStopping.wait;
    if (plateau && state.lrPlateau) plateau = { ...state.lrPlateau };
    if (restoreBest && state.earlyStopping.bestEpoch) {
      bestWeights = readBestWeights(tf, model, input.resume.checkpointDir);
      bestEpoch = bestWeights ? state.earlyStopping.bestEpoch : null;
    }
  }

  // samples/s, memory and CPU of this host, once per epoch (system/*; not compared by replays).
  const system = new SystemSampler();

  let epochsRun = initialEpoch;
  let cancelled = false;
  let nan: { epoch: number; batch: number; value: number } | null = null;

  const fitOneEpoch = (xs: TF.Tensor, ys: TF.Tensor, epochIndex: number) => model.fit(xs, ys, {
    epochs: epochIndex + 1,
    initialEpoch: epochIndex,
    batchSize: config.batchSize,
    shuffle: false,
    verbose: 0,
    yieldEvery: 'never',
    validationData: validation ? [validation.x, validation.y] : undefined,
    classWeight,
    callbacks: {
      onBatchEnd: async (batch, logs) => {
        const epoch = epochsRun + 1;
        const step = (epoch - 1) * batches + batch + 1;
        const loss = logs?.loss ?? NaN;
        if (!Number.isFinite(loss)) {
          nan = { epoch, batch: batch + 1, value: loss };
          model.stopTraining = true;
          return;
        }
        for (const [key, value] of Object.entries(logs ?? {})) {
          if (key === 'batch' || key === 'size') continue;
          point(`batch/${normaliseMetricKey(key)}`, step, epoch, value);
        }
        if (gradNorm !== null) point('batch/grad_norm', step, epoch, gradNorm);
        lastProgress = { type: 'progress', epoch, epochs: config.epochs, batch: batch + 1, batches, loss };
        if (Date.now() - lastFlush >= flushInterval) flush();
        // Let IPC messages (cancel) in between batches.
        await nextMacrotask();
        if (input.cancelled()) {
          cancelled = true;
          model.stopTraining = true;
        }
      },
      onEpochEnd: async (epochIndex, logs) => {
        if (cancelled || nan) return; // a partial epoch has no epoch metrics
        const epoch = epochIndex + 1;
        epochsRun = epoch;
        for (const [key, value] of Object.entries(logs ?? {})) point(normaliseMetricKey(key), epoch, epoch, value);
        if (scheduling) point('lr', epoch, epoch, optimizerRate(model.optimizer)!);
        const sys = system.sample(trainSplit.rows.length);
        point('system/samples_per_sec', epoch, epoch, sys.samplesPerSec);
        point('system/rss_mib', epoch, epoch, sys.rssMiB);
        point('system/cpu_percent', epoch, epoch, sys.cpuPercent);
        flush();
        if (plateau) plateau = updatePlateau(lrSpec, plateau, logs?.[plateauMonitor], false);

        if (patience > 0) {
          const value = logs?.[monitor] ?? logs?.[monitor.replace('accuracy', 'acc')];
          if (value !== undefined && Number.isFinite(value)) {
            if (best === null || (upward ? value > best : value < best)) {
              best = value;
              wait = 0;
              if (restoreBest) keepBest(epoch);
            } else if (++wait >= patience) {
              stoppedEarly = true;
              model.stopTraining = true;
            }
          }
        }
        if (config.checkpointEvery > 0 && epoch % config.checkpointEvery === 0 && input.artifactsDir) {
          const rel = checkpointFolder(epoch);
          await writeCheckpoint(model, join(input.artifactsDir, rel), {
            epoch,
            seed: random.seed,
            rng: random.state(),
            earlyStopping: { best, wait, bestEpoch },
            ...(plateau ? { lrPlateau: plateau } : {}),
            createdAt: new Date().toISOString(),
          }, bestWeights);
          emit({ type: 'artifact', path: rel, kind: 'checkpoint' });
        }
      },
    },
  });

  // One fit() call per epoch, shuffled by us: fit's own shuffle permutes one index array in place
  // across epochs, state a checkpoint could not capture, so a resumed run would see other batches.
  for (let epochIndex = initialEpoch; epochIndex < config.epochs; epochIndex++) {
    if (scheduling) setOptimizerRate(model.optimizer, scheduledRate(lrSpec, baseRate, epochIndex + 1, plateau));
    const n = trainSplit.rows.length;
    const indices = config.shuffle ? Int32Array.from(shuffledIndices(n, random)) : null;
    const order = indices ? tf.tensor1d(indices, 'int32') : null;
    const augmented = augmentation ? augmentedEpoch(indices ?? Int32Array.from({ length: n }, (_, i) => i)) : null;
    const xs = augmented ? augmented.xs : order ? tf.gather(trainSplit.x, order) : trainSplit.x;
    const ys = augmented?.ys ?? (order ? tf.gather(trainSplit.y, order) : trainSplit.y);
    system.start();
    try {
      await fitOneEpoch(xs, ys, epochIndex);
    } finally {
      tf.dispose([order, xs !== trainSplit.x ? xs : null, ys !== trainSplit.y ? ys : null].filter((t): t is TF.Tensor => t !== null));
    }
    if (cancelled || nan || stoppedEarly) break;
  }
  flush();

  let restoredEpoch: number | null = null;
  const snapshot = bestWeights as TF.Tensor[] | null;
  if (snapshot) {
    // Test metrics and the saved model come from the best epoch, not the last one.
    if (!cancelled && !nan && bestEpoch !== null && bestEpoch !== epochsRun) {
      model.setWeights(snapshot);
      restoredEpoch = bestEpoch;
      emit({ type: 'metrics', points: [{ key: 'restored_epoch', step: epochsRun, epoch: epochsRun, value: bestEpoch, time: Date.now() }] });
    }
    tf.dispose(snapshot);
  }

  if (nan) {
    disposeSplits(splits);
    const { epoch, batch, value } = nan;
    throw new HostError('nan', `loss became ${Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'} at epoch ${epoch}, batch ${batch} (try a lower learning rate, gradient clipping, or check the data)`);
  }
  return { status: cancelled ? 'cancelled' : 'completed', epochsRun, stoppedEarly, restoredEpoch, form, splits };
}

export function disposeSplits(splits: TrainResult['splits']): void {
  for (const s of [splits.train, splits.validation, splits.test]) {
    if (s) {
      s.x.dispose();
      s.y.dispose();
    }
  }
}
