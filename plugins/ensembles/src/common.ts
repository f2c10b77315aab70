/**
 * What every ensemble trainer shares: its declared parameters (read from this plugin's own
 * manifest, so the CLI, the Train page and the trainer agree), the splits as row matrices,
 * scoring (accuracy, or R² for regression), and members as child runs with their own scores.
 */
import { resolveParams, trainerDeclaration, type ChildRun, type ParamValue, type Task, type TrainerContext } from '@lamina/plugin-sdk';
import manifest from '../package.json';
import type { Rows } from './cart';
import type { FitData, Learner } from './learners';

export interface Labelled extends Rows {
  y: Float32Array;
}

export interface Setup {
  task: Task;
  /** Classes (classification) or 1. */
  k: number;
  train: FitData & Labelled;
  val: Labelled;
  test: Labelled;
  /** 'accuracy' or 'r2': the name of every score this plugin logs. */
  scoreName: string;
  params: Record<string, ParamValue>;
}

export function setup(ctx: TrainerContext, trainerId: string): Setup {
  const ds = ctx.dataset;
  const decl = trainerDeclaration(manifest as unknown as Parameters<typeof trainerDeclaration>[0], trainerId);
  if (decl.tasks && !decl.tasks.includes(ds.task)) throw new Error(`trainer "${trainerId}" handles ${decl.tasks.join(' and ')} datasets; "${ds.name}" is ${ds.task}`);
  const params = resolveParams(decl.params ?? [], ctx.params, ds.task);
  const d = ds.inputShape.reduce((a, b) => a * b, 1);
  const rows = (s: typeof ds.train): Labelled => ({ x: s.x, y: s.y, n: s.n, d });
  if (ds.train.n < 2) throw new Error(`the training split has ${ds.train.n} row(s); an ensemble needs at least 2`);
  const task = ds.task;
  const k = task === 'classification' ? ds.classes.length : 1;
  ctx.log.params(Object.fromEntries(Object.entries(params).filter(([key]) => decl.params?.some((p) => p.name === key))));
  return { task, k, train: rows(ds.train), val: rows(ds.validation), test: rows(ds.test), scoreName: task === 'classification' ? 'accuracy' : 'r2', params };
}

export function argmax(p: ArrayLike<number>, i: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
  return best;
}

/** Accuracy (classification, from n × k probabilities) or R² (regression); NaN on an empty split. */
export function score(task: Task, k: number, y: ArrayLike<number>, pred: ArrayLike<number>): number {
  const n = y.length;
  if (!n) return NaN;
  if (task === 'classification') {
    let right = 0;
    for (let i = 0; i < n; i++) if (argmax(pred, i, k) === y[i]) right++;
    return right / n;
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] / n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (y[i] - pred[i]) ** 2;
    ssTot += (y[i] - mean) ** 2;
  }
  return ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0;
}

export interface FittedMember {
  learner: Learner;
  val: Float64Array;
  test: Float64Array;
  valScore: number;
  testScore: number;
}

/** Fits one member as a child run: its params, its curves (networks), its validation and test scores. */
export async function fitMember(
  ctx: TrainerContext, s: Setup, name: string, params: Record<string, ParamValue>, learner: Learner, data: FitData,
): Promise<FittedMember> {
  const child = ctx.runs.child(name, { learner: learner.kind, ...params });
  try {
    await learner.fit(data, child);
    const fitted = await evaluate(s, learner);
    child.metrics({ [`val_${s.scoreName}`]: fitted.valScore, [`test_${s.scoreName}`]: fitted.testScore });
    // Also on the ensemble's run, one step per member: the members table of the run-detail view.
    ctx.log.metrics({ [`member/val_${s.scoreName}`]: fitted.valScore, [`member/test_${s.scoreName}`]: fitted.testScore });
    child.end();
    return fitted;
  } catch (e) {
    child.end(e instanceof Error ? e.message : String(e));
    throw e;
  }
}

export async function evaluate(s: Setup, learner: Learner): Promise<FittedMember> {
  const val = s.val.n ? await learner.predict(s.val) : new Float64Array(0);
  const test = s.test.n ? await learner.predict(s.test) : new Float64Array(0);
  return { learner, val, test, valScore: score(s.task, s.k, s.val.y, val), testScore: score(s.task, s.k, s.test.y, test) };
}

/** Mean of members' outputs (soft vote / average). */
export function average(outputs: Float64Array[]): Float64Array {
  const out = new Float64Array(outputs[0].length);
  for (const o of outputs) for (let i = 0; i < out.length; i++) out[i] += o[i] / outputs.length;
  return out;
}

/** The ensemble's closing metrics: best member and the ensemble's gain over it (on the test split). */
export function gainMetrics(s: Setup, memberTest: number[], ensembleTest: number): Record<string, number> {
  const finite = memberTest.filter(Number.isFinite);
  if (!finite.length || !Number.isFinite(ensembleTest)) return {};
  const best = Math.max(...finite);
  return { [`best_member_test_${s.scoreName}`]: best, [`ensemble_test_${s.scoreName}`]: ensembleTest, gain_over_best_member: ensembleTest - best };
}

export function f32(values: Float64Array): Float32Array {
  return Float32Array.from(values);
}

export type { ChildRun };
