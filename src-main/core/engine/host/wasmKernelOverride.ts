/**
 * Replacing one of tfjs-backend-wasm's own kernels by a wrapper around it. The package's kernel
 * stays reachable inside the wrapper (as the fast path or the fallback), and its setupFunc is kept
 * so a re-initialised backend still binds the wasm function that kernel calls.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';

/** Marks kernel funcs that are Lamina's wrappers, so that registering twice does not wrap twice. */
const OURS = Symbol('lamina.wasmKernelOverride');
type Marked = KernelFunc & { [OURS]?: true };

/** Whether the wasm backend's kernel `name` is currently one of our wrappers. */
export function isWasmKernelOverridden(name: string): boolean {
  const current = tf.getKernel(name, 'wasm');
  return current !== undefined && (current.kernelFunc as Marked)[OURS] === true;
}

/**
 * Replace the wasm backend's kernel `name` by `wrap(theirs)` (idempotent). Returns whether it
 * replaced it now. Must run after the wasm backend is registered.
 */
export function overrideWasmKernel(name: string, wrap: (theirs: KernelFunc) => KernelFunc): boolean {
  const current = tf.getKernel(name, 'wasm');
  if (current === undefined || isWasmKernelOverridden(name)) return false;
  const kernelFunc: Marked = wrap(current.kernelFunc);
  kernelFunc[OURS] = true;
  const replacement: KernelConfig = { ...current, kernelFunc };
  // registerKernel over an existing name only warns and overwrites; unregistering first makes the
  // replacement explicit.
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(replacement);
  return true;
}
