import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { makeOptimizer } from '../../../src-main/core/models/modelSource';
import { adadelta, installAdadelta } from '../../../src-main/core/models/adadelta';

const script = join(__dirname, '../../reference/adadelta_torch.py');
/** Debian's python3 (python3-torch); a pyenv shim on PATH may lack torch. */
const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
/** Shown in the test name when the PyTorch comparison cannot run. */
const needsTorch = python ? '' : ' [skipped: python3-torch is not installed (apt-get install python3-torch)]';

// Fixed weights and a varied gradient sequence (signs and magnitudes differ per element and step).
const weights = [0.5, -1.25, 2.0, 0.0, 3.5, -0.75];
const grads = [
  [0.1, -0.2, 0.3, 1.0, -2.0, 0.05],
  [0.2, -0.1, -0.3, 0.5, -1.0, 0.5],
  [-0.4, 0.3, 0.1, 0.25, 0.5, -0.05],
  [0.05, -0.05, 0.9, -1.5, 0.1, 0.2],
  [1.0, 0.0, -0.6, 0.3, -0.3, -0.7],
];

function stepWith(optimizer: tf.Optimizer): number[][] {
  const w = tf.variable(tf.tensor1d(weights), true, `adadelta_test_w_${Math.random().toString(36).slice(2)}`);
  const out: number[][] = [];
  for (const g of grads) {
    tf.tidy(() => optimizer.applyGradients({ [w.name]: tf.tensor1d(g) }));
    out.push(Array.from(w.dataSync()));
  }
  optimizer.dispose();
  w.dispose();
  return out;
}

function torchReference(lr: number, rho: number, eps: number): number[][] {
  const r = spawnSync(python!, [script], { input: JSON.stringify({ weights, grads, lr, rho, eps }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`reference script failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('Adadelta', () => {
  it.skipIf(!python)(`matches torch.optim.Adadelta step for step (lr 1, rho 0.9, eps 1e-6)${needsTorch}`, () => {
    const expected = torchReference(1.0, 0.9, 1e-6);
    const actual = stepWith(adadelta(tf, 1.0, 0.9, 1e-6));
    for (let s = 0; s < grads.length; s++) {
      for (let i = 0; i < weights.length; i++) expect(actual[s][i]).toBeCloseTo(expected[s][i], 6);
    }
  });

  it.skipIf(!python)(`is what the "adadelta" optimizer name builds, and what tf.train.adadelta returns once installed${needsTorch}`, () => {
    // TF.js 4.22's own Adadelta moves each weight by exactly lr·g on the first step (an SGD step);
    // this test failed with it: after one step w = 0.5 − 1.0·0.1 = 0.4 instead of torch's ≈ 0.4968.
    const expected = torchReference(1.0, 0.95, 1e-7);
    const fromName = stepWith(makeOptimizer(tf, 'adadelta', 1.0));
    installAdadelta(tf);
    const fromTrain = stepWith(tf.train.adadelta(1.0));
    for (const actual of [fromName, fromTrain]) {
      for (let s = 0; s < grads.length; s++) {
        for (let i = 0; i < weights.length; i++) expect(actual[s][i]).toBeCloseTo(expected[s][i], 5);
      }
    }
    expect(makeOptimizer(tf, 'adadelta', 1.0).getClassName()).toBe('Adadelta');
  });

  it('adapts its step: the first update is far smaller than an SGD step with the same rate', () => {
    const [first] = stepWith(adadelta(tf, 1.0, 0.95, 1e-7));
    // SGD would move weight 0 by lr·g = 0.1; Adadelta's first step is sqrt(ε)/sqrt((1−ρ)g²+ε)·g ≈ 1.4e-3.
    expect(Math.abs(first[0] - weights[0])).toBeLessThan(0.01);
    expect(Math.abs(first[0] - weights[0])).toBeGreaterThan(0);
  });

  it('round-trips its config and slots through the serialization registry', async () => {
    const opt = adadelta(tf, 0.5, 0.9, 1e-6);
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'adadelta_serialise_w');
    tf.tidy(() => opt.applyGradients({ [w.name]: tf.tensor1d([0.3, -0.1]) }));
    const Cls = tf.serialization.SerializationMap.getMap().classNameMap.Adadelta[0];
    const copy = (Cls as unknown as { fromConfig: (c: unknown, cfg: unknown) => tf.Optimizer }).fromConfig(Cls, opt.getConfig());
    expect(copy.getConfig()).toEqual({ learningRate: 0.5, rho: 0.9, epsilon: 1e-6 });
    await copy.setWeights(await opt.getWeights());
    expect((await copy.getWeights()).length).toBe(3); // iterations + accum_grad + accum_var
    tf.dispose([w]);
    opt.dispose();
    copy.dispose();
  });
});
