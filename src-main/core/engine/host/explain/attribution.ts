/**
 * Gradient and perturbation attributions for one input, on a trained LayersModel: vanilla saliency,
 * SmoothGrad, integrated gradients, Grad-CAM and occlusion. Every function takes the input in the
 * model's own input shape ([1, ...]) and the class whose score is explained, and returns plain
 * arrays the same size as the input (Grad-CAM: one value per pixel). Randomness (SmoothGrad's
 * noise) comes from the generator passed in, so the run's seed decides it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../util/random';

/** Score of `cls` for each row of the model's output: the class probability, or the value (regression). */
export function classScore(output: tf.Tensor, cls: number): tf.Tensor1D {
  const width = output.shape.slice(1).reduce((a, b) => a * b, 1);
  const flat = output.reshape([output.shape[0], width]);
  if (width === 1) {
    const col = flat.reshape([output.shape[0]]) as tf.Tensor1D;
    // A single sigmoid unit gives P(class 1); class 0's score is its complement.
    return cls === 0 && width === 1 ? (tf.sub(1, col) as tf.Tensor1D) : col;
  }
  return flat.slice([0, cls], [output.shape[0], 1]).reshape([output.shape[0]]) as tf.Tensor1D;
}

export function forward(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  return model.apply(x, { training: false }) as tf.Tensor;
}

/** Scores f(x) of `cls` for a batch, as numbers. */
export function scores(model: tf.LayersModel, x: tf.Tensor, cls: number): Float32Array {
  return tf.tidy(() => classScore(forward(model, x), cls).dataSync() as Float32Array);
}

/** ∂score/∂x summed over a batch (rows are independent in inference, so each row gets its own gradient). */
function batchGradients(model: tf.LayersModel, x: tf.Tensor, cls: number): tf.Tensor {
  return tf.grad((input: tf.Tensor) => classScore(forward(model, input), cls).sum())(x);
}

/** Vanilla saliency: ∂score/∂x (signed; the heatmap takes |·|). */
export function saliency(model: tf.LayersModel, x: tf.Tensor, cls: number): Float32Array {
  return tf.tidy(() => batchGradients(model, x, cls).dataSync() as Float32Array);
}

function gaussian(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** SmoothGrad: mean |∂score/∂x| over `samples` copies of x with Gaussian noise of σ = noise × (max − min). */
export function smoothGrad(model: tf.LayersModel, x: tf.Tensor, cls: number, opts: { samples: number; noise: number; batchSize: number; rng: Rng }): Float32Array {
  const values = x.dataSync() as Float32Array;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const sigma = opts.noise * (hi - lo || 1);
  const size = values.length;
  const sum = new Float32Array(size);
  for (let start = 0; start < opts.samples; start += opts.batchSize) {
    const m = Math.min(opts.batchSize, opts.samples - start);
    const noisy = new Float32Array(m * size);
    for (let k = 0; k < noisy.length; k++) noisy[k] = values[k % size] + sigma * gaussian(opts.rng);
    const grads = tf.tidy(() => tf.abs(batchGradients(model, tf.tensor(noisy, [m, ...x.shape.slice(1)]), cls)).dataSync() as Float32Array);
    for (let k = 0; k < grads.length; k++) sum[k % size] += grads[k];
  }
  return sum.map((v) => v / opts.samples);
}

/** A box blur of each channel (radius r), the "blurred" IG baseline: it keeps colour, removes detail. */
export function blurred(values: Float32Array, shape: [number, number, number], radius: number): Float32Array {
  const [h, w, c] = shape;
  const out = new Float32Array(values.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        let n = 0;
        for (let dy = -radius; dy <= radius; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= h) continue;
          for (let dx = -radius; dx <= radius; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= w) continue;
            s += values[(yy * w + xx) * c + ch];
            n++;
          }
        }
        out[(y * w + x) * c + ch] = s / n;
      }
    }
  }
  return out;
}

export interface IntegratedGradients {
  attribution: Float32Array;
  /** Steps used: more than asked when the asked-for ones missed the tolerance. */
  steps: number;
  /** f(x) − f(baseline), and how far Σ attribution is from it (relative). */
  delta: number;
  completenessError: number;
}

