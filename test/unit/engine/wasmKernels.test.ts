import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../../src-main/core/engine/host/backends';
import { createRng } from '../../../src-main/core/util/random';

/** Run `fn` on a backend with fresh tensors made from plain arrays, and read the result back. */
async function on(backend: 'cpu' | 'wasm', fn: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return data;
}

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
});
