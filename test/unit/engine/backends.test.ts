import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, cudaVisible } from '../../../src-main/core/engine/host/backends';
import { HostError } from '../../../src-main/core/engine/host/hostError';

// tfjs-node(-gpu) are optional dependencies that cannot be installed on this machine (no libtensorflow).
const tfjsNodeInstalled = (() => {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

describe('backend choice', () => {
  it.skipIf(tfjsNodeInstalled)('picks wasm and says why tensorflow was passed over', async () => {
    const choice = await chooseBackend(null);
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.reason).toMatch(/^tensorflow: @tensorflow\/tfjs-node is not installed \(Cannot find module '@tensorflow\/tfjs-node'/);
    expect(choice.reason).toContain('GPU: ');
  });

  it.skipIf(tfjsNodeInstalled)('fails with reason "backend" when the requested backend is unavailable', async () => {
    const err = await chooseBackend('tensorflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostError);
    expect((err as HostError).reason).toBe('backend');
    expect((err as HostError).message).toMatch(/^backend "tensorflow" is not available: @tensorflow\/tfjs-node is not installed/);
    const unknown = await chooseBackend('tpu' as never).catch((e: unknown) => e);
    expect((unknown as HostError).message).toMatch(/unknown backend "tpu"/);
  });

  it('honours a requested backend', async () => {
    expect(await chooseBackend('cpu')).toEqual({ backend: 'cpu', reason: 'requested by the run' });
    expect(tf.getBackend()).toBe('cpu');
    expect((await chooseBackend('wasm')).backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('only tries CUDA when a driver and runtime are visible', () => {
    expect(cudaVisible({}, 'darwin').ok).toBe(false);
    expect(cudaVisible({ SystemRoot: '/nonexistent' }, 'win32')).toEqual({ ok: false, why: 'no NVIDIA driver (nvcuda.dll) found' });
    const linux = cudaVisible({}, 'linux');
    expect(linux.ok).toBe(false); // no GPU on developer and CI machines
    expect(linux.why).toMatch(/NVIDIA driver|libcudart/);
  });
});
