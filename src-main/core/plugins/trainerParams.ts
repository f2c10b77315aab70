/**
 * Checks a run's `--param` values against its plugin trainer's declared tasks and parameters
 * (plugin API 1.1.0) before the run exists, so a bad value is a usage error (exit 2) naming the
 * parameter instead of a failed run. Declared defaults are filled in, so the run records every
 * parameter the trainer used. The checks are the SDK's own (`checkTrainerParams`).
 */
import type { Task } from '../domain';
import { LaminaError } from '../util/errors';
import { TrainerParamError, checkTrainerParams, type TrainerDeclaration } from '../../../plugins/sdk/src/params';
import type { ParamValue } from '../../../plugins/sdk/src/index';

export function checkRunTrainerParams(trainer: TrainerDeclaration, params: Record<string, ParamValue>, task: Task): Record<string, ParamValue> {
  try {
    return checkTrainerParams(trainer, params, task);
  } catch (e) {
    if (e instanceof TrainerParamError) throw new LaminaError('usage', e.message, { field: e.param === 'dataset' ? 'dataset' : `param.${e.param}` });
    throw e;
  }
}
