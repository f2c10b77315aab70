/**
 * Picks the TensorFlow.js backend for a run: the best one present, or the one the run asks for.
 * Order: tensorflow (libtensorflow through @tensorflow/tfjs-node-gpu or -node; optional deps) →
 * wasm (@tensorflow/tfjs-backend-wasm) → cpu (pure JS, always there). The reason records why
 * each better backend was passed over, so a slow run explains itself.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type * as WasmBackend from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../../domain';
import { HostError, errorMessage } from './hostError';
import { registerMissingWasmKernels } from './wasmKernels';
import { enableNativeKernels } from './nativeKernels';

export interface BackendChoice {
  backend: BackendName;
  /** Why better backends were passed over ("tensorflow: … ; wasm: …"), or that it was requested. */
  reason: string;
}

// A require that works from sources (tsx, vitest) and from the CommonJS bundle in out/main.
const hostRequire = createRequire(typeof __filename === 'string' ? __filename : join(process.cwd(), 'noop.js'));

/** First line of an error, short enough for a run's record. */
function shortCause(err: unknown): string {
  return errorMessage(err).split('\n')[0].trim();
}

/** CUDA counts as usable when an NVIDIA driver and a CUDA runtime library are both visible. */
export function cudaVisible(env: NodeJS.ProcessEnv = process.env, platform = process.platform): { ok: boolean; why: string } {
  if (platform === 'darwin') return { ok: false, why: 'CUDA is not available on macOS' };
  if (platform === 'win32') {
    const sys = join(env.SystemRoot ?? 'C:\\Windows', 'System32', 'nvcuda.dll');
    if (!existsSync(sys)) return { ok: false, why: 'no NVIDIA driver (nvcuda.dll) found' };
    return env.CUDA_PATH ? { ok: true, why: '' } : { ok: false, why: 'CUDA_PATH is not set (no CUDA toolkit)' };
  }
  if (!existsSync('/proc/driver/nvidia/version')) return { ok: false, why: 'no NVIDIA driver visible' };
  const dirs = [
    ...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    '/usr/local/cuda/lib64',
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
  ];
  for (const dir of dirs) {
    try {
      if (readdirSync(dir).some((f) => f.startsWith('libcudart.so'))) return { ok: true, why: '' };
    } catch {
      // unreadable or missing folder: keep looking
    }
  }
  return { ok: false, why: 'no CUDA runtime (libcudart) found' };
}

type Attempt = { ok: true; note?: string } | { ok: false; cause: string };

async function tryTensorflow(): Promise<Attempt> {
  // libtensorflow is chatty on stderr; keep only its errors.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  const cuda = cudaVisible();
  let gpuNote = `GPU: ${cuda.why}`;
  if (cuda.ok) {
    try {
      hostRequire('@tensorflow/tfjs-node-gpu');
      if (await tf.setBackend('tensorflow')) return { ok: true, note: 'GPU (@tensorflow/tfjs-node-gpu)' };
      gpuNote = 'GPU: @tensorflow/tfjs-node-gpu failed to initialise';
    } catch (err) {
      gpuNote = `GPU: @tensorflow/tfjs-node-gpu is not usable (${shortCause(err)})`;
    }
  }
  try {
    hostRequire('@tensorflow/tfjs-node');
  } catch (err) {
    const missing = /Cannot find module/.test(errorMessage(err));
    return {
      ok: false,
      cause: `@tensorflow/tfjs-node is ${missing ? 'not installed' : 'not usable'} (${shortCause(err)}) [${gpuNote}]`,
    };
  }
  if (await tf.setBackend('tensorflow')) return { ok: true, note: `CPU (@tensorflow/tfjs-node) [${gpuNote}]` };
  return { ok: false, cause: `@tensorflow/tfjs-node failed to initialise [${gpuNote}]` };
}

/** Folder holding tfjs-backend-wasm's .wasm files (bundlers break the package's own lookup). */
export function wasmDistDir(): string {
  return join(dirname(hostRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

async function tryWasm(): Promise<Attempt> {
  let wasm: typeof WasmBackend;
  try {
    wasm = hostRequire('@tensorflow/tfjs-backend-wasm');
    // A warm host (engine/host/prewarm.ts) initialised it already; the paths cannot change after that.
    if (!tf.findBackend('wasm')) wasm.setWasmPaths(wasmDistDir());
  } catch (err) {
    return { ok: false, cause: `@tensorflow/tfjs-backend-wasm is not usable (${shortCause(err)})` };
  }
  try {
    if (!(await tf.setBackend('wasm'))) return { ok: false, cause: 'the WebAssembly module failed to initialise' };
  } catch (err) {
    return { ok: false, cause: `the WebAssembly module failed to initialise (${shortCause(err)})` };
  }
  registerMissingWasmKernels();
  // Native kernels (C + OpenBLAS, one thread) take over the heavy kernels where the addon is built;
  // either way the run records which kernels trained it.
  const native = enableNativeKernels();
  return { ok: true, note: native.ok ? `wasm + native kernels (${native.library}, 1 thread)` : `native kernels unavailable: ${native.reason}` };
}

async function tryCpu(): Promise<Attempt> {
  if (!(await tf.setBackend('cpu'))) return { ok: false, cause: 'the cpu backend failed to initialise' };
  // The cpu backend prints an "install the node backend" banner on first use; we already told the user why.
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  return { ok: true };
}

const ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];
const ATTEMPTS: Record<BackendName, () => Promise<Attempt>> = { tensorflow: tryTensorflow, wasm: tryWasm, cpu: tryCpu };

/**
 * Activate a backend. With `requested` null, the best present one; otherwise exactly that one,
 * failing with reason 'backend' when it cannot be used.
 */
export async function chooseBackend(requested: BackendName | null): Promise<BackendChoice> {
  if (requested !== null) {
    if (!ORDER.includes(requested)) throw new HostError('backend', `unknown backend "${requested}" (use ${ORDER.join(', ')})`);
    const attempt = await ATTEMPTS[requested]();
    if (!attempt.ok) throw new HostError('backend', `backend "${requested}" is not available: ${attempt.cause}`);
    await tf.ready();
    return { backend: requested, reason: `requested by the run${attempt.note ? `; ${attempt.note}` : ''}` };
  }
  const passedOver: string[] = [];
  for (const name of ORDER) {
    const attempt = await ATTEMPTS[name]();
    if (attempt.ok) {
      await tf.ready();
      const parts = [...passedOver];
      if (attempt.note) parts.push(`${name}: ${attempt.note}`);
      return { backend: name, reason: parts.length ? parts.join('; ') : 'best available' };
    }
    passedOver.push(`${name}: ${attempt.cause}`);
  }
  throw new HostError('backend', `no TensorFlow.js backend could be initialised: ${passedOver.join('; ')}`);
}
