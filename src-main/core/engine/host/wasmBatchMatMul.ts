/**
 * BatchMatMul on the wasm backend without transposed operands. tfjs-backend-wasm 4.22 sends only
 * untransposed multiplies to XNNPACK; with transposeA or transposeB it runs a plain scalar loop
 * ~10–15× slower. Dense-layer gradients are exactly those multiplies (dW = xᵀ·dy, dx = dy·Wᵀ):
 * the 784-256-10 MLP spent ~50 of its ~65 ms per training step in one xᵀ·dy.
 *
 * This kernel materialises each transposed operand with wasm's own Transpose (an exact copy),
 * then calls the package's BatchMatMul untransposed. XNNPACK here is single-threaded with a fixed
 * reduction order, so results are bit-identical run to run; they differ from the scalar loop's
 * only by float32 summation order.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { isWasmKernelOverridden, overrideWasmKernel } from './wasmKernelOverride';

/** The parts of BackendWasm this module uses. */
interface WasmBackendLike {
  disposeData(dataId: unknown, force?: boolean): boolean;
}

/** Swap the last two axes of a tensor of `rank` ≥ 2. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

function kernelOf(name: string): KernelFunc {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`the wasm backend has no ${name} kernel`);
  return config.kernelFunc;
}

/**
 * A BatchMatMul kernel func that transposes operands first and then calls `untransposed`
 * (the package's own BatchMatMul) with transposeA = transposeB = false.
 */
export function batchMatMulWithoutTransposes(untransposed: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    // Nothing to gain, or a case the package rejects: let it answer (and word its errors) as always.
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') return untransposed(args);
    if (a.shape.length < 2 || b.shape.length < 2) return untransposed(args);
    const innerA = a.shape[a.shape.length - (transposeA ? 2 : 1)];
    const innerB = b.shape[b.shape.length - (transposeB ? 1 : 2)];
    if (innerA !== innerB) return untransposed(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const transpose = kernelOf(tf.Transpose);
    const made: TensorInfo[] = [];
    const materialise = (x: TensorInfo): TensorInfo => {
      const t = transpose({ inputs: { x }, backend: args.backend, attrs: { perm: swapLastTwo(x.shape.length) } }) as TensorInfo;
      made.push(t);
      return t;
    };
    try {
      return untransposed({
        inputs: { a: transposeA ? materialise(a) : a, b: transposeB ? materialise(b) : b },
        backend: args.backend,
        attrs: { transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of made) backend.disposeData(t.dataId);
    }
  };
}

/** Whether the wasm backend's BatchMatMul is currently ours. */
export function wasmBatchMatMulOverridden(): boolean {
  return isWasmKernelOverridden(tf.BatchMatMul);
}

/** Replace the wasm backend's BatchMatMul by batchMatMulWithoutTransposes around it (idempotent). */
export function overrideWasmBatchMatMul(): boolean {
  return overrideWasmKernel(tf.BatchMatMul, batchMatMulWithoutTransposes);
}
