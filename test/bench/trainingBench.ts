/**
 * Training throughput (samples/s) of two reference models on every TensorFlow.js backend
 * present, measured in-process exactly the way the training host trains: the host's own
 * backend selection (wasm paths, Lamina's extra wasm kernels) and model.fit with Adam.
 * Synthetic data: the numbers measure compute, not learning.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../src-main/core/domain';
import { chooseBackend } from '../../src-main/core/engine/host/backends';
import { installSeededRandom } from '../../src-main/core/engine/host/determinism';

export interface TrainingBenchCase {
  model: 'mlp-784-256-10' | 'lenet5-28x28x1';
  batchSize: number;
  samples: number;
  epochs: number;
}

export interface TrainingBenchResult extends TrainingBenchCase {
  backend: string;
  samplesPerSec: number;
  ms: number;
}

export function mlp(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return m;
}

/** LeNet-5 for 28×28×1 (as in PyTorch's reference script: same layers, same parameter count). */
export function lenet5(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 120, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 84, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return m;
}

async function measure(c: TrainingBenchCase, backend: string): Promise<TrainingBenchResult> {
  const model = c.model === 'mlp-784-256-10' ? mlp() : lenet5();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const shape = c.model === 'mlp-784-256-10' ? [c.samples, 784] : [c.samples, 28, 28, 1];
  const x = tf.randomUniform(shape);
  const y = tf.oneHot(tf.randomUniform([c.samples], 0, 10, 'int32'), 10);
  // One warm-up epoch: kernel compilation, wasm memory growth, first allocations.
  await model.fit(x, y, { batchSize: c.batchSize, epochs: 1, verbose: 0 });
  const t0 = performance.now();
  await model.fit(x, y, { batchSize: c.batchSize, epochs: c.epochs, verbose: 0 });
  const ms = performance.now() - t0;
  tf.dispose([x, y]);
  model.dispose();
  return { ...c, backend, ms, samplesPerSec: (c.samples * c.epochs) / (ms / 1000) };
}

/** Backends this machine can run, best first, with the reason others are missing. */
export async function availableBackends(): Promise<{ present: BackendName[]; missing: string[] }> {
  const present: BackendName[] = [];
  const missing: string[] = [];
  for (const b of ['tensorflow', 'wasm', 'cpu'] as BackendName[]) {
    try {
      await chooseBackend(b);
      present.push(b);
    } catch (e) {
      missing.push(`${b}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { present, missing };
}

export async function benchTraining(cases: TrainingBenchCase[], backends: BackendName[]): Promise<TrainingBenchResult[]> {
  installSeededRandom(1);
  const results: TrainingBenchResult[] = [];
  for (const b of backends) {
    const { backend } = await chooseBackend(b);
    for (const c of cases) results.push(await measure(c, backend));
  }
  return results;
}
