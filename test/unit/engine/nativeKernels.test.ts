/**
 * Native kernels (src-main/native, C + OpenBLAS) against the wasm kernels they replace, kernel by
 * kernel on random shapes (transposes, batch broadcasting, strides, 'same' / 'valid' padding), with
 * the call counters proving the native path ran; Adam's fused update bit for bit against TF.js's
 * element-wise ops; and the fallback reasons when the addon is disabled or missing.
 * Where the addon is not built the comparisons are skipped, saying so — except under CI, where
 * .ci/run installs libopenblas-dev and `npm ci` builds it, so a missing addon fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../../src-main/core/engine/host/backends';
import { coreTypeForFlags, libraryName, loadNativeAddon, nativeDisabledByEnv } from '../../../src-main/core/engine/host/nativeAddon';
import {
  nativeKernelCounts,
  nativeKernelsActive,
  resetNativeKernelCounts,
  setNativeKernelsActive,
} from '../../../src-main/core/engine/host/nativeKernels';
import { createRng } from '../../../src-main/core/util/random';

const load = loadNativeAddon({});

describe('native kernel addon: loading and fallback reasons', () => {
  it('is disabled by LAMINA_NATIVE_KERNELS=0 and says so', () => {
    expect(nativeDisabledByEnv({ LAMINA_NATIVE_KERNELS: '0' })).toBe(true);
    expect(nativeDisabledByEnv({ LAMINA_NATIVE_KERNELS: 'off' })).toBe(true);
    expect(nativeDisabledByEnv({ LAMINA_NATIVE_KERNELS: '1' })).toBe(false);
    expect(nativeDisabledByEnv({})).toBe(false);
    expect(loadNativeAddon({ LAMINA_NATIVE_KERNELS: '0' })).toEqual({ ok: false, reason: 'disabled by LAMINA_NATIVE_KERNELS=0' });
  });

  it('names the library and core, and picks the OpenBLAS core from CPU flags', () => {
    expect(libraryName('OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64')).toBe('OpenBLAS 0.3.21 SkylakeX');
    expect(coreTypeForFlags('fpu sse2 avx avx2 fma avx512f avx512dq avx512bw avx512vl')).toBe('SkylakeX');
    expect(coreTypeForFlags('fpu sse2 avx avx2 fma')).toBe('Haswell');
    expect(coreTypeForFlags('fpu sse2 sse3')).toBeNull();
  });

  it('is built where CI installs the toolchain and OpenBLAS', () => {
    if (!load.ok) {
      console.warn(`native kernels not tested: ${load.reason}`);
      expect(process.env.CI, `native kernels unavailable under CI: ${load.reason}`).toBeFalsy();
      return;
    }
    expect(load.library).toMatch(/^OpenBLAS \d+\.\d+/);
  });
});

function random(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.next() * 2 - 1;
  return tf.tensor(values, shape);
}

/** Run f with native kernels off, then on; returns both results and how often `kernel` ran natively. */
function both(kernel: string, f: () => tf.Tensor): { wasm: Float32Array; native: Float32Array; shape: number[]; calls: number } {
  setNativeKernelsActive(false);
  const a = f();
  setNativeKernelsActive(true);
  resetNativeKernelCounts();
  const b = f();
  const calls = nativeKernelCounts()[kernel] ?? 0;
  expect(b.shape).toEqual(a.shape);
  const out = { wasm: a.dataSync() as Float32Array, native: b.dataSync() as Float32Array, shape: a.shape, calls };
  tf.dispose([a, b]);
  return out;
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
  return worst;
}

