import * as tf from '@tensorflow/tfjs';

/** Run `fn` on a backend with fresh tensors made from plain arrays, and read the result back. */
export async function on(backend: 'cpu' | 'wasm', fn: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return data;
}
