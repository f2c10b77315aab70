import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { listBuiltinTemplates } from '../../../src-main/core/models/templates';
import { resourcesDir } from '../../../src-main/core/resources';
import { buildModelFromSource, type ModelSourceInput } from '../../../src-main/core/models/modelSource';
import { formatSummary, summarizeModel } from '../../../src-main/core/models/summary';
import { chooseBackend } from '../../../src-main/core/engine/host/backends';

const tabular = (task: 'classification' | 'regression', classes = ['a', 'b', 'c']): ModelSourceInput => ({
  inputShape: [4], task, classes: task === 'regression' ? [] : classes, params: {}, seed: 3,
});
const image = (inputShape: number[]): ModelSourceInput => ({
  inputShape, task: 'classification', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], params: {}, seed: 3,
});

const source = (id: string) => listBuiltinTemplates().find((t) => t.id === id)!.source;


describe('built-in templates', () => {
  beforeAll(async () => {
    await chooseBackend('wasm');
  });

  it('lists the five templates with names and descriptions from their meta', () => {
    const list = listBuiltinTemplates();
    expect(list.map((t) => t.id)).toEqual(['autoencoder', 'lenet5', 'lstm', 'mlp', 'small-cnn']);
    for (const t of list) {
      expect(t.origin).toBe('builtin');
      expect(t.name.length).toBeGreaterThan(2);
      expect(t.description.length).toBeGreaterThan(10);
      expect(t.source).toContain('export default function createModel');
    }
    expect(list.find((t) => t.id === 'lenet5')!.name).toBe('LeNet-5');
  });

  it('finds resources/ from $LAMINA_RESOURCES or by walking up from a bundle folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'lamina-res-'));
    mkdirSync(join(root, 'resources', 'templates'), { recursive: true });
    mkdirSync(join(root, 'out', 'main'), { recursive: true });
    writeFileSync(join(root, 'resources', 'templates', 'one.ts'), "export const meta = { name: 'One', description: 'just one template' };\nexport default function createModel() {}\n");
    expect(resourcesDir({}, join(root, 'out', 'main'))).toBe(join(root, 'resources'));
    expect(resourcesDir({ LAMINA_RESOURCES: '/x/res' })).toBe('/x/res');
    expect(listBuiltinTemplates(join(root, 'resources', 'templates')).map((t) => t.name)).toEqual(['One']);
  });

  const cases: [string, ModelSourceInput, Record<string, string | number | boolean>][] = [
    ['mlp', tabular('classification'), {}],
    ['mlp', tabular('classification'), { activation: 'leakyRelu', batchNorm: true, dropout: 0.3, l1: 1e-4, l2: 1e-3, optimizer: 'momentum' }],
    ['mlp', tabular('classification', ['no', 'yes']), { sigmoidOutput: true, activation: 'sigmoid' }],
    ['mlp', tabular('classification'), { loss: 'kullbackLeiblerDivergence', activation: 'tanh', optimizer: 'adadelta' }],
    ['mlp', tabular('regression'), { hidden: '8', optimizer: 'rmsprop' }],
    ['lenet5', image([64]), {}],
    ['lenet5', image([8, 8, 1]), { pooling: 'max', activation: 'relu', batchNorm: true, dropout: 0.2 }],
    ['small-cnn', image([64]), { optimizer: 'adagrad' }],
    ['lstm', image([64]), {}],
    ['lstm', tabular('regression'), { units: 4 }],
    ['autoencoder', image([8, 8, 1]), { batchNorm: true, l1: 1e-4 }],
    ['autoencoder', tabular('classification'), {}],
  ];
  for (const [id, input, params] of cases) {
    it(`${id} builds and trains a batch on wasm (${input.task}, input ${JSON.stringify(input.inputShape)}, params ${JSON.stringify(params)})`, async () => {
      const built = await buildModelFromSource(tf, source(id), { ...input, params }, `${id}.ts`);
      const { model } = built;
      const n = 8;
      const x = tf.randomNormal([n, ...input.inputShape], 0, 1, 'float32', 7);
      const units = model.outputs[0].shape.slice(1).reduce((a, b) => (a as number) * (b as number), 1) as number;
      const y =
        built.target === 'input' ? x
        : input.task === 'regression' ? tf.randomNormal([n, 1], 0, 1, 'float32', 8)
        : units === 1 ? tf.tensor2d([0, 1, 0, 1, 1, 0, 1, 0], [n, 1])
        : tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7].map((k) => k % units), 'int32'), units);
      const h = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
      expect(Number.isFinite(h.history.loss[0] as number)).toBe(true);
      const summary = summarizeModel(model);
      expect(summary.totalParams).toBe(model.countParams());
      expect(summary.trainableParams + summary.nonTrainableParams).toBe(summary.totalParams);
      if (params.batchNorm) expect(summary.nonTrainableParams).toBeGreaterThan(0);
      tf.dispose([x, y]);
      model.dispose();
    });
  }

  it('formats a Keras-style summary table', async () => {
    const built = await buildModelFromSource(tf, source('mlp'), { ...tabular('classification'), params: { hidden: '8', batchNorm: true } });
    const summary = summarizeModel(built.model);
    // dense 4×8 (no bias with BN) = 32; BN 4×8 = 32 (16 trainable, 16 moving stats); output 8×3+3 = 27
    expect(summary.totalParams).toBe(32 + 32 + 27);
    expect(summary.nonTrainableParams).toBe(16);
    const text = formatSummary(summary);
    expect(text).toMatch(/^Model: "mlp"/);
    expect(text).toMatch(/Layer \(type\)\s+Output Shape\s+Param #/);
    expect(text).toMatch(/\(BatchNormalization\)\s+\(None, 8\)\s+32/);
    expect(text).toContain('Total params: 91');
    expect(text).toContain('Trainable params: 75');
    expect(text).toContain('Non-trainable params: 16');
    built.model.dispose();
  });
});
