/**
 * A trial's parameters → the TrainRequest of its run. Names like `lamina train`'s options set the
 * TrainConfig (learning_rate, batch_size, epochs, optimizer, seed, backend, early_stopping_patience, …);
 * any other name goes to the model / trainer as a `--param`.
 */
import type { TrainConfig } from '../domain';
import type { TrainRequest } from '../service';
import type { SweepSpec } from './spec';
import type { Params } from './sampling';
import { inputError } from '../util/errors';

type ConfigKey = keyof TrainConfig;

/** Sweep parameter name → TrainConfig field (snake_case as W&B users write them, and the CLI's flag names). */
export const TRAIN_OPTION_PARAMS: Record<string, ConfigKey> = {
  learning_rate: 'learningRate',
  lr: 'learningRate',
  batch_size: 'batchSize',
  epochs: 'epochs',
  optimizer: 'optimizer',
  seed: 'seed',
  backend: 'backend',
  early_stopping: 'earlyStoppingPatience',
  early_stopping_patience: 'earlyStoppingPatience',
  early_stopping_monitor: 'earlyStoppingMonitor',
  restore_best: 'restoreBestWeights',
  restore_best_weights: 'restoreBestWeights',
  lr_schedule: 'lrSchedule',
  lr_warmup: 'lrWarmupEpochs',
  lr_warmup_epochs: 'lrWarmupEpochs',
  lr_decay: 'lrDecay',
  lr_step: 'lrStepEpochs',
  lr_step_epochs: 'lrStepEpochs',
  lr_min: 'lrMin',
  class_weight: 'classWeight',
  clip_norm: 'clipNorm',
  clip_value: 'clipValue',
  checkpoint_every: 'checkpointEvery',
  shuffle: 'shuffle',
};

const NUMERIC: ConfigKey[] = ['learningRate', 'batchSize', 'epochs', 'seed', 'earlyStoppingPatience', 'lrWarmupEpochs', 'lrDecay', 'lrStepEpochs', 'lrMin', 'clipNorm', 'clipValue', 'checkpointEvery'];

export interface ResolvedSweepModel {
  /** What the core takes: template:ID, a saved model's name, or source text. */
  model: string;
  modelName?: string;
}

export function trialRequest(
  spec: SweepSpec,
  model: ResolvedSweepModel | null,
  params: Params,
  ctx: { parentRunId: string; sweepId: string; idx: number; experiment: string },
): TrainRequest & { parentRunId: string } {
  const config: Partial<TrainConfig> & { params: Record<string, string | number | boolean> } = { seed: spec.seed, params: {} };
  for (const [name, value] of Object.entries(params)) {
    const key = TRAIN_OPTION_PARAMS[name];
    if (!key) {
      config.params[name] = value;
      continue;
    }
    if (NUMERIC.includes(key) && typeof value !== 'number') {
      throw inputError(`sweep parameter "${name}" sets ${key}, which needs a number; got ${JSON.stringify(value)}`);
    }
    if ((key === 'restoreBestWeights' || key === 'shuffle') && typeof value !== 'boolean') {
      throw inputError(`sweep parameter "${name}" needs true or false; got ${JSON.stringify(value)}`);
    }
    (config as Record<string, unknown>)[key] = value;
  }
  if (spec.trainer) config.trainer = spec.trainer;
  return {
    dataset: spec.dataset,
    model: model?.model ?? '',
    ...(model?.modelName ? { modelName: model.modelName } : {}),
    experiment: ctx.experiment,
    config,
    tags: { sweep: ctx.sweepId, sweep_trial: String(ctx.idx) },
    parentRunId: ctx.parentRunId,
  };
}