describe.skipIf(!load.ok)('native kernels match the wasm kernels they replace', () => {
  beforeAll(async () => {
    const choice = await chooseBackend('wasm');
    expect(choice.reason).toMatch(/wasm \+ native kernels \(OpenBLAS [\d.]+ \S+, 1 thread\)/);
    expect(nativeKernelsActive()).toBe(true);
  });
  afterAll(() => setNativeKernelsActive(true));

  const matMuls = [
    { a: [7, 5], b: [5, 3], tA: false, tB: false },
    { a: [5, 7], b: [5, 3], tA: true, tB: false },
    { a: [7, 5], b: [3, 5], tA: false, tB: true },
    { a: [5, 7], b: [3, 5], tA: true, tB: true },
    { a: [4, 6, 9], b: [4, 9, 2], tA: false, tB: false },
    { a: [3, 9, 6], b: [9, 2], tA: true, tB: false }, // b broadcast over a's batch
    { a: [6, 9], b: [2, 4, 9], tA: false, tB: true }, // a broadcast over b's batch
    { a: [128, 784], b: [128, 256], tA: true, tB: false }, // an MLP's dW = xᵀ·dy
  ];
  for (const [i, c] of matMuls.entries()) {
    it(`BatchMatMul ${JSON.stringify(c)}`, () => {
      const a = random(c.a, 1 + i);
      const b = random(c.b, 100 + i);
      const r = both('BatchMatMul', () => tf.matMul(a, b, c.tA, c.tB));
      expect(r.calls).toBe(1);
      expect(maxRelDiff(r.wasm, r.native)).toBeLessThan(1e-5);
      tf.dispose([a, b]);
    });
  }

  it('_FusedMatMul with bias and relu (a dense layer)', () => {
    const a = random([16, 30], 7);
    const b = random([30, 12], 8);
    const bias = random([12], 9);
    for (const activation of ['relu', 'linear'] as const) {
      const r = both('_FusedMatMul', () => tf.fused.matMul({ a, b, bias, activation }));
      expect(r.calls).toBe(1);
      expect(maxRelDiff(r.wasm, r.native)).toBeLessThan(1e-5);
    }
    // An activation the native kernel lacks falls back to the package's kernel.
    const r = both('_FusedMatMul', () => tf.fused.matMul({ a, b, bias, activation: 'elu' }));
    expect(r.calls).toBe(0);
    expect(maxRelDiff(r.wasm, r.native)).toBe(0);
    tf.dispose([a, b, bias]);
  });

  const convs = [
    { x: [2, 9, 9, 3], f: [3, 3, 3, 32], strides: 1, pad: 'same' as const },
    { x: [2, 10, 8, 4], f: [5, 5, 4, 40], strides: 2, pad: 'valid' as const },
    { x: [3, 11, 10, 2], f: [3, 2, 2, 33], strides: [2, 3] as [number, number], pad: 'same' as const },
    { x: [2, 6, 6, 8], f: [1, 1, 8, 32], strides: 1, pad: 'valid' as const }, // pointwise: no im2col
    { x: [2, 7, 7, 1], f: [5, 5, 1, 6], strides: 1, pad: 'same' as const }, // few channels: forward stays on XNNPACK
  ];
  for (const [i, c] of convs.entries()) {
    const label = `${c.pad}, strides ${String(c.strides)}, filter ${c.f.join('×')}`;
    it(`Conv2D and FusedConv2D (${label})`, () => {
      const x = random(c.x, 20 + i) as tf.Tensor4D;
      const w = random(c.f, 40 + i) as tf.Tensor4D;
      const bias = random([c.f[3]], 60 + i);
      const nativeForward = c.f[3] >= 32;
      const r = both('Conv2D', () => tf.conv2d(x, w, c.strides, c.pad));
      expect(r.calls).toBe(nativeForward ? 1 : 0);
      expect(maxRelDiff(r.wasm, r.native)).toBeLessThan(1e-5);
      const f = both('FusedConv2D', () => tf.fused.conv2d({ x, filter: w, strides: c.strides, pad: c.pad, bias, activation: 'relu' }));
      expect(f.calls).toBe(nativeForward ? 1 : 0);
      expect(maxRelDiff(f.wasm, f.native)).toBeLessThan(1e-5);
      tf.dispose([x, w, bias]);
    });

    it(`Conv2DBackpropFilter and Conv2DBackpropInput (${label})`, () => {
      const x = random(c.x, 20 + i) as tf.Tensor4D;
      const w = random(c.f, 40 + i) as tf.Tensor4D;
      const outShape = tf.tidy(() => tf.conv2d(x, w, c.strides, c.pad).shape);
      const dy = random(outShape, 80 + i) as tf.Tensor4D;
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
      const dw = both('Conv2DBackpropFilter', () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.f } as never) as tf.Tensor);
      expect(dw.calls).toBe(1);
      expect(maxRelDiff(dw.wasm, dw.native)).toBeLessThan(1e-4);
      const dx = both('Conv2DBackpropInput', () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x } as never) as tf.Tensor);
      expect(dx.calls).toBe(1);
      expect(maxRelDiff(dx.wasm, dx.native)).toBeLessThan(1e-4);
      tf.dispose([x, w, dy]);
    });
  }

  const pools = [
    { x: [2, 8, 8, 3], size: 2, strides: 2, pad: 'valid' as const },
    { x: [2, 7, 9, 2], size: 3, strides: 2, pad: 'same' as const }, // overlapping windows, padding
    { x: [1, 5, 5, 4], size: [2, 3] as [number, number], strides: 1, pad: 'valid' as const },
  ];
  for (const [i, c] of pools.entries()) {
    it(`MaxPoolGrad (${c.pad}, size ${String(c.size)}, strides ${c.strides})`, () => {
      const x = random(c.x, 120 + i) as tf.Tensor4D;
      const r = both('MaxPoolGrad', () => tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, c.size, c.strides, c.pad).square().sum())(x));
      expect(r.calls).toBe(1);
      expect(maxRelDiff(r.wasm, r.native)).toBeLessThan(1e-6);
      tf.dispose(x);
    });
  }

  it('Tile (float32 and int32, every axis)', () => {
    const x = random([1, 3, 1, 4], 5);
    const r = both('Tile', () => tf.tile(x, [2, 1, 5, 3]));
    expect(r.calls).toBe(1);
    expect(maxRelDiff(r.wasm, r.native)).toBe(0);
    const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    setNativeKernelsActive(true);
    resetNativeKernelCounts();
    const tiled = tf.tile(ints, [2, 2]);
    expect(nativeKernelCounts().Tile).toBe(1);
    expect(Array.from(tiled.dataSync())).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
    tf.dispose([x, ints, tiled]);
  });

  it("Adam's fused update is bit-identical to TF.js's element-wise ops, step after step", () => {
    const run = (native: boolean): Float32Array[] => {
      setNativeKernelsActive(native);
      resetNativeKernelCounts();
      const w = tf.variable(random([37, 11], 3));
      const b = tf.variable(random([11], 4));
      const x = random([16, 37], 5);
      const opt = tf.train.adam(0.01);
      for (let step = 0; step < 5; step++) opt.minimize(() => tf.tidy(() => tf.matMul(x, w).add(b).square().mean()) as tf.Scalar);
      expect(nativeKernelCounts().Adam ?? 0).toBe(native ? 5 : 0);
      const out = [w.dataSync() as Float32Array, b.dataSync() as Float32Array];
      opt.dispose();
      tf.dispose([w, b, x]);
      return out;
    };
    const wasm = run(false);
    const native = run(true);
    // Native sgemm sums in another order than XNNPACK, so whole steps agree closely; the next test isolates the update.
    expect(native[1].length).toBe(wasm[1].length);
    expect(maxRelDiff(wasm[0], native[0])).toBeLessThan(1e-4);
  });

  it("Adam's fused update alone: maxAbsDiff 0 against TF.js", () => {
    const run = (native: boolean): Float32Array => {
      setNativeKernelsActive(native);
      const v = tf.variable(random([1000], 11));
      const opt = tf.train.adam(0.003);
      for (let step = 0; step < 4; step++) {
        const g = random([1000], 20 + step);
        opt.applyGradients([{ name: v.name, tensor: g }]);
        g.dispose();
      }
      const out = v.dataSync() as Float32Array;
      opt.dispose();
      v.dispose();
      return out;
    };
    const wasm = run(false);
    const native = run(true);
    let worst = 0;
    for (let i = 0; i < wasm.length; i++) worst = Math.max(worst, Math.abs(wasm[i] - native[i]));
    expect(worst).toBe(0);
  });
});
