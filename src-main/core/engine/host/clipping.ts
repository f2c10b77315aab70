/**
 * Gradient clipping, applied between the gradient computation and the update by wrapping the
 * optimizer's applyGradients (model.fit calls optimizer.minimize, which calls it). By value clamps
 * each element to [−v, v]; by global norm rescales all gradients together when their joint L2
 * norm exceeds the limit (direction kept), as Keras's `global_clipnorm` does.
 */
import type * as TF from '@tensorflow/tfjs';

type Tf = typeof TF;
type Grads = TF.NamedTensorMap | { name: string; tensor: TF.Tensor }[];

export interface ClipOptions {
  clipNorm: number | null;
  clipValue: number | null;
  /** Called with the global norm before clipping (only when clipping by norm). */
  onNorm?: (norm: number) => void;
}

export function installGradientClipping(tf: Tf, optimizer: TF.Optimizer, options: ClipOptions): void {
  const { clipNorm, clipValue } = options;
  if (clipNorm === null && clipValue === null) return;
  if (clipNorm !== null && !(clipNorm > 0)) throw new Error(`clipNorm must be positive (got ${clipNorm})`);
  if (clipValue !== null && !(clipValue > 0)) throw new Error(`clipValue must be positive (got ${clipValue})`);
  const original = optimizer.applyGradients.bind(optimizer);
  optimizer.applyGradients = (grads: Grads) => {
    const entries: [string, TF.Tensor][] = Array.isArray(grads)
      ? grads.map((g) => [g.name, g.tensor])
      : Object.entries(grads);
    let norm = NaN;
    const clipped = tf.tidy(() => {
      let tensors = entries.map(([, t]) => t);
      if (clipValue !== null) tensors = tensors.map((t) => tf.clipByValue(t, -clipValue, clipValue));
      if (clipNorm !== null) {
        const global = tf.sqrt(tf.addN(tensors.map((t) => tf.sum(tf.square(t)))));
        norm = global.dataSync()[0];
        // scale = clipNorm / max(norm, clipNorm): 1 when within the limit.
        const scale = tf.div(clipNorm, tf.maximum(global, clipNorm));
        tensors = tensors.map((t) => tf.mul(t, scale));
      }
      return tensors;
    });
    if (clipNorm !== null) options.onNorm?.(norm);
    try {
      original(Array.isArray(grads) ? entries.map(([name], i) => ({ name, tensor: clipped[i] })) : Object.fromEntries(entries.map(([name], i) => [name, clipped[i]])));
    } finally {
      tf.dispose(clipped);
    }
  };
}
