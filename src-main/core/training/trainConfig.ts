/**
 * Defaults and validation for a run's TrainConfig. Every field is recorded on the run,
 * so what a run did never depends on defaults that may change later.
 */
import { randomInt } from 'node:crypto';
import type { BackendName, TrainConfig } from '../domain';
import { inputError } from '../util/errors';
import { trainCraftParams, validateTrainCraft } from './trainCraftConfig';

export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adagrad', 'adadelta', 'rmsprop'] as const;
export const BACKENDS: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export const DEFAULT_TRAIN_CONFIG: Omit<TrainConfig, 'seed'> = {
  epochs: 20,
  batchSize: 32,
  optimizer: null,
  learningRate: null,
  backend: null,
  earlyStoppingPatience: 0,
  earlyStoppingMonitor: 'val_loss',
  restoreBestWeights: false,
  clipNorm: null,
  clipValue: null,
  checkpointEvery: 0,
  shuffle: true,
  params: {},
};

function positiveInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw inputError(`${field} must be a positive whole number, got ${JSON.stringify(value)}`, { field });
  }
  return value;
}

function positiveOrNull(value: unknown, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw inputError(`${field} must be a positive number, got ${JSON.stringify(value)}`, { field });
  }
  return value;
}

/** Fills defaults and rejects nonsense with an error naming the field. A missing seed is drawn and recorded. */
export function resolveTrainConfig(partial: Partial<TrainConfig> = {}): TrainConfig {
  const c = { ...DEFAULT_TRAIN_CONFIG, ...stripUndefined(partial) } as TrainConfig;
  const seed = partial.seed ?? randomInt(0, 2 ** 31 - 1);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw inputError(`seed must be a whole number between 0 and 4294967295, got ${seed}`, { field: 'seed' });
  }
  if (c.optimizer !== null && !(OPTIMIZERS as readonly string[]).includes(c.optimizer)) {
    throw inputError(`unknown optimizer "${c.optimizer}"; choose one of ${OPTIMIZERS.join(', ')}`, { field: 'optimizer' });
  }
  if (c.backend !== null && !BACKENDS.includes(c.backend)) {
    throw inputError(`unknown backend "${c.backend}"; choose one of ${BACKENDS.join(', ')}`, { field: 'backend' });
  }
  const patience = c.earlyStoppingPatience;
  if (!Number.isInteger(patience) || patience < 0) {
    throw inputError(`earlyStoppingPatience must be 0 or more, got ${patience}`, { field: 'earlyStoppingPatience' });
  }
  const checkpointEvery = c.checkpointEvery;
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 0) {
    throw inputError(`checkpointEvery must be 0 or more, got ${checkpointEvery}`, { field: 'checkpointEvery' });
  }
  validateTrainCraft(c);
  if (typeof c.restoreBestWeights !== 'boolean') {
    throw inputError(`restoreBestWeights must be true or false, got ${JSON.stringify(c.restoreBestWeights)}`, { field: 'restoreBestWeights' });
  }
  return {
    ...c,
    seed,
    epochs: positiveInt(c.epochs, 'epochs'),
    batchSize: positiveInt(c.batchSize, 'batchSize'),
    learningRate: positiveOrNull(c.learningRate, 'learningRate'),
    clipNorm: positiveOrNull(c.clipNorm, 'clipNorm'),
    clipValue: positiveOrNull(c.clipValue, 'clipValue'),
    params: { ...c.params },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The params recorded for a run: the config's knobs plus the model's own params, as strings. */
export function configAsParams(config: TrainConfig): Record<string, string> {
  const out: Record<string, string> = {
    epochs: String(config.epochs),
    batch_size: String(config.batchSize),
    seed: String(config.seed),
    shuffle: String(config.shuffle),
  };
  if (config.optimizer) out.optimizer = config.optimizer;
  if (config.learningRate !== null) out.learning_rate = String(config.learningRate);
  if (config.backend) out.backend_requested = config.backend;
  if (config.earlyStoppingPatience) {
    out.early_stopping_patience = String(config.earlyStoppingPatience);
    out.early_stopping_monitor = config.earlyStoppingMonitor;
    out.restore_best_weights = String(config.restoreBestWeights === true);
  }
  if (config.clipNorm !== null) out.clip_norm = String(config.clipNorm);
  if (config.clipValue !== null) out.clip_value = String(config.clipValue);
  if (config.checkpointEvery) out.checkpoint_every = String(config.checkpointEvery);
  Object.assign(out, trainCraftParams(config));
  for (const [k, v] of Object.entries(config.params)) out[k] = String(v);
  return out;
}