/** Completeness tolerance: IG doubles its steps (up to MAX_IG_STEPS) until Σ attribution is this close. */
export const IG_TOLERANCE = 0.01;
export const MAX_IG_STEPS = 1024;

/**
 * Integrated gradients (Sundararajan et al. 2017): (x − x′) ⊙ mean of ∂f/∂x along the straight path
 * from the baseline x′ to x, by the midpoint rule over `steps` points, `batchSize` points per pass.
 * A path that crosses many ReLU kinks needs more points: the steps double until the attributions
 * sum to f(x) − f(x′) within IG_TOLERANCE (or MAX_IG_STEPS is reached; the error is reported).
 */
export function integratedGradients(
  model: tf.LayersModel,
  x: tf.Tensor,
  cls: number,
  baseline: Float32Array,
  opts: { steps: number; batchSize: number },
): IntegratedGradients {
  let steps = opts.steps;
  let ig = integrate(model, x, cls, baseline, steps, opts.batchSize);
  while (ig.completenessError > IG_TOLERANCE && steps < MAX_IG_STEPS) {
    steps *= 2;
    ig = integrate(model, x, cls, baseline, steps, opts.batchSize);
  }
  return ig;
}

function integrate(model: tf.LayersModel, x: tf.Tensor, cls: number, baseline: Float32Array, steps: number, batchSize: number): IntegratedGradients {
  const opts = { steps, batchSize };
  const values = x.dataSync() as Float32Array;
  const size = values.length;
  const diff = values.map((v, k) => v - baseline[k]);
  const gradSum = new Float64Array(size);
  for (let start = 0; start < opts.steps; start += opts.batchSize) {
    const m = Math.min(opts.batchSize, opts.steps - start);
    const path = new Float32Array(m * size);
    for (let i = 0; i < m; i++) {
      const alpha = (start + i + 0.5) / opts.steps;
      for (let k = 0; k < size; k++) path[i * size + k] = baseline[k] + alpha * diff[k];
    }
    const grads = tf.tidy(() => batchGradients(model, tf.tensor(path, [m, ...x.shape.slice(1)]), cls).dataSync() as Float32Array);
    for (let k = 0; k < grads.length; k++) gradSum[k % size] += grads[k];
  }
  const attribution = new Float32Array(size);
  let total = 0;
  for (let k = 0; k < size; k++) {
    attribution[k] = (diff[k] * gradSum[k]) / opts.steps;
    total += attribution[k];
  }
  const both = tf.tidy(() => scores(model, tf.concat([x, tf.tensor(baseline, x.shape)]), cls));
  const delta = both[0] - both[1];
  return { attribution, steps, delta, completenessError: Math.abs(total - delta) / Math.max(Math.abs(delta), 1e-6) };
}

const CONV = /^(Conv2D|SeparableConv2D|DepthwiseConv2D|Conv2DTranspose)$/;
/** Layers that keep a conv's spatial grid and come with it (normalisation, activation). */
const SAME_GRID = /^(BatchNormalization|Activation|ReLU|LeakyReLU|ELU|PReLU|ThresholdedReLU|Softmax)$/;

/**
 * Grad-CAM's default layer: the last convolution, followed past its normalisation and activation
 * (the map then shows what the conv block passes on); else the last layer with a 4-D output.
 */
export function lastConvLayer(model: tf.LayersModel): string | null {
  const layers = model.layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    if (!CONV.test(layers[i].getClassName())) continue;
    let j = i;
    while (j + 1 < layers.length && SAME_GRID.test(layers[j + 1].getClassName())) j++;
    return layers[j].name;
  }
  for (let i = layers.length - 1; i >= 0; i--) {
    const shape = layers[i].outputShape;
    if (Array.isArray(shape) && shape.length === 4 && typeof shape[0] !== 'object' && layers[i].getClassName() !== 'InputLayer') return layers[i].name;
  }
  return null;
}

/**
 * Grad-CAM (Selvaraju et al. 2017): weight each channel of a conv layer's output by the mean
 * gradient of the score over it, sum, keep the positive part, and resize to the input (bilinear).
 * The layers after the chosen one must form a chain (true of Sequential models and plain stacks).
 */
