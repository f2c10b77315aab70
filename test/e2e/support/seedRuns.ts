/** Seed N finished runs straight through the run store (for list/filter timing at scale). */
import type { Lamina } from '../../../src-main/core/lamina';
import { MetricWriter } from '../../../src-main/core/store/metricWriter';
import type { TrainConfig } from '../../../src-main/core/domain';

const config: TrainConfig = {
  epochs: 10,
  batchSize: 32,
  seed: 0,
  optimizer: 'adam',
  learningRate: 0.01,
  backend: null,
  earlyStoppingPatience: 0,
  earlyStoppingMonitor: 'val_loss',
  clipNorm: null,
  clipValue: null,
  checkpointEvery: 0,
  shuffle: true,
  params: {},
};

export function seedRuns(core: Lamina, n: number): void {
  const store = core.store;
  const writer = new MetricWriter(store.db, { maxBufferedPoints: 50_000, flushIntervalMs: 0 });
  const optimizers = ['adam', 'sgd', 'rmsprop', 'momentum'];
  const base = Date.parse('2026-01-01T00:00:00Z');
  store.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = `seed${String(i).padStart(6, '0')}`;
      const optimizer = optimizers[i % optimizers.length]!;
      const lr = [0.1, 0.01, 0.001][i % 3]!;
      store.createRun({
        id,
        experiment: `sweep-${i % 10}`,
        name: `sweep run ${i}`,
        status: i % 50 === 0 ? 'failed' : 'completed',
        seed: i,
        modelName: i % 2 ? 'mlp' : 'wide-mlp',
        source: '// seeded',
        sourceHash: 'seed',
        datasetId: 'seeded',
        datasetHash: 'seed',
        config: { ...config, seed: i, optimizer, learningRate: lr },
        backend: 'cpu',
        createdAt: new Date(base + i * 60_000).toISOString(),
        durationMs: 1000 + (i % 97) * 10,
      });
      store.setParams(id, { optimizer, learning_rate: lr, units: 8 * (1 + (i % 4)) });
      const acc = 0.5 + 0.5 * ((i * 7919) % 1000) / 1000;
      writer.write(id, [
        { key: 'test_accuracy', step: 10, epoch: 10, value: acc, time: base },
        { key: 'val_loss', step: 10, epoch: 10, value: 1.2 - acc, time: base },
      ]);
    }
  })();
  writer.flush();
  writer.close();
}
