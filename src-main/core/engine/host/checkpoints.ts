/**
 * A checkpoint is a folder <artifactsDir>/checkpoints/epoch-NNNN/ holding everything needed to
 * continue bit-for-bit: the model (TF.js format), the optimizer's slots, the random generator's
 * state and the early-stopping state, taken at the end of epoch NNNN.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { RngState } from './determinism';
import { restoreModelWeights, restoreOptimizerState, saveModel, saveOptimizerState } from './modelIo';
import { HostError, errorMessage } from './hostError';

export const STATE_JSON = 'state.json';

export interface CheckpointState {
  /** Epochs completed (1-based count). */
  epoch: number;
  seed: number;
  rng: RngState;
  earlyStopping: { best: number | null; wait: number };
  createdAt: string;
}

export const checkpointFolder = (epoch: number) => `checkpoints/epoch-${String(epoch).padStart(4, '0')}`;

export async function writeCheckpoint(model: TF.LayersModel, dir: string, state: CheckpointState): Promise<void> {
  await saveModel(model, dir);
  if (model.optimizer) await saveOptimizerState(model.optimizer, dir);
  writeFileSync(join(dir, STATE_JSON), JSON.stringify(state, null, 2));
}

/** Load a checkpoint into a freshly built model (same source); returns its state. */
export async function readCheckpoint(model: TF.LayersModel, dir: string): Promise<CheckpointState> {
  const stateFile = join(dir, STATE_JSON);
  if (!existsSync(stateFile)) throw new HostError('data', `not a checkpoint folder (no ${STATE_JSON}): ${dir}`);
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as CheckpointState;
    restoreModelWeights(model, dir);
    if (model.optimizer) await restoreOptimizerState(model.optimizer, dir);
    return state;
  } catch (err) {
    if (err instanceof HostError) throw err;
    throw new HostError('data', `cannot resume from ${dir}: ${errorMessage(err)}`, { cause: err });
  }
}
