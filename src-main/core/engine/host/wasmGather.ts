/**
 * GatherV2 on the wasm backend as row copies. model.fit slices every batch out of the whole
 * dataset with a gather (x and y by the shuffled batch indices); the package's kernel computes
 * strided offsets element by element and took ~2–7 ms for 128 rows of 784 floats, a quarter of
 * an MLP training step once the matmuls were fixed. Here each gathered slice is one contiguous
 * block, moved with copyWithin (a memmove) inside the wasm heap. A copy changes no bits, so the
 * results are those of the package's kernel exactly.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { isWasmKernelOverridden, overrideWasmKernel } from './wasmKernelOverride';

/** The parts of BackendWasm this module uses. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Dtypes whose data lies in the wasm heap as plain numbers (strings and complex do not). */
const COPYABLE = new Set<tf.DataType>(['float32', 'int32', 'bool']);

/** A GatherV2 kernel func that copies slices itself and leaves other dtypes to `fallback`. */
export function gatherByCopy(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as tf.GatherV2Attrs;
    if (!COPYABLE.has(x.dtype) || indices.dtype !== 'int32') return fallback(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0];
    const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x as tf.Tensor, indices as tf.Tensor, parsedAxis, batchDims);
    const { batchSize, outerSize, dimSize, sliceSize } = info;
    const perBatch = batchSize === 0 ? 0 : tf.util.sizeFromShape(indices.shape) / batchSize;
    const ids = backend.typedArrayFromHeap(indices);
    // The same check, with the same message, as the package's kernel.
    for (let i = 0; i < ids.length; i++) {
      const index = ids[i];
      tf.util.assert(index <= dimSize - 1 && index >= 0, () => `GatherV2: the index value ${index} is not in [0, ${dimSize - 1}]`);
    }
    const out = backend.makeOutput(info.outputShape, x.dtype);
    if (sliceSize === 0 || tf.util.sizeFromShape(info.outputShape) === 0) return out;
    // Views are taken after the allocation: growing the wasm memory detaches older ones.
    const xView = backend.typedArrayFromHeap(x);
    const outView = backend.typedArrayFromHeap(out);
    const idView = backend.typedArrayFromHeap(indices);
    // One view over the whole heap in this element type, so each block is a single copyWithin.
    const heap = new (xView.constructor as Float32ArrayConstructor)(xView.buffer);
    const unit = xView.BYTES_PER_ELEMENT;
    const xBase = xView.byteOffset / unit;
    let dst = outView.byteOffset / unit;
    for (let b = 0; b < batchSize; b++) {
      for (let o = 0; o < outerSize; o++) {
        const rowBase = xBase + (b * outerSize + o) * dimSize * sliceSize;
        for (let i = 0; i < perBatch; i++, dst += sliceSize) {
          const src = rowBase + idView[b * perBatch + i] * sliceSize;
          heap.copyWithin(dst, src, src + sliceSize);
        }
      }
    }
    return out;
  };
}

/** Whether the wasm backend's GatherV2 is currently ours. */
export function wasmGatherOverridden(): boolean {
  return isWasmKernelOverridden(tf.GatherV2);
}

/** Replace the wasm backend's GatherV2 by gatherByCopy around it (idempotent). */
export function overrideWasmGather(): boolean {
  return overrideWasmKernel(tf.GatherV2, gatherByCopy);
}
