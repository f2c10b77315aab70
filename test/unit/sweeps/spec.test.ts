import { describe, expect, it } from 'vitest';
import { parseSweepSpecText, parseDuration } from '../../../src-main/core/sweeps/spec';
import { LaminaError } from '../../../src-main/core/util/errors';
import { thrownBy } from '../../helpers/thrown';

const base = `
method: random
metric: {name: val_accuracy, goal: maximize}
dataset: iris
model: template:mlp
run_cap: 4
`;

function specError(text: string): string {
  const e = thrownBy(() => parseSweepSpecText(text), LaminaError);
  expect(e.kind).toBe('input');
  expect(e.message.split('\n')).toHaveLength(1);
  return e.message;
}

describe('sweep spec (W&B sweep configuration format)', () => {
  it('reads a W&B YAML spec, inferring distributions as W&B does', () => {
    const s = parseSweepSpecText(`${base}
program: train.py
parameters:
  optimizer: {values: [adam, sgd]}
  epochs: {value: 5}
  batch_size: {min: 8, max: 64}
  learning_rate: {min: 0.0001, max: 0.1}
  lr2: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
  dropout: {distribution: q_uniform, min: 0, max: 0.5, q: 0.1}
  noise: {distribution: normal, mu: 1, sigma: 2}
early_terminate: {type: hyperband, min_iter: 3}
time_budget: 15m
`);
    expect(s.method).toBe('random');
    expect(s.metric).toEqual({ name: 'val_accuracy', goal: 'maximize' });
    expect(s.parameters.optimizer.distribution).toBe('categorical');
    expect(s.parameters.epochs).toEqual({ distribution: 'constant', value: 5 });
    expect(s.parameters.batch_size.distribution).toBe('int_uniform');
    expect(s.parameters.learning_rate.distribution).toBe('uniform');
    expect(s.parameters.dropout.q).toBe(0.1);
    expect(s.parameters.noise).toMatchObject({ mu: 1, sigma: 2 });
    expect(s.early_terminate).toEqual({ type: 'hyperband', min_iter: 3, eta: 3, s: 3, strict: false, metric: 'val_accuracy' });
    expect(s.time_budget).toBe(900);
    expect(s.seed).toBe(0);
  });

  it('reads JSON too, and judges early termination of a test_ metric on its val_ series', () => {
    const s = parseSweepSpecText(
      JSON.stringify({ method: 'bayes', metric: { name: 'test_accuracy', goal: 'maximize' }, parameters: { lr: { min: 0.001, max: 0.1 } }, dataset: 'iris', trainer: 'x/y', run_cap: 3, early_terminate: { type: 'median' } }),
    );
    expect(s.trainer).toBe('x/y');
    expect(s.early_terminate).toEqual({ type: 'median', min_iter: 3, min_trials: 3, metric: 'val_accuracy' });
  });

  it.each([
    ['method: annealing', /unknown method "annealing"; choose grid, random or bayes/],
    ['parameters: {lr: {min: 0.5, max: 0.1}}', /parameter "lr": min \(0\.5\) is greater than max \(0\.1\)/],
    ['parameters: {lr: {distribution: gamma, min: 1, max: 2}}', /unknown distribution "gamma"/],
    ['parameters: {lr: {distribution: log_uniform_values, min: 0, max: 1}}', /log_uniform_values needs min > 0/],
    ['parameters: {lr: {values: []}}', /values must be a non-empty list/],
    ['parameters: {lr: {bogus: 1}}', /parameter "lr" has unknown key "bogus"/],
    ['parameters: {lr: {values: [1, 2], probabilities: [0.5, 0.6]}}', /probabilities sum to 1\.1, not 1/],
    ['run_cap: 0', /run_cap must be a positive whole number/],
    ['early_terminate: {type: hyperband}', /exactly one of min_iter or max_iter/],
    ['early_terminate: {type: hyperband, min_iter: 2, eta: 1}', /eta must be > 1/],
    ['early_terminate: {type: asha}', /unknown early_terminate type "asha"/],
    ['time_budget: soon', /time_budget must be a positive number of seconds/],
    ['metric: {name: loss, goal: lowest}', /metric.goal must be minimize or maximize/],
    ['colour: blue', /unknown key "colour"/],
  ])('%s → one clear line', (override, message) => {
    const key = override.split(':')[0];
    const kept = base.split('\n').filter((l) => !l.startsWith(`${key}:`)).join('\n');
    const params = key === 'parameters' ? '' : '\nparameters: {lr: {min: 0.001, max: 0.1}}';
    expect(specError(`${kept}${params}\n${override}\n`)).toMatch(message);
  });

  it('refuses specs missing what a sweep needs', () => {
    expect(specError('method: grid\nparameters: {a: {values: [1]}}\nmodel: template:mlp')).toMatch(/"dataset".*missing/);
    expect(specError('method: grid\nparameters: {a: {values: [1]}}\ndataset: iris')).toMatch(/"model" \(FILE or template:ID\) or "trainer" is missing/);
    expect(specError('method: random\nparameters: {a: {values: [1]}}\ndataset: iris\nmodel: template:mlp')).toMatch(/needs run_cap or time_budget/);
    expect(specError('method: grid\nparameters: {a: {min: 0.1, max: 0.2}}\ndataset: iris\nmodel: template:mlp')).toMatch(/grid search needs finite values; parameter "a"/);
    expect(specError('method: bayes\nparameters: {a: {min: 0.1, max: 0.2}}\ndataset: iris\nmodel: template:mlp\nrun_cap: 3')).toMatch(/"metric" .* bayes/);
    expect(specError('method: [grid')).toMatch(/not valid YAML or JSON/);
    expect(specError('- 1\n- 2')).toMatch(/top level must be a mapping/);
  });

  it('parses durations', () => {
    expect(parseDuration(90, 't')).toBe(90);
    expect(parseDuration('2h', 't')).toBe(7200);
    expect(parseDuration('30s', 't')).toBe(30);
    expect(() => parseDuration(-1, 't')).toThrow(/positive/);
  });
});
