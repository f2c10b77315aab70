import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDataset } from '../../../src-main/core/datasets/importDataset';
import { ensureWorkspaceFolders, workspacePaths } from '../../../src-main/core/workspace/workspace';
import type { DoneMessage } from '../../../src-main/core/engine/protocol';
import { startHost } from './hostProcess';
import { sharedDatasets } from '../../helpers/cli';

const root = mkdtempSync(join(tmpdir(), 'lamina-digits-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('LeNet-5 learns digits-8x8 (flat 64 → 8×8×1) on the wasm backend to test accuracy ≥ 0.95', async () => {
  const paths = workspacePaths(root);
  ensureWorkspaceFolders(paths);
  const digits = await importDataset(`${sharedDatasets}/digits-8x8.csv`, { name: 'digits', target: 'digit', task: 'classification' }, paths);
  expect(digits.inputShape).toEqual([64]);
  expect(digits.classes).toHaveLength(10);

  const host = startHost();
  const started = Date.now();
  host.send({
    type: 'start',
    runId: 'digits',
    source: readFileSync(join(__dirname, '../../../resources/templates/lenet5.ts'), 'utf8'),
    dataset: digits,
    datasetFile: join(root, digits.file),
    artifactsDir: mkdtempSync(join(paths.artifacts, 'run-')),
    config: {
      epochs: 20, batchSize: 32, seed: 1, optimizer: null, learningRate: null, backend: 'wasm',
      earlyStoppingPatience: 0, earlyStoppingMonitor: 'val_loss', clipNorm: null, clipValue: null,
      checkpointEvery: 0, shuffle: true, params: {},
    },
  });
  const { code } = await host.exit;
  const seconds = (Date.now() - started) / 1000;
  expect(code, host.stderr()).toBe(0);
  const done = host.messages.at(-1) as DoneMessage;
  expect(done.type).toBe('done');
  console.log(`digits LeNet-5 on wasm: test_accuracy ${done.testMetrics.test_accuracy.toFixed(4)}, ${seconds.toFixed(1)} s for 20 epochs`);
  expect(done.testMetrics.test_accuracy).toBeGreaterThanOrEqual(0.95);
  expect(done.testMetrics.test_f1_macro).toBeGreaterThanOrEqual(0.94);
  expect(done.report!.confusion).toHaveLength(10);
});
