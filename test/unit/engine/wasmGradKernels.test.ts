/**
 * The wasm backend's Conv2D and MaxPool input gradients, which Lamina replaces for speed
 * (wasmConvInputGrad.ts, wasmMaxPoolGrad.ts), against the cpu backend.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { chooseBackend } from '../../../src-main/core/engine/host/backends';
import { setNativeKernelsActive } from '../../../src-main/core/engine/host/nativeKernels';
import { conv2dInputGradByMatMul, wasmConvInputGradOverridden } from '../../../src-main/core/engine/host/wasmConvInputGrad';
import { wasmMaxPoolGradOverridden } from '../../../src-main/core/engine/host/wasmMaxPoolGrad';
import { createRng } from '../../../src-main/core/util/random';
import { on } from './helpers/onBackend';

function random(shape: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1);
}

/** Largest |a − b| relative to max(1, |b|). */
function worstDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

type Pad = 'same' | 'valid';

describe('wasm input gradients of Conv2D and MaxPool', () => {
  beforeAll(async () => {
    expect((await chooseBackend('wasm')).backend).toBe('wasm');
    // These tests are about the pure-wasm kernels: native kernels (nativeKernels.test.ts) stay off.
    setNativeKernelsActive(false);
  });

  it('are Lamina’s kernels on the wasm backend', () => {
    expect(wasmConvInputGradOverridden()).toBe(true);
    expect(wasmMaxPoolGradOverridden()).toBe(true);
  });

  const convCases: { x: number[]; f: number[]; strides: number | [number, number]; pad: Pad }[] = [
    { x: [8, 14, 14, 6], f: [5, 5, 6, 16], strides: 1, pad: 'valid' }, // LeNet-5 conv2
    { x: [3, 9, 9, 2], f: [3, 3, 2, 4], strides: 1, pad: 'same' },
    { x: [2, 11, 10, 3], f: [3, 3, 3, 5], strides: 2, pad: 'same' },
    { x: [2, 12, 12, 1], f: [4, 2, 1, 3], strides: [3, 2], pad: 'valid' },
    { x: [1, 5, 5, 4], f: [1, 1, 4, 7], strides: 1, pad: 'valid' },
  ];
  for (const [i, c] of convCases.entries()) {
    it(`Conv2DBackpropInput matches cpu (x ${c.x}, filter ${c.f}, strides ${String(c.strides)}, ${c.pad})`, async () => {
      const w = random(c.f, 10 + i);
      const x = random(c.x, 20 + i);
      const conv = (xs: tf.Tensor) => tf.conv2d(xs as tf.Tensor4D, tf.tensor4d(w, c.f as [number, number, number, number]), c.strides, c.pad);
      const outShape = tf.tidy(() => conv(tf.zeros(c.x)).shape);
      const dy = random(outShape, 30 + i);
      // Through tf.grad of conv2d, as training reaches it, with an upstream gradient dy in [-1, 1].
      const run = () => tf.grad((xs: tf.Tensor) => conv(xs).mul(tf.tensor(dy, outShape)).sum())(tf.tensor(x, c.x));
      // float32 sums (as XNNPACK and PyTorch) against cpu's float64: up to 400 terms in LeNet-5.
      expect(worstDiff(await on('wasm', run), await on('cpu', run))).toBeLessThan(1e-5);
    });
  }

  it('Conv2DBackpropInput gives the same bits in batch chunks as in one multiply, and run to run', async () => {
    await tf.setBackend('wasm');
    const shape = [5, 8, 8, 3];
    const f = [3, 3, 3, 4] as [number, number, number, number];
    const dy = tf.tensor4d(random([5, 8, 8, 4], 31), [5, 8, 8, 4]);
    const filter = tf.tensor4d(random(f, 32), f);
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', inputShape: shape };
    const noFallback: KernelFunc = () => {
      throw new Error('fallback used');
    };
    const call = (limit?: number) => {
      const kernel = conv2dInputGradByMatMul(noFallback, limit);
      const info = kernel({ inputs: { dy, filter } as unknown as tf.NamedTensorInfoMap, backend: tf.backend(), attrs: attrs as unknown as tf.NamedAttrMap }) as TensorInfo;
      const out = tf.engine().makeTensorFromTensorInfo(info);
      const data = out.dataSync() as Float32Array;
      out.dispose();
      return Buffer.from(data.buffer.slice(0));
    };
    const whole = call();
    // 64 rows × 27 taps per image: a limit of 2 images' worth makes chunks of 2, 2 and 1.
    expect(call(2 * 64 * 27).equals(whole)).toBe(true);
    expect(call(1).equals(whole)).toBe(true);
    expect(call().equals(whole)).toBe(true);
    tf.dispose([dy, filter]);
  });

  it('Conv2DBackpropInput leaves NCHW to the package kernel', async () => {
    const dy = random([1, 2, 4, 4], 41);
    const w = random([3, 3, 3, 2], 42);
    const run = () => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dy, [1, 2, 4, 4]), filter: tf.tensor(w, [3, 3, 3, 2]) }, {
      strides: [1, 1], pad: 'same', dataFormat: 'NCHW', inputShape: [1, 3, 4, 4],
    }) as tf.Tensor;
    const wasm = await on('wasm', run);
    expect(wasm.length).toBe(48);
    expect(wasm.some((v) => v !== 0)).toBe(true);
  });

  const poolCases: { x: number[]; size: number | [number, number]; strides: number | [number, number]; pad: Pad; overlap: boolean }[] = [
    { x: [4, 28, 28, 6], size: 2, strides: 2, pad: 'valid', overlap: false }, // LeNet-5 pool1
    { x: [3, 7, 7, 2], size: 2, strides: 2, pad: 'same', overlap: false }, // odd size: a padded last row and column
    { x: [2, 9, 8, 3], size: 3, strides: 1, pad: 'same', overlap: true },
    { x: [2, 10, 10, 1], size: [3, 2], strides: [2, 3], pad: 'valid', overlap: true },
  ];
  for (const [i, c] of poolCases.entries()) {
    it(`MaxPoolGrad matches cpu (x ${c.x}, pool ${String(c.size)}, strides ${String(c.strides)}, ${c.pad})`, async () => {
      const x = random(c.x, 50 + i);
      const pool = (xs: tf.Tensor) => tf.maxPool(xs as tf.Tensor4D, c.size, c.strides, c.pad);
      const outShape = tf.tidy(() => pool(tf.zeros(c.x)).shape);
      const dy = random(outShape, 60 + i);
      const run = () => tf.grad((xs: tf.Tensor) => pool(xs).mul(tf.tensor(dy, outShape)).sum())(tf.tensor(x, c.x));
      const wasm = await on('wasm', run);
      const cpu = await on('cpu', run);
      // Without overlap each dx is one dy value, exactly cpu's; with overlap, sums in another order.
      if (c.overlap) expect(worstDiff(wasm, cpu)).toBeLessThan(1e-6);
      else expect(Array.from(wasm)).toEqual(Array.from(cpu));
    });
  }

  it('MaxPoolGrad sends a tie to the first maximum in the window, as cpu does', async () => {
    const x = [1, 3, 3, 1, 2, 0, 3, 3]; // 2×4 image: windows [1,3 / 2,0] and [3,1 / 3,3]
    const dy = [10, 20];
    const run = () => tf.engine().runKernel('MaxPoolGrad', { dy: tf.tensor(dy, [1, 1, 2, 1]), input: tf.tensor(x, [1, 2, 4, 1]), output: tf.tensor([3, 3], [1, 1, 2, 1]) }, {
      filterSize: 2, strides: 2, pad: 'valid',
    }) as tf.Tensor;
    const wasm = await on('wasm', run);
    expect(Array.from(wasm)).toEqual([0, 10, 20, 0, 0, 0, 0, 0]);
    expect(Array.from(wasm)).toEqual(Array.from(await on('cpu', run)));
  });
});
