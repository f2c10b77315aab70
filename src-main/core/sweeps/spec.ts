/**
 * A sweep spec in W&B's sweep configuration format (https://docs.wandb.ai/guides/sweeps/sweep-config-keys):
 * `method` (grid | random | bayes), `metric: {name, goal}`, `parameters` (values / value / min+max /
 * distribution …), `early_terminate` (hyperband), `run_cap` — plus Lamina's keys `dataset`, `model`
 * (FILE or template:ID) or `trainer`, `time_budget`, `seed`, `experiment`, and the Lamina extension
 * `early_terminate: {type: median}`. Unknown top-level W&B keys (`program`, `command`, `name`,
 * `description`, `project`, `entity`) are accepted and ignored so W&B users can reuse their files.
 * Pure: no Node imports. Every bad spec is one clear line naming the key.
 */
import { parse as parseYaml } from 'yaml';
import { inputError } from '../util/errors';

export const SWEEP_METHODS = ['grid', 'random', 'bayes'] as const;
export type SweepMethod = (typeof SWEEP_METHODS)[number];

export const DISTRIBUTIONS = [
  'constant',
  'categorical',
  'int_uniform',
  'uniform',
  'q_uniform',
  'log_uniform',
  'log_uniform_values',
  'q_log_uniform',
  'q_log_uniform_values',
  'inv_log_uniform',
  'inv_log_uniform_values',
  'normal',
  'q_normal',
  'log_normal',
  'q_log_normal',
] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

export type ParamValue = string | number | boolean;

export interface ParamSpec {
  distribution: Distribution;
  values?: ParamValue[];
  /** Probabilities of `values` (categorical), summing to 1. */
  probabilities?: number[];
  value?: ParamValue;
  min?: number;
  max?: number;
  q?: number;
  mu?: number;
  sigma?: number;
}

export interface HyperbandSpec {
  type: 'hyperband';
  /** Bracket stops (epochs): min_iter·eta^k for k = 0..s (W&B's example: 3, 9, 27, 81), or max_iter/eta^k for k = 1..s. */
  min_iter?: number;
  max_iter?: number;
  eta: number;
  s: number;
  strict: boolean;
  /** Lamina: the per-epoch metric judged (default: the sweep metric, `test_X` → `val_X`). */
  metric: string;
}

export interface MedianSpec {
  type: 'median';
  /** Epochs before a trial may be stopped (default 3). */
  min_iter: number;
  /** Other trials that must have reached that epoch before the rule applies (default 3). */
  min_trials: number;
  metric: string;
}

export type EarlyTerminateSpec = HyperbandSpec | MedianSpec;

export interface SweepSpec {
  name?: string;
  method: SweepMethod;
  metric: { name: string; goal: 'minimize' | 'maximize' };
  parameters: Record<string, ParamSpec>;
  early_terminate?: EarlyTerminateSpec;
  run_cap?: number;
  /** Seconds; no trial starts after it has passed (running ones finish). */
  time_budget?: number;
  dataset: string;
  model?: string;
  trainer?: string;
  experiment?: string;
  /** Seeds the sampler (and each trial's training unless `seed` is a parameter). Default 0. */
  seed: number;
}

const IGNORED_WANDB_KEYS = ['program', 'command', 'name', 'description', 'project', 'entity', 'controller'];
const LAMINA_KEYS = ['dataset', 'model', 'trainer', 'time_budget', 'seed', 'experiment'];
const KNOWN_KEYS = ['method', 'metric', 'parameters', 'early_terminate', 'run_cap', ...IGNORED_WANDB_KEYS, ...LAMINA_KEYS];

