/**
 * Finding and loading Lamina's optional native kernel addon (src-main/native: C + OpenBLAS, built
 * by `npm ci` where a compiler and libopenblas-dev exist). Never throws: when the addon is absent,
 * disabled or broken, the answer says why, and training stays on pure wasm.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { errorMessage } from './hostError';

/** The addon's functions (see src-main/native/lamina_native.c for the argument layouts). */
export interface NativeAddon {
  matmul(a: Float32Array, b: Float32Array, c: Float32Array, params: Int32Array, bias?: Float32Array | null): void;
  conv2d(x: Float32Array, w: Float32Array, out: Float32Array, params: Int32Array, bias?: Float32Array | null): void;
  conv2dFilterGrad(x: Float32Array, dy: Float32Array, dw: Float32Array, params: Int32Array): void;
  conv2dInputGrad(dy: Float32Array, w: Float32Array, dx: Float32Array, params: Int32Array): void;
  tile(x: Float32Array | Int32Array, out: Float32Array | Int32Array, shape: Int32Array, reps: Int32Array): void;
  maxPoolGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, params: Int32Array): void;
  adam(
    value: Float32Array,
    m: Float32Array,
    v: Float32Array,
    g: Float32Array,
    outValue: Float32Array,
    outM: Float32Array,
    outV: Float32Array,
    scalars: Float32Array,
  ): void;
  /** OpenBLAS's build string, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64". */
  config(): string;
}

export type NativeLoad = { ok: true; addon: NativeAddon; library: string; path: string } | { ok: false; reason: string };

/** The env var that turns native kernels off ("0", "false", "off", "no"). */
export const NATIVE_ENV = 'LAMINA_NATIVE_KERNELS';
const ADDON_RELATIVE = join('src-main', 'native', 'build', 'Release', 'lamina_native.node');

const here = typeof __dirname === 'string' ? __dirname : process.cwd();

/** Where the built addon is: LAMINA_NATIVE_ADDON, else src-main/native/build/Release above this file or the cwd, else next to a packaged app's resources. */
export function findNativeAddon(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.LAMINA_NATIVE_ADDON) return existsSync(env.LAMINA_NATIVE_ADDON) ? env.LAMINA_NATIVE_ADDON : null;
  for (const start of [here, process.cwd()]) {
    let dir = start;
    for (let i = 0; i < 8; i++) {
      const candidate = join(dir, ADDON_RELATIVE);
      if (existsSync(candidate)) return candidate;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resources) {
    const packaged = join(resources, 'native', 'lamina_native.node');
    if (existsSync(packaged)) return packaged;
  }
  return null;
}

export function nativeDisabledByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(0|false|off|no)$/i.test((env[NATIVE_ENV] ?? '').trim());
}

/** "OpenBLAS 0.3.21 SkylakeX" (version and the CPU core its kernels are for) out of OpenBLAS's build string. */
export function libraryName(config: string): string {
  const m = /OpenBLAS\s+([0-9][0-9.]*)/.exec(config);
  const core = /(\S+)\s+MAX_THREADS/.exec(config)?.[1];
  return m ? `OpenBLAS ${m[1]}${core ? ` ${core}` : ''}` : config.split(' ')[0] || 'BLAS';
}

/**
 * The OpenBLAS core type for this CPU's vector units. OpenBLAS 0.3.21's DYNAMIC_ARCH does not
 * know newer or virtualised CPUs by model ("Intel(R) Xeon(R) Processor") and falls back to
 * Prescott (SSE3): 5× slower sgemm here (≈20 vs ≈115 GFLOP/s). Choosing by the CPU's flags fixes
 * that; a user's OPENBLAS_CORETYPE always wins. The core decides the kernels and so the exact
 * float32 results: it is part of the library name a run records.
 */
export function coreTypeForFlags(flags: string): string | null {
  const has = (f: string) => new RegExp(`\\b${f}\\b`).test(flags);
  if (has('avx512f') && has('avx512vl') && has('avx512bw') && has('avx512dq')) return 'SkylakeX';
  if (has('avx2') && has('fma')) return 'Haswell';
  return null;
}

function cpuFlags(): string {
  try {
    return /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}

let cached: NativeLoad | null = null;

/** Load the addon once per process (LAMINA_NATIVE_KERNELS=0 answers "disabled" without loading it). */
export function loadNativeAddon(env: NodeJS.ProcessEnv = process.env): NativeLoad {
  if (nativeDisabledByEnv(env)) return { ok: false, reason: `disabled by ${NATIVE_ENV}=${env[NATIVE_ENV]}` };
  if (cached) return cached;
  const path = findNativeAddon(env);
  if (path === null) {
    cached = { ok: false, reason: 'the addon is not built (npm ci builds it where a C compiler and libopenblas-dev exist)' };
    return cached;
  }
  // One BLAS thread: the same inputs must always give the same bits (replays are exact). OpenBLAS
  // reads this when it loads; the addon also calls openblas_set_num_threads(1).
  process.env.OPENBLAS_NUM_THREADS = '1';
  if (!env.OPENBLAS_CORETYPE && process.platform === 'linux') {
    const core = coreTypeForFlags(cpuFlags());
    if (core) process.env.OPENBLAS_CORETYPE = core;
  }
  try {
    const addon = createRequire(join(here, 'noop.js'))(path) as NativeAddon;
    cached = { ok: true, addon, library: libraryName(addon.config()), path };
  } catch (err) {
    cached = { ok: false, reason: `the addon did not load (${errorMessage(err).split('\n')[0].trim()})` };
  }
  return cached;
}
