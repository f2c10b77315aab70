/**
 * Conv2D input gradient on the wasm backend as one matrix multiply by the backend's own
 * BatchMatMul (XNNPACK) and a col2im scatter. The package's kernel is a scalar C++ loop over
 * (pixel, tap, in-channel, out-channel): a third of LeNet-5's training time here (36 of 111 ms
 * for 4 steps of batch 64); this path takes 11 ms.
 *
 *   cols[n, k] = Σ_co dy[n, co] · W[k, co]     n = (b, yR, yC) (dy's NHWC layout, used in place),
 *                                               k = (fr, fc, ci) (the filter's own layout)
 *   dx[b, yR·sH + fr − top, yC·sW + fc − left, ci] += cols[n, k]
 *
 * The multiply runs in batch chunks so `cols` stays under COLS_LIMIT floats. It is single-threaded
 * with a fixed reduction order and col2im adds in a fixed order, so the same inputs give
 * bit-identical results run to run (float32 accumulation, like PyTorch).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WasmHeapBackend } from './wasmConvMatMul';
import { isWasmKernelOverridden, overrideWasmKernel } from './wasmKernelOverride';

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/** At most this many floats (64 MiB) in one chunk's cols matrix. */
const COLS_LIMIT = 16 * 1024 * 1024;

/** dx[b0 + …] += cols scattered back onto the image, for `images` images starting at b0. */
function col2im(cols: Float32Array, dx: Float32Array, info: Conv2DInfo, b0: number, images: number): void {
  const { inHeight, inWidth, inChannels: ci, outHeight, outWidth, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sH, strideWidth: sW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const k = fh * fw * ci;
  const rowStride = inWidth * ci;
  let n = 0;
  for (let b = b0; b < b0 + images; b++) {
    const img = b * inHeight * rowStride;
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++, n++) {
        const nBase = n * k;
        for (let fr = 0; fr < fh; fr++) {
          const xR = yR * sH + fr - top;
          if (xR < 0 || xR >= inHeight) continue;
          for (let fc = 0; fc < fw; fc++) {
            const xC = yC * sW + fc - left;
            if (xC < 0 || xC >= inWidth) continue;
            const d = img + xR * rowStride + xC * ci;
            const s = nBase + (fr * fw + fc) * ci;
            for (let c = 0; c < ci; c++) dx[d + c] += cols[s + c];
          }
        }
      }
    }
  }
}

/**
 * A Conv2DBackpropInput kernel func for NHWC float32; anything else goes to `fallback`.
 * `colsLimit` bounds the floats of one chunk's cols matrix (smaller only in tests).
 */
export function conv2dInputGradByMatMul(fallback: KernelFunc, colsLimit = COLS_LIMIT): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if (dy.dtype !== 'float32' || filter.dtype !== 'float32') return fallback(args);
    const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
    if (format !== 'channelsLast') return fallback(args);
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, format);
    const perImage = info.outHeight * info.outWidth;
    const k = info.filterHeight * info.filterWidth * info.inChannels;
    const co = info.outChannels;
    if (perImage === 0 || k === 0 || co === 0) return fallback(args);

    const backend = args.backend as unknown as WasmHeapBackend;
    const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc as KernelFunc | undefined;
    if (matMul === undefined) throw new Error('the wasm backend has no BatchMatMul kernel');
    const dx = backend.makeOutput(info.inShape, 'float32');
    (backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
    // W as [1, K, co] in place; the multiply wants it transposed (our BatchMatMul materialises it).
    const w3: TensorInfo = { dataId: filter.dataId, shape: [1, k, co], dtype: 'float32' };
    const chunk = Math.max(1, Math.min(info.batchSize, Math.floor(colsLimit / (perImage * k))));
    for (let b0 = 0; b0 < info.batchSize; b0 += chunk) {
      const images = Math.min(chunk, info.batchSize - b0);
      const rows = images * perImage;
      // The whole of dy is used in place; a chunk of it is copied into a buffer of its own.
      const piece = images === info.batchSize ? null : backend.makeOutput([1, rows, co], 'float32');
      if (piece !== null) {
        const all = backend.typedArrayFromHeap(dy) as Float32Array;
        (backend.typedArrayFromHeap(piece) as Float32Array).set(all.subarray(b0 * perImage * co, (b0 + images) * perImage * co));
      }
      const dy3: TensorInfo = piece ?? { dataId: dy.dataId, shape: [1, rows, co], dtype: 'float32' };
      let cols: TensorInfo | null = null;
      try {
        cols = matMul({ inputs: { a: dy3, b: w3 }, backend: args.backend, attrs: { transposeA: false, transposeB: true } }) as TensorInfo;
        // Views are taken after the allocations: growing the wasm memory detaches older ones.
        col2im(backend.typedArrayFromHeap(cols) as Float32Array, backend.typedArrayFromHeap(dx) as Float32Array, info, b0, images);
      } finally {
        if (cols !== null) backend.disposeData(cols.dataId);
        if (piece !== null) backend.disposeData(piece.dataId);
      }
    }
    return dx;
  };
}

export function wasmConvInputGradOverridden(): boolean {
  return isWasmKernelOverridden(tf.Conv2DBackpropInput);
}

/** Replace the wasm backend's Conv2DBackpropInput by conv2dInputGradByMatMul around it (idempotent). */
export function overrideWasmConvInputGrad(): boolean {
  return overrideWasmKernel(tf.Conv2DBackpropInput, (theirs) => conv2dInputGradByMatMul(theirs));
}
