/**
 * Native kernels on the wasm backend (src-main/native, C + OpenBLAS sgemm on one thread): they
 * take over the kernels where wasm is far from native speed — BatchMatMul and _FusedMatMul (sgemm
 * with its transpose flags), Conv2D / FusedConv2D with ≥ 32 output channels and both Conv2D
 * gradients (im2col / col2im in C + sgemm), MaxPoolGrad, Tile — and Adam's update (one fused loop instead of ~12 element-wise
 * kernels per variable, bit-identical to them). Every kernel reads and writes the wasm heap in
 * place through Float32Array views: no copies.
 *
 * Each wrapper falls back to the kernel it wraps for what it does not cover (other dtypes, NCHW,
 * broadcasting it does not handle, other activations) and while native kernels are switched off
 * (setNativeKernelsActive(false)), so tests and the bench can compare both paths in one process.
 * Single-threaded with fixed reduction orders: the same inputs give bit-identical results, so
 * replays with native kernels stay exact (tolerance 0) on the same machine and OpenBLAS build.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { loadNativeAddon, type NativeAddon } from './nativeAddon';
import { overrideWasmKernel } from './wasmKernelOverride';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;
type Pool2DInfo = ReturnType<typeof tf.backend_util.computePool2DInfo>;

const ACT: Record<string, number> = { linear: 0, relu: 1 };
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

let addon: NativeAddon | null = null;
let active = false;
/** Calls per kernel name since the last resetNativeKernelCounts() (the bench and tests read it). */
const counts = new Map<string, number>();

function count(name: string): void {
  counts.set(name, (counts.get(name) ?? 0) + 1);
}

export function nativeKernelCounts(): Record<string, number> {
  return Object.fromEntries(counts);
}

export function resetNativeKernelCounts(): void {
  counts.clear();
}

/** Whether native kernels are registered and switched on. */
export function nativeKernelsActive(): boolean {
  return active && addon !== null;
}

/** Switch the registered native kernels on or off (off: every wrapper calls the kernel it wraps). */
export function setNativeKernelsActive(on: boolean): void {
  active = on && addon !== null;
}