/** One line that names the key in its own words (`field` is the key's path, kept for readers of this file). */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const bad = (msg: string, field?: string) => inputError(`sweep spec: ${msg}`);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finite(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${field} must be a number, got ${JSON.stringify(v)}`, field);
  return v;
}

/** Parses YAML or JSON text (JSON is YAML) into a checked spec. */
export function parseSweepSpecText(text: string, file = 'spec'): SweepSpec {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    const first = String((e as Error).message).split('\n')[0];
    throw inputError(`sweep spec ${file} is not valid YAML or JSON: ${first}`);
  }
  return checkSweepSpec(raw);
}

/** Duration in seconds from a number (seconds) or "90s" / "15m" / "2h". */
export function parseDuration(v: unknown, field: string): number {
  if (typeof v === 'number' && v > 0 && Number.isFinite(v)) return v;
  const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$/.exec(v) : null;
  if (!m || Number(m[1]) <= 0) throw bad(`${field} must be a positive number of seconds or like "90s", "15m", "2h", got ${JSON.stringify(v)}`, field);
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600 } as const)[(m[2] ?? 's') as 's' | 'm' | 'h'];
}

export function checkSweepSpec(raw: unknown): SweepSpec {
  if (!isObj(raw)) throw bad('the top level must be a mapping (method, metric, parameters, …)');
  for (const k of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(k)) throw bad(`unknown key "${k}" (known: ${KNOWN_KEYS.join(', ')})`, k);
  }
  const method = raw.method;
  if (method === undefined) throw bad('"method" is missing (grid, random or bayes)', 'method');
  if (!(SWEEP_METHODS as readonly unknown[]).includes(method)) {
    throw bad(`unknown method ${JSON.stringify(method)}; choose grid, random or bayes`, 'method');
  }
  const metric = checkMetric(raw.metric, method as SweepMethod);
  if (!isObj(raw.parameters) || Object.keys(raw.parameters).length === 0) {
    throw bad('"parameters" must be a mapping with at least one parameter', 'parameters');
  }
  const parameters: Record<string, ParamSpec> = {};
  for (const [name, p] of Object.entries(raw.parameters)) parameters[name] = checkParam(name, p);
  if (method === 'grid') {
    for (const [name, p] of Object.entries(parameters)) {
      if (!['categorical', 'constant', 'int_uniform', 'q_uniform'].includes(p.distribution)) {
        throw bad(`grid search needs finite values; parameter "${name}" has distribution ${p.distribution} (use values, or int_uniform / q_uniform)`, `parameters.${name}`);
      }
    }
  }
  if (typeof raw.dataset !== 'string' || !raw.dataset.trim()) throw bad('"dataset" (a dataset id or name) is missing', 'dataset');
  if (raw.model !== undefined && (typeof raw.model !== 'string' || !raw.model.trim())) throw bad('"model" must be a FILE or template:ID', 'model');
  if (raw.trainer !== undefined && (typeof raw.trainer !== 'string' || !raw.trainer.trim())) throw bad('"trainer" must be a trainer id', 'trainer');
  if (raw.model === undefined && raw.trainer === undefined) throw bad('"model" (FILE or template:ID) or "trainer" is missing', 'model');
  let run_cap: number | undefined;
  if (raw.run_cap !== undefined) {
    if (typeof raw.run_cap !== 'number' || !Number.isInteger(raw.run_cap) || raw.run_cap < 1) {
      throw bad(`run_cap must be a positive whole number, got ${JSON.stringify(raw.run_cap)}`, 'run_cap');
    }
    run_cap = raw.run_cap;
  }
  if (method !== 'grid' && run_cap === undefined && raw.time_budget === undefined) {
    throw bad(`a ${method} sweep needs run_cap or time_budget, or it never ends`, 'run_cap');
  }
  let seed = 0;
  if (raw.seed !== undefined) {
    if (typeof raw.seed !== 'number' || !Number.isInteger(raw.seed) || raw.seed < 0) throw bad(`seed must be a whole number ≥ 0, got ${JSON.stringify(raw.seed)}`, 'seed');
    seed = raw.seed;
  }
  if (raw.experiment !== undefined && typeof raw.experiment !== 'string') throw bad('experiment must be a name', 'experiment');
  const spec: SweepSpec = {
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    method: method as SweepMethod,
    metric,
    parameters,
    dataset: raw.dataset,
    ...(raw.model !== undefined ? { model: raw.model as string } : {}),
    ...(raw.trainer !== undefined ? { trainer: raw.trainer as string } : {}),
    ...(raw.experiment !== undefined ? { experiment: raw.experiment as string } : {}),
    ...(run_cap !== undefined ? { run_cap } : {}),
    ...(raw.time_budget !== undefined ? { time_budget: parseDuration(raw.time_budget, 'time_budget') } : {}),
    seed,
  };
  if (raw.early_terminate !== undefined) spec.early_terminate = checkEarlyTerminate(raw.early_terminate, metric.name);
  return spec;
}

function checkMetric(raw: unknown, method: SweepMethod): SweepSpec['metric'] {
  if (raw === undefined) {
    if (method === 'grid' || method === 'random') return { name: 'val_loss', goal: 'minimize' };
    throw bad('"metric" {name, goal} is needed for a bayes sweep', 'metric');
  }
  if (!isObj(raw) || typeof raw.name !== 'string' || !raw.name) throw bad('"metric" needs a name (e.g. val_accuracy)', 'metric.name');
  const goal = raw.goal ?? 'minimize';
  if (goal !== 'minimize' && goal !== 'maximize') throw bad(`metric.goal must be minimize or maximize, got ${JSON.stringify(goal)}`, 'metric.goal');
  return { name: raw.name, goal };
}

function scalar(v: unknown): v is ParamValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function checkParam(name: string, raw: unknown): ParamSpec {
  const f = `parameters.${name}`;
  if (!isObj(raw)) throw bad(`parameter "${name}" must be a mapping (values, value, min/max, distribution)`, f);
  const allowed = ['distribution', 'values', 'probabilities', 'value', 'min', 'max', 'q', 'mu', 'sigma'];
  for (const k of Object.keys(raw)) {
    if (k === 'parameters') throw bad(`parameter "${name}": nested parameters are not supported`, f);
    if (!allowed.includes(k)) throw bad(`parameter "${name}" has unknown key "${k}"`, `${f}.${k}`);
  }
  let dist = raw.distribution as Distribution | undefined;
  if (dist !== undefined && !(DISTRIBUTIONS as readonly unknown[]).includes(dist)) {
    throw bad(`parameter "${name}" has unknown distribution ${JSON.stringify(dist)} (known: ${DISTRIBUTIONS.join(', ')})`, `${f}.distribution`);
  }
  // W&B's inference when no distribution is given.
  if (dist === undefined) {
    if (raw.values !== undefined) dist = 'categorical';
    else if (raw.value !== undefined) dist = 'constant';
    else if (raw.min !== undefined && raw.max !== undefined) dist = Number.isInteger(raw.min) && Number.isInteger(raw.max) ? 'int_uniform' : 'uniform';
    else if (raw.mu !== undefined || raw.sigma !== undefined) dist = 'normal';
    else throw bad(`parameter "${name}" needs values, value, or min and max`, f);
  }
  const p: ParamSpec = { distribution: dist };
  if (dist === 'categorical') {
    if (!Array.isArray(raw.values) || raw.values.length === 0) throw bad(`parameter "${name}": values must be a non-empty list`, `${f}.values`);
    if (!raw.values.every(scalar)) throw bad(`parameter "${name}": values must be numbers, strings or booleans`, `${f}.values`);
    p.values = raw.values;
    if (raw.probabilities !== undefined) {
      const pr = raw.probabilities;
      if (!Array.isArray(pr) || pr.length !== raw.values.length || !pr.every((x) => typeof x === 'number' && x >= 0)) {
        throw bad(`parameter "${name}": probabilities must be one number ≥ 0 per value`, `${f}.probabilities`);
      }
      const sum = (pr as number[]).reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-6) throw bad(`parameter "${name}": probabilities sum to ${sum}, not 1`, `${f}.probabilities`);
      p.probabilities = pr as number[];
    }
    return p;
  }
  if (dist === 'constant') {
    if (!scalar(raw.value)) throw bad(`parameter "${name}": value must be a number, string or boolean`, `${f}.value`);
    p.value = raw.value;
    return p;
  }
  if (dist === 'normal' || dist === 'q_normal' || dist === 'log_normal' || dist === 'q_log_normal') {
    p.mu = raw.mu === undefined ? 0 : finite(raw.mu, `${f}.mu`);
    p.sigma = raw.sigma === undefined ? 1 : finite(raw.sigma, `${f}.sigma`);
    if (p.sigma <= 0) throw bad(`parameter "${name}": sigma must be > 0, got ${p.sigma}`, `${f}.sigma`);
  } else {
    if (raw.min === undefined || raw.max === undefined) throw bad(`parameter "${name}": distribution ${dist} needs min and max`, f);
    p.min = finite(raw.min, `${f}.min`);
    p.max = finite(raw.max, `${f}.max`);
    if (p.min > p.max) throw bad(`parameter "${name}": min (${p.min}) is greater than max (${p.max})`, f);
    if (dist === 'int_uniform' && (!Number.isInteger(p.min) || !Number.isInteger(p.max))) {
      throw bad(`parameter "${name}": int_uniform needs whole-number min and max`, f);
    }
    if ((dist === 'log_uniform_values' || dist === 'q_log_uniform_values' || dist === 'inv_log_uniform_values') && p.min <= 0) {
      throw bad(`parameter "${name}": ${dist} needs min > 0, got ${p.min}`, `${f}.min`);
    }
  }
  if (dist.startsWith('q_')) {
    p.q = raw.q === undefined ? 1 : finite(raw.q, `${f}.q`);
    if (p.q <= 0) throw bad(`parameter "${name}": q must be > 0, got ${p.q}`, `${f}.q`);
  }
  return p;
}

/** The per-epoch metric early termination judges: `test_X` exists only at the end, so `val_X`. */
export function epochMetricFor(name: string): string {
  return name.startsWith('test_') ? `val_${name.slice(5)}` : name;
}

function posInt(v: unknown, field: string, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw bad(`${field} must be a whole number ≥ ${min}, got ${JSON.stringify(v)}`, field);
  return v;
}

function checkEarlyTerminate(raw: unknown, metricName: string): EarlyTerminateSpec {
  if (!isObj(raw)) throw bad('early_terminate must be a mapping with a type (hyperband or median)', 'early_terminate');
  const metric = raw.metric === undefined ? epochMetricFor(metricName) : raw.metric;
  if (typeof metric !== 'string' || !metric) throw bad('early_terminate.metric must be a metric name', 'early_terminate.metric');
  if (raw.type === 'hyperband') {
    for (const k of Object.keys(raw)) {
      if (!['type', 'min_iter', 'max_iter', 'eta', 's', 'strict', 'metric'].includes(k)) throw bad(`early_terminate has unknown key "${k}"`, `early_terminate.${k}`);
    }
    if ((raw.min_iter === undefined) === (raw.max_iter === undefined)) {
      throw bad('hyperband needs exactly one of min_iter or max_iter', 'early_terminate');
    }
    const eta = raw.eta === undefined ? 3 : finite(raw.eta, 'early_terminate.eta');
    if (eta <= 1) throw bad(`early_terminate.eta must be > 1, got ${eta}`, 'early_terminate.eta');
    const s = raw.s === undefined ? (raw.max_iter !== undefined ? 0 : 3) : posInt(raw.s, 'early_terminate.s', 0);
    const hb: HyperbandSpec = { type: 'hyperband', eta, s, strict: raw.strict === true, metric };
    if (raw.min_iter !== undefined) hb.min_iter = posInt(raw.min_iter, 'early_terminate.min_iter');
    else hb.max_iter = posInt(raw.max_iter, 'early_terminate.max_iter');
    if (hb.max_iter !== undefined && s < 1) throw bad('hyperband with max_iter needs s ≥ 1 (the number of brackets)', 'early_terminate.s');
    return hb;
  }
  if (raw.type === 'median') {
    for (const k of Object.keys(raw)) {
      if (!['type', 'min_iter', 'min_trials', 'metric'].includes(k)) throw bad(`early_terminate has unknown key "${k}"`, `early_terminate.${k}`);
    }
    return {
      type: 'median',
      min_iter: raw.min_iter === undefined ? 3 : posInt(raw.min_iter, 'early_terminate.min_iter'),
      min_trials: raw.min_trials === undefined ? 3 : posInt(raw.min_trials, 'early_terminate.min_trials'),
      metric,
    };
  }
  throw bad(`unknown early_terminate type ${JSON.stringify(raw.type)}; choose hyperband or median`, 'early_terminate.type');
}
