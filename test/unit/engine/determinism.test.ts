import { describe, expect, it } from 'vitest';
import { installSeededRandom } from '../../../src-main/core/engine/host/determinism';
import { csvDataset, DATASETS, iris } from './helpers/csvDataset';
import { runInProcess, template } from './helpers/runInProcess';

describe('determinism', () => {
  it('replaces Math.random with a generator seeded by the run, whose state can be saved and restored', () => {
    const random = installSeededRandom(7);
    try {
      const a = [Math.random(), Math.random()];
      const state = random.state();
      const b = [Math.random(), Math.random()];
      random.restore(state);
      expect([Math.random(), Math.random()]).toEqual(b);
      const again = installSeededRandom(7);
      expect([Math.random(), Math.random()]).toEqual(a);
      again.uninstall();
    } finally {
      random.uninstall();
    }
  });

  // Dropout, initializers and shuffling all draw random numbers; the whole metric series must match.
  const keys = ['batch/loss', 'batch/accuracy', 'loss', 'accuracy', 'val_loss', 'val_accuracy'];

  it('replays an MLP run with dropout bit-for-bit on cpu, and a different seed differs', async () => {
    const config = { epochs: 3, batchSize: 16, seed: 99, backend: 'cpu' as const, params: { dropout: 0.3 } };
    const a = await runInProcess(iris(), template('mlp'), config);
    const b = await runInProcess(iris(), template('mlp'), config);
    for (const key of keys) expect(b.series(key), key).toEqual(a.series(key));
    expect(b.done!.testMetrics).toEqual(a.done!.testMetrics);
    const c = await runInProcess(iris(), template('mlp'), { ...config, seed: 100 });
    expect(c.series('batch/loss')).not.toEqual(a.series('batch/loss'));
  });

  it('replays a LeNet-5 run (convolutions, pooling, our wasm kernels) bit-for-bit on wasm', async () => {
    const digits = () => csvDataset(`${DATASETS}/digits-8x8.csv`, { target: 'digit', limit: 300 });
    const config = { epochs: 2, batchSize: 32, seed: 5, backend: 'wasm' as const, params: { dropout: 0.2 } };
    const a = await runInProcess(digits(), template('lenet5'), config);
    expect(a.messages[0]).toMatchObject({ type: 'backend', backend: 'wasm' });
    const b = await runInProcess(digits(), template('lenet5'), config);
    for (const key of keys) {
      expect(a.series(key).length, key).toBeGreaterThan(0);
      expect(b.series(key), key).toEqual(a.series(key));
    }
  });
});