function view(backend: WasmBackendLike, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

function allFloat32(...ts: (TensorInfo | undefined)[]): boolean {
  return ts.every((t) => t === undefined || t.dtype === 'float32');
}

/** The bias as a per-column vector for an output with `cols` columns, or undefined when it broadcasts otherwise. */
function biasFits(bias: TensorInfo | undefined, cols: number): boolean {
  if (bias === undefined) return true;
  const n = size(bias.shape);
  return n === 1 || (n === cols && bias.shape[bias.shape.length - 1] === cols);
}

const matMulParams = new Int32Array(9);

/** BatchMatMul and _FusedMatMul (linear or relu, bias per column, no PReLU weights). */
function nativeMatMul(theirs: KernelFunc, fused: boolean): KernelFunc {
  return (args) => {
    if (!active || addon === null) return theirs(args);
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean; activation?: string };
    if (a === undefined || b === undefined || !allFloat32(a, b, bias) || a.shape.length < 2 || b.shape.length < 2) return theirs(args);
    if (preluActivationWeights !== undefined) return theirs(args);
    const act = fused ? ACT[attrs.activation ?? 'linear'] : 0;
    if (act === undefined) return theirs(args);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = attrs.transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = attrs.transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const k2 = attrs.transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    const n = attrs.transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    if (k !== k2 || !biasFits(bias, n)) return theirs(args);
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = size(outerA);
    const batchB = size(outerB);
    let outer: number[];
    try {
      outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
    } catch {
      return theirs(args);
    }
    const batch = size(outer);
    // Only whole-operand broadcasting (one side a single matrix); anything finer goes to the package.
    if (!((batchA === batch || batchA === 1) && (batchB === batch || batchB === 1))) return theirs(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput([...outer, m, n], 'float32');
    if (batch * m * n === 0) return out;
    matMulParams.set([batch, m, n, k, attrs.transposeA ? 1 : 0, attrs.transposeB ? 1 : 0, batchA === 1 ? 0 : m * k, batchB === 1 ? 0 : k * n, act]);
    // Views after the allocation: growing the wasm memory detaches older ones.
    addon.matmul(view(backend, a), view(backend, b), view(backend, out), matMulParams, bias ? view(backend, bias) : null);
    count(fused ? tf._FusedMatMul : tf.BatchMatMul);
    return out;
  };
}

const convParams = new Int32Array(16);
/** Forward convolutions with fewer output channels stay on the package's XNNPACK kernel. */
export const NATIVE_CONV_MIN_CHANNELS = 32;

function setConvParams(info: Conv2DInfo, act: number): Int32Array {
  convParams.set([
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left, act,
  ]);
  return convParams;
}

function convInfoFor(
  xShape: number[],
  filterShape: number[],
  attrs: { strides: number | [number, number]; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding; dataFormat?: 'NHWC' | 'NCHW'; dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil' },
): Conv2DInfo | null {
  const format = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC');
  if (format !== 'channelsLast' || xShape.length !== 4 || filterShape.length !== 4) return null;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad as 'same',
    attrs.dimRoundingMode,
    false,
    format,
  );
  return info.batchSize * info.outHeight * info.outWidth * info.outChannels > 0 ? info : null;
}

/** Conv2D and FusedConv2D (NHWC, linear or relu, bias per channel, no PReLU weights). */
function nativeConv2D(theirs: KernelFunc, fused: boolean): KernelFunc {
  return (args) => {
    if (!active || addon === null) return theirs(args);
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const attrs = args.attrs as unknown as Parameters<typeof convInfoFor>[2] & { activation?: string };
    if (x === undefined || filter === undefined || !allFloat32(x, filter, bias) || preluActivationWeights !== undefined) return theirs(args);
    const act = fused ? ACT[attrs.activation ?? 'linear'] : 0;
    if (act === undefined) return theirs(args);
    const info = convInfoFor(x.shape, filter.shape, attrs);
    if (info === null || !biasFits(bias, info.outChannels)) return theirs(args);
    // Measured (CPU time): with few output channels XNNPACK's direct convolution beats im2col + sgemm
    // (LeNet-5's 1→6 and 6→16 layers); from 32 channels sgemm wins (Small CNN's 16→32: 2×).
    if (info.outChannels < NATIVE_CONV_MIN_CHANNELS) return theirs(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput(info.outShape, 'float32');
    addon.conv2d(view(backend, x), view(backend, filter), view(backend, out), setConvParams(info, act), bias ? view(backend, bias) : null);
    count(fused ? tf.FusedConv2D : tf.Conv2D);
    return out;
  };
}

/**
 * Conv2DBackpropFilter (inputs x, dy → dW of attrs.filterShape) and Conv2DBackpropInput (inputs dy,
 * filter → dx of attrs.inputShape): the same wrapper around the two native gradient functions.
 */
function nativeConvGrad(theirs: KernelFunc, of: 'filter' | 'input'): KernelFunc {
  return (args) => {
    if (!active || addon === null) return theirs(args);
    const inputs = args.inputs as Record<string, TensorInfo>;
    const [first, second] = of === 'filter' ? [inputs.x, inputs.dy] : [inputs.dy, inputs.filter];
    const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs & tf.Conv2DBackpropInputAttrs;
    if (!allFloat32(first, second)) return theirs(args);
    const info = of === 'filter' ? convInfoFor(first.shape, attrs.filterShape, { ...attrs, dilations: 1 }) : convInfoFor(attrs.inputShape, second.shape, { ...attrs, dilations: 1 });
    if (info === null) return theirs(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput(of === 'filter' ? attrs.filterShape : info.inShape, 'float32');
    const run = of === 'filter' ? addon.conv2dFilterGrad : addon.conv2dInputGrad;
    run(view(backend, first), view(backend, second), view(backend, out), setConvParams(info, 0));
    count(of === 'filter' ? tf.Conv2DBackpropFilter : tf.Conv2DBackpropInput);
    return out;
  };
}

const poolParams = new Int32Array(14);

function poolInfoFor(xShape: number[], attrs: tf.MaxPoolAttrs): Pool2DInfo | null {
  if (xShape.length !== 4) return null;
  const info = tf.backend_util.computePool2DInfo(xShape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  if (info.dataFormat !== 'channelsLast') return null;
  poolParams.set([
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.effectiveFilterHeight, info.effectiveFilterWidth, info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth, info.padInfo.top, info.padInfo.left,
  ]);
  return info;
}

/** Tile of float32 / int32 (BatchNormalization's gradient tiles its per-channel terms: ~25 ms per call in wasm). */
function nativeTile(theirs: KernelFunc): KernelFunc {
  return (args) => {
    if (!active || addon === null) return theirs(args);
    const { x } = args.inputs as { x: TensorInfo };
    const { reps } = args.attrs as unknown as tf.TileAttrs;
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || x.shape.length === 0 || x.shape.length > 8 || reps.length !== x.shape.length) return theirs(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const outShape = x.shape.map((d, i) => d * reps[i]);
    const out = backend.makeOutput(outShape, x.dtype);
    if (size(outShape) > 0) {
      const heap = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array | Int32Array;
      addon.tile(heap(x), heap(out), Int32Array.from(x.shape), Int32Array.from(reps));
    }
    count(tf.Tile);
    return out;
  };
}

function nativeMaxPoolGrad(theirs: KernelFunc): KernelFunc {
  return (args) => {
    if (!active || addon === null) return theirs(args);
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    if (!allFloat32(dy, input)) return theirs(args);
    const info = poolInfoFor(input.shape, args.attrs as unknown as tf.MaxPoolAttrs);
    if (info === null) return theirs(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const dx = backend.makeOutput(input.shape, 'float32');
    if (size(input.shape) > 0) addon.maxPoolGrad(view(backend, input), view(backend, dy), view(backend, dx), poolParams);
    count(tf.MaxPoolGrad);
    return dx;
  };
}

/** The kernels native code takes over, each with the wrapper around whatever is registered for it. */
const WRAPPERS: [string, (theirs: KernelFunc) => KernelFunc][] = [
  [tf.BatchMatMul, (t) => nativeMatMul(t, false)],
  [tf._FusedMatMul, (t) => nativeMatMul(t, true)],
  [tf.Conv2D, (t) => nativeConv2D(t, false)],
  [tf.FusedConv2D, (t) => nativeConv2D(t, true)],
  [tf.Conv2DBackpropFilter, (t) => nativeConvGrad(t, 'filter')],
  [tf.Conv2DBackpropInput, (t) => nativeConvGrad(t, 'input')],
  [tf.Tile, nativeTile],
  [tf.MaxPoolGrad, nativeMaxPoolGrad],
];

export const NATIVE_KERNEL_NAMES = [...WRAPPERS.map(([name]) => name), 'Adam'];

// ---- Adam: one native loop per variable instead of TF.js's chain of element-wise kernels ----

interface AdamInternals {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

/** One variable's gradient, as tf.Optimizer.applyGradients receives it in the array form. */
interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

type ApplyGradients = (this: tf.AdamOptimizer, variableGradients: tf.NamedTensorMap | NamedTensor[]) => void;
let originalAdam: ApplyGradients | null = null;

function fusedAdamApplies(): boolean {
  return active && addon !== null && tf.getBackend() === 'wasm';
}

function adamApplyGradients(this: tf.AdamOptimizer, variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
  if (!fusedAdamApplies()) {
    originalAdam!.call(this, variableGradients);
    return;
  }
  const self = this as unknown as AdamInternals;
  const native = addon!;
  const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
  const engine = tf.engine();
  const backend = tf.backend() as unknown as WasmBackendLike;
  // The scalars exactly as TF.js's ops see them (float32): sub(1, accBeta) rounds once, like fround(1 − accBeta).
  const scalars = new Float32Array([
    self.beta1,
    1 - self.beta1,
    self.beta2,
    1 - self.beta2,
    1 - self.accBeta1.dataSync()[0],
    1 - self.accBeta2.dataSync()[0],
    self.epsilon,
    -self.learningRate,
  ]);
  tf.tidy(() => {
    names.forEach((name, i) => {
      const value = engine.registeredVariables[name];
      self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
      if (gradient == null) return;
      const m = self.accumulatedFirstMoment[i]!.variable;
      const v = self.accumulatedSecondMoment[i]!.variable;
      if (value.dtype !== 'float32' || gradient.dtype !== 'float32' || gradient.size !== value.size) {
        throw new Error(`Adam: gradient of ${name} does not match the variable`);
      }
      // New buffers: a variable's old buffer can be shared (read() clones share data), so it is never written in place.
      const outValue = backend.makeOutput(value.shape, 'float32');
      const outM = backend.makeOutput(value.shape, 'float32');
      const outV = backend.makeOutput(value.shape, 'float32');
      const info = (t: tf.Tensor): TensorInfo => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
      native.adam(
        view(backend, info(value)), view(backend, info(m)), view(backend, info(v)), view(backend, info(gradient)),
        view(backend, outValue), view(backend, outM), view(backend, outV), scalars,
      );
      m.assign(engine.makeTensorFromTensorInfo(outM));
      v.assign(engine.makeTensorFromTensorInfo(outV));
      value.assign(engine.makeTensorFromTensorInfo(outValue));
    });
    self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
    self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
  });
  count('Adam');
  self.incrementIterations();
}

/**
 * Load the addon and wrap the wasm kernels (once; the wasm backend must be registered and Lamina's
 * pure-wasm kernels in place). Returns the library, or why native kernels are off. Switches them on.
 */
export function enableNativeKernels(): { ok: true; library: string } | { ok: false; reason: string } {
  const load = loadNativeAddon();
  if (!load.ok) {
    active = false;
    return load;
  }
  addon = load.addon;
  for (const [name, wrap] of WRAPPERS) overrideWasmKernel(name, wrap, 'native');
  if (originalAdam === null) {
    originalAdam = tf.AdamOptimizer.prototype.applyGradients as ApplyGradients;
    tf.AdamOptimizer.prototype.applyGradients = adamApplyGradients;
  }
  active = true;
  return { ok: true, library: load.library };
}
