import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../../src-main/core/engine/host/backends';
import { setNativeKernelsActive } from '../../../src-main/core/engine/host/nativeKernels';
import { createRng } from '../../../src-main/core/util/random';
import { on } from './helpers/onBackend';

function random(shape: number[], seed: number): { shape: number[]; values: Float32Array } {
  const rng = createRng(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.next() * 2 - 1;
  return { shape, values };
}

function expectClose(a: Float32Array, b: Float32Array, tolerance = 1e-5): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  expect(worst).toBeLessThan(tolerance);
}

const t = (r: { shape: number[]; values: Float32Array }) => tf.tensor(r.values, r.shape);

describe('wasm kernels added for training', () => {
  beforeAll(async () => {
    const choice = await chooseBackend('wasm');
    expect(choice.backend).toBe('wasm');
    // These tests are about the pure-wasm kernels: native kernels (nativeKernels.test.ts) stay off.
    setNativeKernelsActive(false);
  });

  it('registers what the wasm package lacks, and replaces BatchMatMul and GatherV2 once', async () => {
    const { registerMissingWasmKernels } = await import('../../../src-main/core/engine/host/wasmKernels');
    const { wasmBatchMatMulOverridden } = await import('../../../src-main/core/engine/host/wasmBatchMatMul');
    const { wasmGatherOverridden } = await import('../../../src-main/core/engine/host/wasmGather');
    expect(wasmBatchMatMulOverridden()).toBe(true);
    expect(wasmGatherOverridden()).toBe(true);
    const matMul = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
    const gather = tf.getKernel('GatherV2', 'wasm')?.kernelFunc;
    // chooseBackend already registered everything: a second call must neither add nor re-wrap.
    expect(registerMissingWasmKernels()).toEqual([]);
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).toBe(matMul);
    expect(tf.getKernel('GatherV2', 'wasm')?.kernelFunc).toBe(gather);
  });

  it('registers what the wasm package lacks', () => {
    for (const k of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']) {
      expect(tf.getKernel(k, 'wasm'), k).toBeDefined();
    }
  });

  const convCases = [
    { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' as const },
    { x: [2, 8, 8, 2], f: [5, 5, 2, 3], strides: 2, pad: 'valid' as const },
    { x: [1, 9, 6, 1], f: [2, 3, 1, 2], strides: [2, 1] as [number, number], pad: 'same' as const },
    // Stride 3 'valid' leaves the last input rows/columns unread; 'same' with stride 2 pads unevenly.
    { x: [2, 11, 10, 2], f: [3, 2, 2, 3], strides: 3, pad: 'valid' as const },
    { x: [3, 8, 9, 3], f: [4, 3, 3, 2], strides: [2, 3] as [number, number], pad: 'same' as const },
  ];
  for (const [i, c] of convCases.entries()) {
    it(`Conv2DBackpropFilter matches cpu (${c.pad}, strides ${String(c.strides)})`, async () => {
      const x = random(c.x, 10 + i);
      const outShape = tf.tidy(() => tf.conv2d(t(x) as tf.Tensor4D, tf.zeros(c.f as [number, number, number, number]), c.strides, c.pad).shape as number[]);
      const dy = random(outShape, 20 + i);
      const run = () => tf.engine().runKernel('Conv2DBackpropFilter', { x: t(x), dy: t(dy) }, {
        strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f,
      }) as tf.Tensor;
      expectClose(await on('wasm', run), await on('cpu', run));
    });
  }

  it('Conv2DBackpropFilter matches cpu on LeNet-5 conv2 shapes to float32 accumulation error', async () => {
    // The wasm path sums 800 terms per weight in float32 (XNNPACK), the cpu kernel in float64;
    // wasm's own MatMul of the same [150, 800]·[800, 16] differs from cpu by as much (~1e-5).
    const x = random([8, 14, 14, 6], 64);
    const dy = random([8, 10, 10, 16], 65);
    const run = () => tf.engine().runKernel('Conv2DBackpropFilter', { x: t(x), dy: t(dy) }, {
      strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [5, 5, 6, 16],
    }) as tf.Tensor;
    expectClose(await on('wasm', run), await on('cpu', run), 5e-5);
  });

  it('Conv2DBackpropFilter gives bit-identical results when run again', async () => {
    const x = random([8, 28, 28, 1], 60);
    const dy = random([8, 28, 28, 6], 61);
    const run = () => tf.engine().runKernel('Conv2DBackpropFilter', { x: t(x), dy: t(dy) }, {
      strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [5, 5, 1, 6],
    }) as tf.Tensor;
    const first = await on('wasm', run);
    // Other work in between moves allocations around on the wasm heap.
    await on('wasm', () => tf.randomUniform([1000, 100]).matMul(tf.randomUniform([100, 50])));
    expect(Buffer.from((await on('wasm', run)).buffer).equals(Buffer.from(first.buffer))).toBe(true);
  });

  it('Conv2DBackpropFilter matches cpu for NCHW input (the plain-loop path)', async () => {
    const x = random([2, 3, 7, 6], 62);
    const dy = random([2, 4, 7, 6], 63);
    const run = () => tf.engine().runKernel('Conv2DBackpropFilter', { x: t(x), dy: t(dy) }, {
      strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4],
    }) as tf.Tensor;
    expectClose(await on('wasm', run), await on('cpu', run));
  });

  it('Conv2DBackpropFilter matches cpu through tf.grad of conv2d (explicit padding)', async () => {
    const x = random([2, 6, 6, 2], 3);
    const w = random([3, 3, 2, 2], 4);
    const run = () => tf.grad((f: tf.Tensor) => tf.conv2d(t(x) as tf.Tensor4D, f as tf.Tensor4D, 1, [[0, 0], [1, 2], [2, 1], [0, 0]]).square().sum())(t(w));
    expectClose(await on('wasm', run), await on('cpu', run));
  });

  it('depthwise gradients match cpu through tf.grads (what SeparableConv2D training uses)', async () => {
    const x = random([2, 6, 6, 3], 7);
    const w = random([3, 3, 3, 2], 8);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same').square().sum();
    for (const which of [0, 1]) {
      const run = () => tf.grads(f)([t(x), t(w)])[which];
      expectClose(await on('wasm', run), await on('cpu', run));
    }
  });

  const dwCases = [
    { x: [2, 7, 7, 3], f: [3, 3, 3, 2], strides: 1, dil: 1, pad: 'same' as const },
    { x: [1, 9, 9, 2], f: [3, 3, 2, 1], strides: 1, dil: 2, pad: 'valid' as const },
    { x: [2, 8, 8, 2], f: [2, 2, 2, 3], strides: 2, dil: 1, pad: 'valid' as const },
  ];
  for (const [i, c] of dwCases.entries()) {
    it(`depthwise conv gradients match cpu (${c.pad}, strides ${c.strides}, dilation ${c.dil})`, async () => {
      const x = random(c.x, 30 + i);
      const w = random(c.f, 40 + i);
      // tfjs's gradient refuses dilation > 1, so call the kernels directly with the forward pass's dy.
      const yShape = tf.tidy(() => tf.depthwiseConv2d(t(x) as tf.Tensor4D, t(w) as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dil).shape);
      const dy = random(yShape, 50 + i);
      const attrs = { strides: c.strides, dilations: c.dil, pad: c.pad };
      const dx = () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: t(dy), filter: t(w) }, { ...attrs, inputShape: c.x }) as tf.Tensor;
      const dw = () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: t(x), dy: t(dy) }, { ...attrs, filterShape: c.f }) as tf.Tensor;
      if (c.dil === 1) {
        expectClose(await on('wasm', dx), await on('cpu', dx));
        expectClose(await on('wasm', dw), await on('cpu', dw));
        return;
      }
      // The cpu kernels ignore dilation, so the reference is the undilated gradient of the same
      // convolution written with a zero-stuffed filter (a dilated tap = every dil-th tap of it).
      const [fh, fw, ci, cm] = c.f;
      const sh = [(fh - 1) * c.dil + 1, (fw - 1) * c.dil + 1, ci, cm];
      const stuffed = { shape: sh, values: new Float32Array(sh.reduce((a, b) => a * b, 1)) };
      const tap = (r: number, col: number, shape: number[]) => (r * shape[1] + col) * ci * cm;
      for (let r = 0; r < fh; r++) for (let col = 0; col < fw; col++) {
        stuffed.values.set(w.values.subarray(tap(r, col, c.f), tap(r, col, c.f) + ci * cm), tap(r * c.dil, col * c.dil, sh));
      }
      const plain = { strides: c.strides, dilations: 1, pad: c.pad };
      const refDx = () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: t(dy), filter: t(stuffed) }, { ...plain, inputShape: c.x }) as tf.Tensor;
      const refDwStuffed = await on('cpu', () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: t(x), dy: t(dy) }, { ...plain, filterShape: sh }) as tf.Tensor);
      const refDw = new Float32Array(w.values.length);
      for (let r = 0; r < fh; r++) for (let col = 0; col < fw; col++) {
        refDw.set(refDwStuffed.subarray(tap(r * c.dil, col * c.dil, sh), tap(r * c.dil, col * c.dil, sh) + ci * cm), tap(r, col, c.f));
      }
      expectClose(await on('wasm', dx), await on('cpu', refDx));
      expectClose(await on('wasm', dw), refDw);
    });
  }

  it('UnsortedSegmentSum (gather gradient, i.e. Embedding) matches cpu', async () => {
    const table = random([10, 4], 5);
    const ids = [[1, 3, 3], [9, 0, 1]];
    const run = () => tf.grad((w: tf.Tensor) => tf.gather(w, tf.tensor2d(ids, [2, 3], 'int32')).mul(tf.range(1, 25).reshape([2, 3, 4])).sum())(t(table));
    expectClose(await on('wasm', run), await on('cpu', run));
    const direct = () => tf.unsortedSegmentSum(t(random([5, 3], 6)), tf.tensor1d([0, 2, 0, 4, 1], 'int32'), 6);
    expectClose(await on('wasm', direct), await on('cpu', direct));
  });

  // Dense-layer gradients multiply with one operand transposed; the override transposes first.
  const matMulCases = [
    { a: [128, 50], b: [128, 30], ta: true, tb: false },
    { a: [20, 64], b: [40, 64], ta: false, tb: true },
    { a: [33, 17], b: [29, 33], ta: true, tb: true },
    { a: [3, 9, 5], b: [3, 9, 7], ta: true, tb: false },
    { a: [1, 6, 8], b: [4, 5, 8], ta: false, tb: true }, // batch broadcast
    { a: [12, 10], b: [10, 6], ta: false, tb: false },
    // Transposes that only move a size-1 axis: wasm's Transpose hands back the same data.
    { a: [4, 1], b: [4, 3], ta: true, tb: false },
    { a: [2, 6], b: [1, 6], ta: false, tb: true },
  ];
  for (const [i, c] of matMulCases.entries()) {
    it(`BatchMatMul matches cpu (a ${c.a}${c.ta ? 'ᵀ' : ''}, b ${c.b}${c.tb ? 'ᵀ' : ''})`, async () => {
      const a = random(c.a, 70 + i);
      const b = random(c.b, 80 + i);
      const run = () => tf.matMul(t(a), t(b), c.ta, c.tb);
      const wasm = await on('wasm', run);
      expectClose(wasm, await on('cpu', run));
      const shape = tf.tidy(() => run().shape);
      expect(shape).toEqual(await tf.setBackend('cpu').then(() => tf.tidy(() => run().shape)));
      await tf.setBackend('wasm');
    });
  }

  it('BatchMatMul with a transposed operand gives bit-identical results when run again', async () => {
    const a = random([128, 784], 90);
    const b = random([128, 256], 91);
    const run = () => tf.matMul(t(a), t(b), true, false);
    const first = await on('wasm', run);
    await on('wasm', () => tf.randomUniform([300, 100]).matMul(tf.randomUniform([50, 100]), false, true));
    expect(Buffer.from((await on('wasm', run)).buffer).equals(Buffer.from(first.buffer))).toBe(true);
  });

  it('BatchMatMul reports mismatched shapes with the original shapes and flags', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.tidy(() => tf.matMul(tf.ones([3, 4]), tf.ones([5, 4]), true, false))).toThrow(/shapes 3,4 and 5,4 and transposeA=true/);
  });

  it('BatchMatMul gradients of a dense layer match cpu through tf.grads', async () => {
    const x = random([16, 12], 92);
    const w = random([12, 5], 93);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b).relu().square().sum();
    for (const which of [0, 1]) {
      const run = () => tf.grads(f)([t(x), t(w)])[which];
      expectClose(await on('wasm', run), await on('cpu', run));
    }
  });

  const gatherCases: { x: number[]; dtype: 'float32' | 'int32' | 'bool'; ids: number[]; idShape: number[]; axis: number; batchDims?: number }[] = [
    { x: [50, 7], dtype: 'float32', ids: [3, 49, 0, 3, 17], idShape: [5], axis: 0 },
    { x: [4, 6, 3], dtype: 'float32', ids: [5, 0, 2, 2], idShape: [2, 2], axis: 1 },
    { x: [5, 8], dtype: 'float32', ids: [7, 1, 1], idShape: [3], axis: 1 }, // slices of one element
    { x: [2, 6, 3], dtype: 'float32', ids: [0, 5, 4, 1], idShape: [2, 2], axis: 1, batchDims: 1 },
    { x: [10], dtype: 'int32', ids: [9, 0, 4], idShape: [3], axis: 0 },
    { x: [6, 2], dtype: 'bool', ids: [1, 5, 3], idShape: [3], axis: 0 },
    { x: [6, 2], dtype: 'float32', ids: [], idShape: [0], axis: 0 },
  ];
  for (const c of gatherCases) {
    it(`GatherV2 matches cpu exactly (${c.dtype} ${c.x}, axis ${c.axis}, batchDims ${c.batchDims ?? 0})`, async () => {
      const x = random(c.x, 95);
      const run = () => {
        const cast = (v: number) => (c.dtype === 'bool' ? Number(v > 0) : Math.round(v * 100));
        const xs = c.dtype === 'float32' ? t(x) : tf.tensor(Array.from(x.values, cast), c.x, c.dtype);
        return tf.gather(xs, tf.tensor(c.ids, c.idShape, 'int32'), c.axis, c.batchDims ?? 0).cast('float32');
      };
      const wasm = await on('wasm', run);
      const cpu = await on('cpu', run);
      expect(Array.from(wasm)).toEqual(Array.from(cpu));
      expect(await tf.setBackend('wasm').then(() => tf.tidy(() => run().shape))).toEqual(await tf.setBackend('cpu').then(() => tf.tidy(() => run().shape)));
      await tf.setBackend('wasm');
    });
  }

  it('GatherV2 rejects an index out of range as the package does', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.tidy(() => tf.gather(tf.ones([4, 3]), tf.tensor1d([1, 4], 'int32')))).toThrow(/index value 4 is not in \[0, 3\]/);
    expect(() => tf.tidy(() => tf.gather(tf.ones([4, 3]), tf.tensor1d([-1], 'int32')))).toThrow(/index value -1/);
  });
});
