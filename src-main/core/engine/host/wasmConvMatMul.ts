/**
 * Conv2D weight gradient on the wasm backend as im2col + one matrix multiply by the backend's own
 * BatchMatMul (XNNPACK, SIMD). A plain JS loop over (batch, row, col, tap, channel) spent ~45 ms
 * per LeNet-5 step here — two thirds of a training step; this path takes a few ms.
 *
 *   dW[k, co] = Σ_n cols[k, n] · dy[n, co]   k = (fr, fc, ci) (the filter's own layout),
 *                                             n = (b, yR, yC) (dy's NHWC layout, used in place)
 *
 * cols is written straight into the wasm heap as the matmul's left operand [K, N], untransposed:
 * that is the layout the wasm BatchMatMul sends to XNNPACK; a transposed operand takes its
 * ~10× slower fallback loop. The multiply is single-threaded with a fixed reduction order, so the
 * same inputs give bit-identical results run to run; it accumulates in float32 like PyTorch.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/** The parts of BackendWasm this module uses. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: unknown, force?: boolean): boolean;
}

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/** Whether the matmul path applies: NHWC float32 with something to multiply. */
export function filterGradByMatMulApplies(info: Conv2DInfo, dtype: tf.DataType): boolean {
  const n = info.batchSize * info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  return info.dataFormat === 'channelsLast' && dtype === 'float32' && n > 0 && k > 0 && info.outChannels > 0;
}

/**
 * Fill cols[k·N + n] = x[b, yR·sH + fr·dH − top, yC·sW + fc·dW − left, d1] (0 where that falls in
 * the padding). Row k = (fr·fw + fc)·ci + d1; column n = (b·oh + yR)·ow + yC.
 */
function im2colTransposed(x: Float32Array, cols: Float32Array, info: Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { strideHeight: sH, strideWidth: sW, dilationHeight: dH, dilationWidth: dW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const n = batchSize * outHeight * outWidth;
  const xRowStride = inWidth * inChannels;
  const xImgStride = inHeight * xRowStride;
  const xColStride = sW * inChannels;
  for (let fr = 0; fr < info.filterHeight; fr++) {
    for (let fc = 0; fc < info.filterWidth; fc++) {
      // Output columns yC whose input column xC = yC·sW + fc·dW − left lies inside the image.
      const colShift = fc * dW - left;
      const yCLo = Math.min(outWidth, Math.max(0, Math.ceil(-colShift / sW)));
      const yCHi = Math.max(yCLo, Math.min(outWidth, Math.floor((inWidth - 1 - colShift) / sW) + 1));
      for (let d1 = 0; d1 < inChannels; d1++) {
        let o = ((fr * info.filterWidth + fc) * inChannels + d1) * n;
        for (let b = 0; b < batchSize; b++) {
          for (let yR = 0; yR < outHeight; yR++) {
            const xR = yR * sH + fr * dH - top;
            // Plain loops, not fill(): these runs are a few elements long and fill()'s call costs more.
            if (xR < 0 || xR >= inHeight) {
              for (let yC = 0; yC < outWidth; yC++) cols[o + yC] = 0;
              o += outWidth;
              continue;
            }
            for (let yC = 0; yC < yCLo; yC++) cols[o + yC] = 0;
            let xi = b * xImgStride + xR * xRowStride + (yCLo * sW + colShift) * inChannels + d1;
            for (let yC = yCLo; yC < yCHi; yC++, xi += xColStride) cols[o + yC] = x[xi];
            for (let yC = yCHi; yC < outWidth; yC++) cols[o + yC] = 0;
            o += outWidth;
          }
        }
      }
    }
  }
}

/** dW of Conv2D (NHWC, float32) computed on the wasm heap; call only where filterGradByMatMulApplies. */
export function conv2dFilterGradByMatMul(
  backend: WasmHeapBackend,
  x: TensorInfo,
  dy: TensorInfo,
  info: Conv2DInfo,
  filterShape: number[],
): TensorInfo {
  const n = info.batchSize * info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const cols = backend.makeOutput([1, k, n], 'float32');
  try {
    // Views are taken after the allocation: growing the wasm memory detaches older ones.
    im2colTransposed(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(cols) as Float32Array, info);
    const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc as KernelFunc | undefined;
    if (matMul === undefined) throw new Error('the wasm backend has no BatchMatMul kernel');
    // dy as [1, N, co] in place: BatchMatMul reshapes (and so reference-counts) what it is given.
    const dy3: TensorInfo = { dataId: dy.dataId, shape: [1, n, info.outChannels], dtype: dy.dtype };
    const out = matMul({
      inputs: { a: cols, b: dy3 },
      backend: backend as unknown as tf.KernelBackend,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo;
    out.shape = filterShape;
    return out;
  } finally {
    backend.disposeData(cols.dataId);
  }
}
