/**
 * Replacing one of tfjs-backend-wasm's own kernels by a wrapper around it. The package's kernel
 * stays reachable inside the wrapper (as the fast path or the fallback), and its setupFunc is kept
 * so a re-initialised backend still binds the wasm function that kernel calls. Wrappers carry a
 * tag ('wasm' for the pure-wasm overrides, 'native' for the native kernels of nativeKernels.ts),
 * so that a second layer can wrap the first and each layer stays idempotent.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';

/** Marks kernel funcs that are Lamina's wrappers (with the tags of every layer), so that registering twice does not wrap twice. */
const OURS = Symbol('lamina.wasmKernelOverride');
type Marked = KernelFunc & { [OURS]?: ReadonlySet<string> };

/** Whether the wasm backend's kernel `name` is currently wrapped by a layer tagged `tag`. */
export function isWasmKernelOverridden(name: string, tag = 'wasm'): boolean {
  const current = tf.getKernel(name, 'wasm');
  return current !== undefined && (current.kernelFunc as Marked)[OURS]?.has(tag) === true;
}

/**
 * Replace the wasm backend's kernel `name` by `wrap(theirs)` (idempotent per tag). Returns whether
 * it replaced it now. Must run after the wasm backend is registered (and, for a kernel the package
 * lacks, after ours is registered).
 */
export function overrideWasmKernel(name: string, wrap: (theirs: KernelFunc) => KernelFunc, tag = 'wasm'): boolean {
  const current = tf.getKernel(name, 'wasm');
  if (current === undefined || isWasmKernelOverridden(name, tag)) return false;
  const kernelFunc: Marked = wrap(current.kernelFunc);
  kernelFunc[OURS] = new Set([...((current.kernelFunc as Marked)[OURS] ?? []), tag]);
  const replacement: KernelConfig = { ...current, kernelFunc };
  // registerKernel over an existing name only warns and overwrites; unregistering first makes the
  // replacement explicit.
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(replacement);
  return true;
}