export function gradCam(model: tf.LayersModel, x: tf.Tensor, cls: number, layerName: string, size: [number, number]): Float32Array {
  const index = model.layers.findIndex((l) => l.name === layerName);
  if (index < 0) throw new Error(`no layer "${layerName}" in the model; layers: ${model.layers.map((l) => l.name).join(', ')}`);
  const shape = model.layers[index].outputShape;
  if (!Array.isArray(shape) || shape.length !== 4) throw new Error(`layer "${layerName}" has output shape ${JSON.stringify(shape)}; Grad-CAM needs a feature map [batch, height, width, channels]`);
  const tail = model.layers.slice(index + 1);
  for (const l of tail) {
    if (l.inboundNodes.length !== 1 || l.inboundNodes[0].inboundLayers.length !== 1) {
      throw new Error(`Grad-CAM follows the layers after "${layerName}" as a chain, but "${l.name}" has several inputs; choose a later layer`);
    }
  }
  return tf.tidy(() => {
    let features: tf.Tensor = x;
    for (const l of model.layers.slice(0, index + 1)) {
      if (l.getClassName() === 'InputLayer') continue;
      features = l.apply(features, { training: false }) as tf.Tensor;
    }
    const head = (a: tf.Tensor) => {
      let t = a;
      for (const l of tail) t = l.apply(t, { training: false }) as tf.Tensor;
      return classScore(t, cls).sum();
    };
    const grads = tf.grad(head)(features); // [1, h, w, k]
    const weights = grads.mean([1, 2], true); // [1, 1, 1, k]
    const cam = tf.relu(features.mul(weights).sum(3, true)); // [1, h, w, 1]
    return tf.image.resizeBilinear(cam as tf.Tensor4D, size, true).dataSync() as Float32Array;
  });
}

/**
 * Occlusion (Zeiler & Fergus 2014): slide a window of zeros over the image; each pixel gets the mean
 * drop in score over the windows that covered it.
 */
export function occlusion(
  model: tf.LayersModel,
  x: tf.Tensor,
  cls: number,
  image: [number, number, number],
  opts: { window: number; stride: number; batchSize: number },
): Float32Array {
  const [h, w, c] = image;
  const values = x.dataSync() as Float32Array;
  const base = scores(model, x, cls)[0];
  const origins: [number, number][] = [];
  const ys = positions(h, opts.window, opts.stride);
  const xs = positions(w, opts.window, opts.stride);
  for (const y of ys) for (const xx of xs) origins.push([y, xx]);
  const drop = new Float64Array(h * w);
  const hits = new Float64Array(h * w);
  for (let start = 0; start < origins.length; start += opts.batchSize) {
    const part = origins.slice(start, start + opts.batchSize);
    const batch = new Float32Array(part.length * values.length);
    part.forEach(([oy, ox], i) => {
      batch.set(values, i * values.length);
      for (let y = oy; y < Math.min(h, oy + opts.window); y++) {
        for (let xx = ox; xx < Math.min(w, ox + opts.window); xx++) {
          for (let ch = 0; ch < c; ch++) batch[i * values.length + (y * w + xx) * c + ch] = 0;
        }
      }
    });
    const s = tf.tidy(() => scores(model, tf.tensor(batch, [part.length, ...x.shape.slice(1)]), cls));
    part.forEach(([oy, ox], i) => {
      for (let y = oy; y < Math.min(h, oy + opts.window); y++) {
        for (let xx = ox; xx < Math.min(w, ox + opts.window); xx++) {
          drop[y * w + xx] += base - s[i];
          hits[y * w + xx] += 1;
        }
      }
    });
  }
  return Float32Array.from(drop, (d, k) => (hits[k] ? d / hits[k] : 0));
}

/** Window origins along one axis so the windows cover it end to end. */
function positions(length: number, window: number, stride: number): number[] {
  const out: number[] = [];
  for (let p = 0; p + window < length; p += stride) out.push(p);
  out.push(Math.max(0, length - window));
  return [...new Set(out)];
}
