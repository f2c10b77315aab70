/**
 * Turn a split of a dataset into the tensors model.fit wants: features reshaped to the model's
 * input, and targets in the form the model's output implies — one-hot rows for a softmax layer,
 * [n, 1] of 0/1 for a single sigmoid unit, class indices for sparse cross-entropy, raw values for
 * regression, and the features themselves for an autoencoder (meta.target = 'input').
 */
import type * as TF from '@tensorflow/tfjs';
import type { Task } from '../../domain';
import { gatherFeatures, gatherTargets, type DatasetTensors } from './datasetTensors';
import { HostError } from './hostError';

type Tf = typeof TF;

export type LabelForm = 'onehot' | 'binary' | 'sparse' | 'value' | 'input';

const concrete = (shape: readonly (number | null)[]) => shape.slice(1).map((d) => d ?? 1);

export function labelForm(model: TF.LayersModel, task: Task, target: 'label' | 'input'): LabelForm {
  if (target === 'input') return 'input';
  if (task === 'regression') return 'value';
  const units = concrete(model.outputs[0].shape).reduce((a, b) => a * b, 1);
  if (units === 1) return 'binary';
  const loss = typeof model.loss === 'string' ? model.loss : Array.isArray(model.loss) ? String(model.loss[0]) : '';
  return /sparseCategoricalCrossentropy/i.test(loss) ? 'sparse' : 'onehot';
}

export interface SplitTensors {
  rows: number[];
  x: TF.Tensor;
  y: TF.Tensor;
  /** Targets as plain numbers: class indices or values (for evaluation). */
  targets: Float32Array;
}

export function splitTensors(
  tf: Tf,
  model: TF.LayersModel,
  data: DatasetTensors,
  rows: number[],
  form: LabelForm,
  numClasses: number,
): SplitTensors {
  const features = gatherFeatures(data, rows);
  const targets = gatherTargets(data, rows);
  const x = tf.tensor(features, [rows.length, ...concrete(model.inputs[0].shape)]);
  if (form === 'onehot' || form === 'binary' || form === 'sparse') {
    for (let i = 0; i < targets.length; i++) {
      const k = targets[i];
      if (!Number.isInteger(k) || k < 0 || k >= numClasses) {
        x.dispose();
        throw new HostError('data', `row ${rows[i] + 1}: class index ${k} is outside 0..${numClasses - 1}`);
      }
    }
  }
  let y: TF.Tensor;
  switch (form) {
    case 'input':
      y = tf.tensor(features, [rows.length, ...concrete(model.outputs[0].shape)]);
      break;
    case 'onehot': {
      const hot = new Float32Array(rows.length * numClasses);
      targets.forEach((k, i) => (hot[i * numClasses + k] = 1));
      y = tf.tensor2d(hot, [rows.length, numClasses]);
      break;
    }
    default:
      y = tf.tensor2d(targets, [rows.length, 1]);
  }
  return { rows, x, y, targets };
}
