import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildModelFromSource, loadModelModule, sourceHash, type ModelSourceInput } from '../../../src-main/core/models/modelSource';
import { HostError } from '../../../src-main/core/engine/host/hostError';
import { chooseBackend } from '../../../src-main/core/engine/host/backends';

const iris: ModelSourceInput = { inputShape: [4], task: 'classification', classes: ['a', 'b', 'c'], params: {}, seed: 1 };

const good = `
export const meta = { name: 'Tiny', tasks: ['classification'] };
export default function createModel(ctx: Lamina.ModelContext) {
  const { tf } = ctx;
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: ctx.outputShape[0], inputShape: ctx.inputShape, activation: 'softmax' }));
  model.compile({ optimizer: ctx.optimizer(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
`;

async function sourceError(source: string, input: ModelSourceInput = iris): Promise<HostError & { line?: number; column?: number }> {
  try {
    const built = await buildModelFromSource(tf, source, input);
    built.model.dispose();
  } catch (err) {
    expect(err).toBeInstanceOf(HostError);
    return err as HostError;
  }
  throw new Error('expected the source to fail');
}

describe('model sources', () => {
  beforeAll(async () => {
    await chooseBackend('cpu');
  });

  it('builds a compiled model from TypeScript and reads meta', async () => {
    const built = await buildModelFromSource(tf, good, iris);
    expect(built.meta.name).toBe('Tiny');
    expect(built.target).toBe('label');
    expect(built.model.outputs[0].shape).toEqual([null, 3]);
    expect(built.optimizer).toEqual({ name: 'adam', learningRate: 0.001 });
    built.model.dispose();
  });

  it('resolves optimizers from params, arguments and run overrides', async () => {
    const cases: [Partial<ModelSourceInput>, string, number, string][] = [
      [{ params: { optimizer: 'sgd', lr: '0.5' } }, 'sgd', 0.5, 'SGD'],
      [{ params: { optimizer: 'momentum' } }, 'momentum', 0.01, 'Momentum'],
      [{ params: { optimizer: 'adagrad' } }, 'adagrad', 0.01, 'Adagrad'],
      [{ params: { optimizer: 'adadelta' } }, 'adadelta', 1, 'Adadelta'],
      [{ params: { optimizer: 'rmsprop', lr: 0.002 } }, 'rmsprop', 0.002, 'RMSProp'],
      [{ params: { optimizer: 'sgd' }, overrides: { optimizer: 'rmsprop', learningRate: 0.3 } }, 'rmsprop', 0.3, 'RMSProp'],
    ];
    for (const [extra, name, lr, cls] of cases) {
      const built = await buildModelFromSource(tf, good, { ...iris, ...extra });
      expect(built.optimizer).toEqual({ name, learningRate: lr });
      expect(built.model.optimizer.getClassName()).toBe(cls);
      built.model.dispose();
    }
    const err = await sourceError(good, { ...iris, params: { optimizer: 'nesterov' } });
    expect(err.message).toMatch(/unknown optimizer "nesterov"/);
  });

  it('reports a syntax error with its line and column', async () => {
    const err = await sourceError('export const meta = {};\n\nexport default function createModel(ctx) {\n  const x = ;\n}\n');
    expect(err.reason).toBe('source');
    expect(err.message).toMatch(/^model\.ts:4:13: syntax error: Unexpected ";"/);
    expect(err.line).toBe(4);
    expect(err.stack).toContain('const x = ;');
  });

  it('reports a throw inside createModel at the line of the user source, TypeScript types and all', async () => {
    const source = [
      'interface Opts { units: number }',
      'const opts: Opts = { units: 3 };',
      'export default function createModel(ctx: Lamina.ModelContext) {',
      '  const shape: number[] = ctx.inputShape;',
      '  if (shape.length) {',
      "    throw new Error('too few layers: ' + opts.units);",
      '  }',
      '}',
    ].join('\n');
    const err = await sourceError(source);
    expect(err.reason).toBe('source');
    expect(err.message).toBe('model.ts:6:11: too few layers: 3');
    expect(err.line).toBe(6);
    expect(err.stack).toMatch(/^Error: too few layers: 3\n\s+at (Object\.)?createModel \(model\.ts:6:11\)/);
  });

  it('reports a runtime TypeError at module top level', async () => {
    const err = await sourceError('const cfg: any = undefined;\nconst units = cfg.units;\nexport default function createModel() {}\n');
    expect(err.message).toMatch(/^model\.ts:2:\d+: TypeError: Cannot read properties of undefined/);
  });

  it('rejects sources that return something other than a compiled LayersModel', async () => {
    expect((await sourceError('export default function createModel() { return { layers: [] }; }')).message).toMatch(/must return a tf\.LayersModel.*returned Object/);
    expect((await sourceError('export default function createModel() {}')).message).toMatch(/returned undefined/);
    const uncompiled = "export default function createModel(ctx) { const m = ctx.tf.sequential(); m.add(ctx.tf.layers.dense({units: 3, inputShape: [4]})); return m; }";
    expect((await sourceError(uncompiled)).message).toMatch(/not compiled/);
    expect((await sourceError('export const meta = {};')).message).toMatch(/export default function createModel/);
  });

  it('rejects a model whose output does not fit the dataset', async () => {
    const wrong = good.replace('ctx.outputShape[0]', '5');
    const err = await sourceError(wrong);
    expect(err.message).toMatch(/output shape \[5\] does not match the dataset: expected \[3\]/);
    const wrongInput = good.replace('inputShape: ctx.inputShape', 'inputShape: [7]');
    expect((await sourceError(wrongInput)).message).toMatch(/input shape \[7\] does not fit the dataset's samples \[4\]/);
  });

  it("allows only '@tensorflow/tfjs' to be imported, and it is the host's tf", async () => {
    const mod = loadModelModule("import * as tf2 from '@tensorflow/tfjs';\nexport const same = tf2;\nexport default function createModel() {}", {
      modules: { '@tensorflow/tfjs': () => tf },
    });
    expect(mod.createModel).toBeTypeOf('function');
    const err = await sourceError("import fs from 'node:fs';\nexport default function createModel() { return fs; }");
    expect(err.message).toMatch(/^model\.ts:1:\d+: cannot import "node:fs" in a model source: only "@tensorflow\/tfjs" can be imported/);
  });

  it('rejects a model that shrinks a dimension to 0, naming the layer and the sample shape', async () => {
    const pooled = `
export default function createModel(ctx: Lamina.ModelContext) {
  const { tf } = ctx;
  const model = tf.sequential();
  model.add(tf.layers.reshape({ inputShape: ctx.inputShape, targetShape: [2, 2, 1] }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: ctx.outputShape[0], activation: 'softmax' }));
  model.compile({ optimizer: ctx.optimizer(), loss: 'categoricalCrossentropy' });
  return model;
}
`;
    const err = await sourceError(pooled);
    expect(err.reason).toBe('source');
    expect(err.message).toBe(`model.ts: layer "pool2" (MaxPooling2D) outputs [null, 0, 0, 1]: the dataset's samples [4] are too small for this model`);
  });

  it('hashes sources with sha256', () => {
    expect(sourceHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
