/**
 * Validation and recorded params for the training-craft settings of a TrainConfig: learning-rate
 * schedules, class weights and data augmentation. All optional, so runs recorded before they existed read unchanged.
 */
import type { TrainConfig } from '../domain';
import { inputError } from '../util/errors';
import { LR_SCHEDULES } from '../engine/host/lrSchedule';
import { augmentationParams, validateAugmentation } from './augmentation';

export const CLASS_WEIGHTS = ['none', 'balanced'] as const;

function optionalNumber(c: TrainConfig, field: keyof TrainConfig, ok: (v: number) => boolean, what: string): void {
  const v = c[field];
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
    throw inputError(`${field} must be ${what}, got ${JSON.stringify(v)}`, { field });
  }
}

/** Throws an error naming the field for an unknown schedule, a bad factor or a bad class-weight mode. */
export function validateTrainCraft(c: TrainConfig): void {
  if (c.lrSchedule != null && !(LR_SCHEDULES as readonly string[]).includes(c.lrSchedule)) {
    throw inputError(`unknown lrSchedule "${c.lrSchedule}"; choose one of ${LR_SCHEDULES.join(', ')}`, { field: 'lrSchedule' });
  }
  optionalNumber(c, 'lrWarmupEpochs', (v) => Number.isInteger(v) && v >= 0, 'a whole number ≥ 0');
  optionalNumber(c, 'lrDecay', (v) => v > 0 && v <= 1, 'a factor in (0, 1]');
  optionalNumber(c, 'lrStepEpochs', (v) => Number.isInteger(v) && v >= 1, 'a whole number ≥ 1');
  optionalNumber(c, 'lrMin', (v) => v >= 0, 'a number ≥ 0');
  if (c.classWeight != null && !(CLASS_WEIGHTS as readonly string[]).includes(c.classWeight)) {
    throw inputError(`unknown classWeight "${c.classWeight}"; choose one of ${CLASS_WEIGHTS.join(', ')}`, { field: 'classWeight' });
  }
  validateAugmentation(c.augmentation);
}

/** The craft settings a run used, as params (only those that are on). */
export function trainCraftParams(c: TrainConfig): Record<string, string> {
  const out: Record<string, string> = {};
  if (c.lrSchedule && c.lrSchedule !== 'none') {
    out.lr_schedule = c.lrSchedule;
    if (c.lrDecay != null) out.lr_decay = String(c.lrDecay);
    if (c.lrStepEpochs != null) out.lr_step_epochs = String(c.lrStepEpochs);
    if (c.lrMin != null) out.lr_min = String(c.lrMin);
  }
  if (c.lrWarmupEpochs) out.lr_warmup_epochs = String(c.lrWarmupEpochs);
  if (c.classWeight && c.classWeight !== 'none') out.class_weight = c.classWeight;
  Object.assign(out, augmentationParams(c.augmentation));
  return out;
}
