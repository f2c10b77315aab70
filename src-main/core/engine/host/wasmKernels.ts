/**
 * Kernels tfjs-backend-wasm 4.22 does not ship but training needs: the weight gradient of Conv2D,
 * both gradients of depthwise convolution (SeparableConv2D / DepthwiseConv2D layers), and
 * UnsortedSegmentSum (the gradient of gather, i.e. of Embedding layers). Without them CNN training
 * on wasm fails with "kernel not registered". They run in JS over the wasm heap: read inputs with
 * readSync, write the result into a tensor allocated with makeOutput. Accumulation is in float64,
 * so results match the cpu backend to float32 rounding. Exception: NHWC Conv2DBackpropFilter (every
 * CNN's hot path) goes through im2col + wasm's BatchMatMul (see wasmConvMatMul.ts), which sums in
 * float32 like wasm's own kernels — ~8× faster, still bit-identical run to run.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { overrideWasmBatchMatMul } from './wasmBatchMatMul';
import { overrideWasmConvInputGrad } from './wasmConvInputGrad';
import { overrideWasmGather } from './wasmGather';
import { overrideWasmMaxPoolGrad } from './wasmMaxPoolGrad';
import { conv2dFilterGradByMatMul, filterGradByMatMulApplies, type WasmHeapBackend } from './wasmConvMatMul';

/** The parts of BackendWasm these kernels use. */
interface WasmBackendLike extends WasmHeapBackend {
  readSync(dataId: unknown): ArrayLike<number>;
}

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

function write(backend: WasmBackendLike, shape: number[], dtype: tf.DataType, values: ArrayLike<number>): TensorInfo {
  const out = backend.makeOutput(shape, dtype);
  if (values.length > 0) backend.typedArrayFromHeap(out).set(values);
  return out;
}

/** Element strides of a 4-D tensor in either layout, indexed as (batch, row, col, channel); shape is [batch, rows, cols, channels]. */
function layoutStrides(shape: number[], channelsLast: boolean): [number, number, number, number] {
  const [, a, b, c] = shape;
  return channelsLast ? [a * b * c, b * c, c, 1] : [a * b * c, b, 1, a * b];
}

/** dW[fr, fc, d1, d2] = Σ x[b, yR·sH + fr·dH − padTop, yC·sW + fc·dW − padLeft, d1] · dy[b, yR, yC, d2] */
function conv2dFilterGrad(x: ArrayLike<number>, dy: ArrayLike<number>, info: Conv2DInfo, depthwise: boolean): Float64Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth } = info;
  const channelsLast = info.dataFormat === 'channelsLast';
  const xs = layoutStrides([batchSize, inHeight, inWidth, inChannels], channelsLast);
  const ys = layoutStrides([batchSize, outHeight, outWidth, outChannels], channelsLast);
  const mult = depthwise ? outChannels / inChannels : outChannels;
  const dw = new Float64Array(filterHeight * filterWidth * inChannels * mult);
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const dyBase = b * ys[0] + yR * ys[1] + yC * ys[2];
        for (let fr = 0; fr < filterHeight; fr++) {
          const xR = yR * strideHeight + fr * dilationHeight - top;
          if (xR < 0 || xR >= inHeight) continue;
          for (let fc = 0; fc < filterWidth; fc++) {
            const xC = yC * strideWidth + fc * dilationWidth - left;
            if (xC < 0 || xC >= inWidth) continue;
            const xBase = b * xs[0] + xR * xs[1] + xC * xs[2];
            const wBase = (fr * filterWidth + fc) * inChannels * mult;
            for (let d1 = 0; d1 < inChannels; d1++) {
              const xv = x[xBase + d1 * xs[3]];
              if (xv === 0) continue;
              const wRow = wBase + d1 * mult;
              // Depthwise: input channel d1 feeds output channels d1·mult … d1·mult + mult − 1.
              const dyOff = depthwise ? d1 * mult : 0;
              for (let q = 0; q < mult; q++) dw[wRow + q] += xv * dy[dyBase + (dyOff + q) * ys[3]];
            }
          }
        }
      }
    }
  }
  return dw;
}

