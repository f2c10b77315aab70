/**
 * A checkpoint is a folder <artifactsDir>/checkpoints/epoch-NNNN/ holding everything needed to
 * continue bit-for-bit: the model (TF.js format), the optimizer's slots, the random generator's
 * state and the early-stopping state, taken at the end of epoch NNNN.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { RngState } from './determinism';
import { restoreModelWeights, restoreOptimizerState, saveModel, saveOptimizerState } from './modelIo';
import { HostError, errorMessage } from './hostError';
import { writeFileAtomicSync } from '../../util/atomicWrite';

export const STATE_JSON = 'state.json';
/** Restore-best's copy of the best epoch's weights: every weight's float32 values, in model.getWeights() order. */
export const BEST_WEIGHTS_BIN = 'best-weights.bin';

export interface CheckpointState {
  /** Epochs completed (1-based count). */
  epoch: number;
  seed: number;
  rng: RngState;
  /** bestEpoch: the epoch whose weights restore-best holds (in best-weights.bin); absent on older checkpoints. */
  earlyStopping: { best: number | null; wait: number; bestEpoch?: number | null };
  /** Reduce-on-plateau state of the learning-rate schedule, when it is on. */
  lrPlateau?: { best: number | null; wait: number; lr: number };
  createdAt: string;
}

export const checkpointFolder = (epoch: number) => `checkpoints/epoch-${String(epoch).padStart(4, '0')}`;

export async function writeCheckpoint(model: TF.LayersModel, dir: string, state: CheckpointState, bestWeights?: TF.Tensor[] | null): Promise<void> {
  await saveModel(model, dir);
  if (model.optimizer) await saveOptimizerState(model.optimizer, dir);
  if (bestWeights) {
    const parts = bestWeights.map((w) => Buffer.from((w.dataSync() as Float32Array).slice().buffer));
    writeFileAtomicSync(join(dir, BEST_WEIGHTS_BIN), Buffer.concat(parts));
  }
  writeFileAtomicSync(join(dir, STATE_JSON), JSON.stringify(state, null, 2));
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

/** The best epoch's weights a checkpoint kept for restore-best, shaped like the model's; null when it kept none. */
export function readBestWeights(tf: typeof TF, model: TF.LayersModel, dir: string): TF.Tensor[] | null {
  const file = join(dir, BEST_WEIGHTS_BIN);
  if (!existsSync(file)) return null;
  const buf = readFileSync(file);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  let offset = 0;
  const out = model.getWeights().map((w) => {
    const t = tf.tensor(all.subarray(offset, offset + w.size), w.shape, 'float32');
    offset += w.size;
    return t;
  });
  if (offset !== all.length) {
    tf.dispose(out);
    throw new HostError('data', `cannot resume from ${dir}: ${BEST_WEIGHTS_BIN} does not fit the model`);
  }
  return out;
}
