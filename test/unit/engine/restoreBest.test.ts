import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BEST_WEIGHTS_BIN, checkpointFolder } from '../../../src-main/core/engine/host/checkpoints';
import { iris } from './helpers/csvDataset';
import { runInProcess, template } from './helpers/runInProcess';
import { resolveTrainConfig } from '../../../src-main/core/training/trainConfig';
import { listBuiltinTemplates } from '../../../src-main/core/models/templates';

const mlp = template('mlp');

describe('early stopping with restore-best', () => {
  it('evaluates and saves the best epoch: test metrics equal a run trained for exactly that many epochs', async () => {
    const config = { epochs: 80, earlyStoppingPatience: 3, earlyStoppingMonitor: 'val_accuracy', restoreBestWeights: true };
    const run = await runInProcess(iris(), mlp, config);
    const done = run.done!;
    expect(done.stoppedEarly).toBe(true);
    const acc = run.series('val_accuracy');
    const bestEpoch = acc.indexOf(Math.max(...acc)) + 1;
    expect(bestEpoch).toBe(done.epochsRun - 3);
    expect(run.series('restored_epoch')).toEqual([bestEpoch]);

    // Same seed, stopped by hand at the best epoch: the same weights, so the same test metrics, bit for bit.
    const atBest = await runInProcess(iris(), mlp, { epochs: bestEpoch });
    expect(done.testMetrics).toEqual(atBest.done!.testMetrics);

    // Without restore-best (the old behaviour) the last epoch's weights are evaluated.
    const last = await runInProcess(iris(), mlp, { ...config, restoreBestWeights: false });
    expect(last.series('restored_epoch')).toEqual([]);
    const atLast = await runInProcess(iris(), mlp, { epochs: done.epochsRun });
    expect(last.done!.testMetrics).toEqual(atLast.done!.testMetrics);
  });

  it('a run resumed from a checkpoint restores the same best epoch as one that ran straight through', async () => {
    const config = { epochs: 80, earlyStoppingPatience: 3, earlyStoppingMonitor: 'val_accuracy', restoreBestWeights: true };
    const straight = await runInProcess(iris(), mlp, config);
    const bestEpoch = straight.series('restored_epoch')[0];
    // Interrupted one epoch after the best: the checkpoint holds the best weights apart from the current ones.
    const first = await runInProcess(iris(), mlp, { ...config, epochs: bestEpoch + 1, checkpointEvery: bestEpoch + 1 });
    const dir = join(first.artifactsDir, checkpointFolder(bestEpoch + 1));
    expect(existsSync(join(dir, BEST_WEIGHTS_BIN))).toBe(true);
    const resumed = await runInProcess(iris(), mlp, config, { resume: dir });
    expect(resumed.done!.epochsRun).toBe(straight.done!.epochsRun);
    expect(resumed.series('restored_epoch')).toEqual([bestEpoch]);
    expect(resumed.done!.testMetrics).toEqual(straight.done!.testMetrics);
  });

  it('restores nothing when the last epoch was the best, and never without early stopping', async () => {
    const run = await runInProcess(iris(), mlp, { epochs: 3, earlyStoppingPatience: 5, restoreBestWeights: true });
    const loss = run.series('val_loss');
    if (loss.indexOf(Math.min(...loss)) === loss.length - 1) expect(run.series('restored_epoch')).toEqual([]);
    const off = await runInProcess(iris(), mlp, { epochs: 3, earlyStoppingPatience: 0, restoreBestWeights: true });
    expect(off.series('restored_epoch')).toEqual([]);
  });

  it('is on by default for every built-in template, and recorded with the run params', () => {
    for (const t of listBuiltinTemplates()) {
      expect(t.defaults?.earlyStoppingPatience, t.id).toBeGreaterThan(0);
      expect(t.defaults?.restoreBestWeights, t.id).toBe(true);
    }
    const c = resolveTrainConfig({ earlyStoppingPatience: 10, restoreBestWeights: true, seed: 1 });
    expect(c.restoreBestWeights).toBe(true);
    expect(() => resolveTrainConfig({ restoreBestWeights: 'yes' as unknown as boolean })).toThrow(/restoreBestWeights must be true or false/);
  });
});