/** dx[b, r, c, d1] = Σ filter[fr, fc, d1, q] · dy[b, yR, yC, d1·mult + q] over the taps that read (r, c). */
function depthwiseInputGrad(dy: ArrayLike<number>, filter: ArrayLike<number>, info: Conv2DInfo): Float64Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth } = info;
  const mult = outChannels / inChannels;
  const dx = new Float64Array(batchSize * inHeight * inWidth * inChannels);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const dyBase = ((b * outHeight + yR) * outWidth + yC) * outChannels;
        for (let fr = 0; fr < filterHeight; fr++) {
          const xR = yR * strideHeight + fr * dilationHeight - info.padInfo.top;
          if (xR < 0 || xR >= inHeight) continue;
          for (let fc = 0; fc < filterWidth; fc++) {
            const xC = yC * strideWidth + fc * dilationWidth - info.padInfo.left;
            if (xC < 0 || xC >= inWidth) continue;
            const xBase = ((b * inHeight + xR) * inWidth + xC) * inChannels;
            const wBase = (fr * filterWidth + fc) * inChannels * mult;
            for (let d1 = 0; d1 < inChannels; d1++) {
              let sum = 0;
              for (let q = 0; q < mult; q++) sum += filter[wBase + d1 * mult + q] * dy[dyBase + d1 * mult + q];
              dx[xBase + d1] += sum;
            }
          }
        }
      }
    }
  }
  return dx;
}

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const b = backend as unknown as WasmBackendLike;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  // The common case goes to the wasm matmul; NCHW and the rest keep the plain loop below.
  if (filterGradByMatMulApplies(info, x.dtype)) return conv2dFilterGradByMatMul(b, x, dy, info, filterShape);
  return write(b, filterShape, x.dtype, conv2dFilterGrad(b.readSync(x.dataId), b.readSync(dy.dataId), info, false));
};

const depthwiseBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const b = backend as unknown as WasmBackendLike;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  return write(b, filterShape, x.dtype, conv2dFilterGrad(b.readSync(x.dataId), b.readSync(dy.dataId), info, true));
};

const depthwiseBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const b = backend as unknown as WasmBackendLike;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  return write(b, inputShape, dy.dtype, depthwiseInputGrad(b.readSync(dy.dataId), b.readSync(filter.dataId), info));
};

const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const b = backend as unknown as WasmBackendLike;
  const ids = b.readSync(segmentIds.dataId);
  const xv = b.readSync(x.dataId);
  const inner = ids.length === 0 ? 0 : xv.length / ids.length;
  const out = new Float64Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const seg = ids[i];
    if (seg < 0 || seg >= numSegments) continue; // TensorFlow drops out-of-range ids
    for (let j = 0; j < inner; j++) out[seg * inner + j] += xv[i * inner + j];
  }
  const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  return write(b, shape, x.dtype, out);
};

export const WASM_EXTRA_KERNELS: KernelConfig[] = [
  { kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2DBackpropFilter },
  { kernelName: tf.DepthwiseConv2dNativeBackpropFilter, backendName: 'wasm', kernelFunc: depthwiseBackpropFilter },
  { kernelName: tf.DepthwiseConv2dNativeBackpropInput, backendName: 'wasm', kernelFunc: depthwiseBackpropInput },
  { kernelName: tf.UnsortedSegmentSum, backendName: 'wasm', kernelFunc: unsortedSegmentSum },
];

/**
 * Register our kernels for the wasm backend where the package has none, and replace four of its
 * kernels that are slow in training: BatchMatMul with transposed operands (wasmBatchMatMul.ts),
 * GatherV2, which slices every batch in model.fit (wasmGather.ts), and the input gradients of
 * Conv2D (wasmConvInputGrad.ts) and of MaxPool (wasmMaxPoolGrad.ts). Idempotent;
 * returns the kernel names registered or replaced by this call.
 */
export function registerMissingWasmKernels(): string[] {
  const added: string[] = [];
  for (const config of WASM_EXTRA_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) {
      tf.registerKernel(config);
      added.push(config.kernelName);
    }
  }
  // Overrides, not missing kernels: each unregisters the package's kernel and wraps it.
  if (overrideWasmBatchMatMul()) added.push(tf.BatchMatMul);
  if (overrideWasmGather()) added.push(tf.GatherV2);
  if (overrideWasmConvInputGrad()) added.push(tf.Conv2DBackpropInput);
  if (overrideWasmMaxPoolGrad()) added.push(tf.MaxPoolGrad);
  return added;
}
