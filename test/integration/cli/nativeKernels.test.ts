/**
 * Training with Lamina's native kernels through the CLI, as users run it: the run records that the
 * native kernels trained it (and which library), and a replay matches bit for bit (maxAbsDiff 0)
 * — the kernels are single-threaded and deterministic. With LAMINA_NATIVE_KERNELS=0 the same
 * training runs on pure wasm and the run records why the native kernels were not used.
 * The Small CNN template exercises every native kernel: sgemm (dense layers and their gradients),
 * both convolution gradients, a 32-channel forward convolution, MaxPoolGrad, Tile (batch
 * normalisation's gradient) and Adam.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadNativeAddon } from '../../../src-main/core/engine/host/nativeAddon';
import { cliBuilt, lamina, sharedDatasets, tempWorkspace } from '../../helpers/cli';

const native = loadNativeAddon({});

describe.skipIf(!cliBuilt)('training with native kernels (skipped when out/ is missing: run `npm run build`)', () => {
  const train = ['train', '--dataset', 'digits-8x8', '--model', 'template:small-cnn', '--backend', 'wasm', '--epochs', '2', '--seed', '3', '--json'];

  it.skipIf(!native.ok)('records the native kernels on the run and replays with maxAbsDiff 0', async () => {
    const ws = tempWorkspace();
    const imp = await lamina(['import', join(sharedDatasets, 'digits-8x8.csv'), '--target', 'digit', '--json'], ws);
    expect(imp.code, imp.stderr).toBe(0);
    const run = await lamina(train, ws);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ status: 'completed', backend: 'wasm' });
    expect(run.json.backendReason).toMatch(/wasm \+ native kernels \(OpenBLAS [\d.]+ \S+, 1 thread\)/);
    const replay = await lamina(['replay', run.json.id, '--json'], ws);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.json).toMatchObject({ match: true, maxAbsDiff: 0 });
  }, 600_000);

  it('falls back to pure wasm with LAMINA_NATIVE_KERNELS=0 and records why', async () => {
    const ws = tempWorkspace();
    const env = { LAMINA_NATIVE_KERNELS: '0' };
    const imp = await lamina(['import', join(sharedDatasets, 'digits-8x8.csv'), '--target', 'digit', '--json'], ws, env);
    expect(imp.code, imp.stderr).toBe(0);
    const run = await lamina(train, ws, env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ status: 'completed', backend: 'wasm' });
    expect(run.json.backendReason).toContain('native kernels unavailable: disabled by LAMINA_NATIVE_KERNELS=0');
    expect(run.json.metrics.test_accuracy).toBeGreaterThan(0.5);
    const replay = await lamina(['replay', run.json.id, '--json'], ws, env);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.json).toMatchObject({ match: true, maxAbsDiff: 0 });
  }, 600_000);
});
