/**
 * Learning-rate schedules, applied once per epoch (as Keras's LearningRateScheduler and
 * ReduceLROnPlateau): step decay, exponential decay, cosine annealing, reduce-on-plateau, each with
 * an optional linear warm-up. Pure arithmetic on the epoch number and the monitored value, so a
 * replay sets exactly the same rates; the plateau state is checkpointed for resumed runs.
 */
import type * as TF from '@tensorflow/tfjs';
import type { TrainConfig } from '../../domain';

export const LR_SCHEDULES = ['none', 'step', 'exponential', 'cosine', 'plateau'] as const;
export type LrScheduleName = (typeof LR_SCHEDULES)[number];

/** Defaults per schedule: the factor each decay multiplies by, and the epochs between steps / plateau patience. */
export const LR_DEFAULTS = { step: { decay: 0.5, every: 10 }, exponential: { decay: 0.95 }, plateau: { decay: 0.5, every: 5 } } as const;

export interface LrScheduleSpec {
  schedule: LrScheduleName;
  warmupEpochs: number;
  decay: number;
  every: number;
  min: number;
  totalEpochs: number;
}

export interface PlateauState { best: number | null; wait: number; lr: number }

export function scheduleSpec(config: TrainConfig): LrScheduleSpec {
  const schedule = (config.lrSchedule ?? 'none') as LrScheduleName;
  const d = (LR_DEFAULTS as Record<string, { decay: number; every?: number }>)[schedule];
  return {
    schedule,
    warmupEpochs: config.lrWarmupEpochs ?? 0,
    decay: config.lrDecay ?? d?.decay ?? 1,
    every: config.lrStepEpochs ?? d?.every ?? 10,
    min: config.lrMin ?? 0,
    totalEpochs: config.epochs,
  };
}

/** The rate for `epoch` (1-based) from the base rate; plateau rates come from its state instead. */
export function scheduledRate(spec: LrScheduleSpec, base: number, epoch: number, plateau: PlateauState | null): number {
  const w = spec.warmupEpochs;
  if (w > 0 && epoch <= w) return (base * epoch) / w; // linear warm-up to the base rate
  const t = epoch - 1 - w; // epochs since warm-up ended
  let lr: number;
  switch (spec.schedule) {
    case 'step': lr = base * spec.decay ** Math.floor(t / spec.every); break;
    case 'exponential': lr = base * spec.decay ** t; break;
    case 'cosine': {
      const span = Math.max(1, spec.totalEpochs - w);
      lr = spec.min + (base - spec.min) * 0.5 * (1 + Math.cos((Math.PI * t) / span));
      break;
    }
    case 'plateau': lr = plateau?.lr ?? base; break;
    default: lr = base;
  }
  return Math.max(spec.min, lr);
}

/** Reduce-on-plateau bookkeeping after an epoch; returns the state for the next epoch. */
export function updatePlateau(spec: LrScheduleSpec, state: PlateauState, value: number | undefined, upward: boolean): PlateauState {
  if (value === undefined || !Number.isFinite(value)) return state;
  if (state.best === null || (upward ? value > state.best : value < state.best)) return { best: value, wait: 0, lr: state.lr };
  const wait = state.wait + 1;
  if (wait >= spec.every) return { best: state.best, wait: 0, lr: Math.max(spec.min, state.lr * spec.decay) };
  return { ...state, wait };
}

/** The rate an optimizer was built with. */
export function optimizerRate(optimizer: TF.Optimizer): number | null {
  const lr = (optimizer as unknown as { learningRate?: unknown }).learningRate;
  return typeof lr === 'number' ? lr : null;
}

/** Sets an optimizer's rate (SGD and momentum keep it in a scalar tensor too: setLearningRate updates both). */
export function setOptimizerRate(optimizer: TF.Optimizer, lr: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}
