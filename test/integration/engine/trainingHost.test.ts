import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetMeta, TrainConfig } from '../../../src-main/core/domain';
import type { StartTrainingMessage } from '../../../src-main/core/engine/protocol';
import { importDataset } from '../../../src-main/core/datasets/importDataset';
import { ensureWorkspaceFolders, workspacePaths } from '../../../src-main/core/workspace/workspace';
import { startHost } from './hostProcess';
import { sharedDatasets } from '../../helpers/cli';

const root = mkdtempSync(join(tmpdir(), 'lamina-host-'));
const paths = workspacePaths(root);
let iris: DatasetMeta;
const template = (id: string) => readFileSync(join(__dirname, '../../../resources/templates', `${id}.ts`), 'utf8');

const config = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  epochs: 30, batchSize: 16, seed: 3, optimizer: null, learningRate: null, backend: null,
  earlyStoppingPatience: 0, earlyStoppingMonitor: 'val_loss', clipNorm: null, clipValue: null,
  checkpointEvery: 0, shuffle: true, params: {}, ...over,
});

function start(over: Partial<TrainConfig> = {}, source = template('mlp')): StartTrainingMessage {
  const artifactsDir = mkdtempSync(join(paths.artifacts, 'run-'));
  return { type: 'start', runId: 'r1', source, dataset: iris, datasetFile: join(root, iris.file), config: config(over), artifactsDir };
}

describe('training host process (forked from sources)', () => {
  beforeAll(async () => {
    ensureWorkspaceFolders(paths);
    iris = await importDataset(`${sharedDatasets}/iris.csv`, { name: 'iris', target: 'species' }, paths);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains a run end to end over the message protocol and exits 0', async () => {
    const host = startHost();
    const msg = start();
    host.send(msg);
    const { code, signal } = await host.exit;
    expect(host.stderr()).not.toMatch(/Hi, looks like you are running TensorFlow\.js in Node\.js/);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const types = host.messages.map((m) => m.type);
    expect(types[0]).toBe('backend');
    expect(types[1]).toBe('model');
    expect(types.at(-1)).toBe('done');
    const backend = host.messages[0];
    expect(backend).toMatchObject({ type: 'backend', backend: 'wasm' });
    expect(backend.type === 'backend' && backend.reason).toMatch(/^tensorflow: @tensorflow\/tfjs-node is not installed/);
    const done = host.messages.at(-1)!;
    expect(done.type === 'done' && done.status).toBe('completed');
    expect(done.type === 'done' && done.epochsRun).toBe(30);
    expect(done.type === 'done' && done.testMetrics.test_accuracy).toBeGreaterThan(0.85);
    const epochLoss = host.messages.flatMap((m) => (m.type === 'metrics' ? m.points : [])).filter((p) => p.key === 'val_loss');
    expect(epochLoss.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(existsSync(join(msg.artifactsDir, 'model', 'model.json'))).toBe(true);
    expect(existsSync(join(msg.artifactsDir, 'evaluation.json'))).toBe(true);
  });

  it('is seen by the parent as killed by a signal when SIGKILLed mid-run', async () => {
    const host = startHost();
    host.send(start({ epochs: 10_000 }));
    await host.next((m) => m.type === 'metrics');
    host.child.kill('SIGKILL');
    expect(await host.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(host.messages.some((m) => m.type === 'done')).toBe(false);
  });

  it('cancels between batches on a cancel message', async () => {
    const host = startHost();
    host.send(start({ epochs: 10_000 }));
    await host.next((m) => m.type === 'metrics');
    host.send({ type: 'cancel' });
    const done = await host.next((m) => m.type === 'done');
    expect(done).toMatchObject({ type: 'done', status: 'cancelled' });
    expect((await host.exit).code).toBe(0);
  });

  it('reports a syntax error in the source as one "source" error and exits 1', async () => {
    const host = startHost();
    host.send(start({}, 'export default function createModel(ctx) {\n  return ctx.tf.sequential(;\n}\n'));
    const { code } = await host.exit;
    expect(code).toBe(1);
    const errors = host.messages.filter((m) => m.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ type: 'error', reason: 'source' });
    expect(errors[0].type === 'error' && errors[0].message).toMatch(/^model\.ts:2:\d+: syntax error/);
  });

  it('reports a missing dataset file as reason "data"', async () => {
    const host = startHost();
    host.send({ ...start(), datasetFile: join(root, 'nope.arrow') });
    expect((await host.exit).code).toBe(1);
    expect(host.messages.at(-1)).toMatchObject({ type: 'error', reason: 'data' });
  });

  it('inspects a model without training', async () => {
    const host = startHost();
    host.send({ type: 'inspect', source: template('lenet5'), dataset: { inputShape: [64], task: 'classification', classes: ['0', '1', '2'] }, params: {}, backend: 'cpu' });
    expect((await host.exit).code).toBe(0);
    const inspected = host.messages.at(-1)!;
    expect(inspected).toMatchObject({ type: 'inspected', backend: 'cpu' });
    expect(inspected.type === 'inspected' && inspected.summary.layers.map((l) => l.className)).toEqual([
      'Reshape', 'Conv2D', 'AveragePooling2D', 'Conv2D', 'AveragePooling2D', 'Flatten', 'Dense', 'Dense', 'Dense',
    ]);
  });

  // The bundle is what the app ships; `npm test` builds it first. Skipped only where no build exists.
  const bundled = join(__dirname, '../../../out/main/trainingHost.js');
  it.skipIf(!existsSync(bundled))('trains from the CommonJS bundle out/main/trainingHost.js on wasm (its .wasm files found)', async () => {
    const host = startHost(bundled, []);
    host.send(start({ epochs: 3, backend: 'wasm' }));
    const { code } = await host.exit;
    expect(code, host.stderr()).toBe(0);
    expect(host.messages[0]).toMatchObject({ type: 'backend', backend: 'wasm' });
    expect(host.messages.at(-1)).toMatchObject({ type: 'done', status: 'completed', epochsRun: 3 });
  });

  it('exits when its parent disconnects', async () => {
    const host = startHost();
    await new Promise((r) => setTimeout(r, 300));
    host.child.disconnect();
    expect((await host.exit).code).toBe(0);
  });
});
