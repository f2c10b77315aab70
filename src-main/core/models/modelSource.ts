/**
 * A model is a module the user edits:
 *
 *   export const meta = { name, description, tasks: ['classification'], target?: 'input' };
 *   export default function createModel(ctx) { …; model.compile(…); return model; }
 *
 * It is transpiled with esbuild (TypeScript or JavaScript), evaluated with a `require` that knows
 * only '@tensorflow/tfjs' (the host's own instance), and called with a context describing the
 * dataset. Every failure — syntax, a throw, a wrong return value, a shape that does not fit the
 * data — becomes a HostError with reason 'source' whose message names the line and column in the
 * user's own text (stack frames are mapped back through the source map).
 */
import { SourceMap } from 'node:module';
import { runInThisContext } from 'node:vm';
import type { Message } from 'esbuild';
import { esbuild } from '../util/lazyModules';
import type * as TF from '@tensorflow/tfjs';
import type { Task, TrainDefaults } from '../domain';
import { sha256 } from '../util/hash';
import { HostError, errorMessage } from '../engine/host/hostError';
import { adadelta, installAdadelta } from './adadelta';

type Tf = typeof TF;

export interface ModelMeta {
  name?: string;
  description?: string;
  tasks?: Task[];
  /** 'input': an autoencoder, trained to reconstruct its input. */
  target?: 'input' | 'label';
  /** Training defaults that suit the model, used for what a run does not set. */
  defaults?: TrainDefaults;
}

export interface LoadedModelModule {
  createModel: (ctx: ModelContext) => unknown;
  meta: ModelMeta;
}

export type ParamValue = string | number | boolean;

export interface ModelContext {
  tf: Tf;
  inputShape: number[];
  outputShape: number[];
  task: Task;
  numClasses: number;
  classes: string[];
  params: Record<string, ParamValue>;
  seed: number;
  /** An optimizer from params.optimizer / params.lr, or from the arguments; a run's override wins. */
  optimizer(name?: string, learningRate?: number): TF.Optimizer;
  /** params[name] coerced to the type of `fallback` (CLI params may arrive as strings). */
  param(name: string, fallback: number): number;
  param(name: string, fallback: string): string;
  param(name: string, fallback: boolean): boolean;
}

export interface ModelSourceInput {
  inputShape: number[];
  task: Task;
  classes: string[];
  params: Record<string, ParamValue>;
  seed: number;
  /** The run's optimizer / learning-rate overrides (TrainConfig.optimizer / learningRate). */
  overrides?: { optimizer?: string | null; learningRate?: number | null };
}

export interface BuiltModel {
  model: TF.LayersModel;
  meta: ModelMeta;
  /** What the model is trained to output: the label, or its own input (autoencoder). */
  target: 'label' | 'input';
  /** Shape the context promised for the output. */
  outputShape: number[];
  /** Optimizer name and learning rate as ctx.optimizer resolved them (null if the source built its own). */
  optimizer: { name: string; learningRate: number } | null;
}

export const sourceHash = (source: string): string => sha256(source);

// ---- transpile and evaluate --------------------------------------------------

const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';

interface Compiled {
  run: (require: (id: string) => unknown) => Record<string, unknown>;
  map: SourceMap;
}

function formatAt(filename: string, line: number, column: number): string {
  return `${filename}:${line}:${column}`;
}

function syntaxError(filename: string, source: string, errors: Message[]): HostError {
  const first = errors[0];
  const loc = first?.location;
  if (!loc) return new HostError('source', `${filename}: ${first?.text ?? 'cannot be compiled'}`);
  const line = loc.line;
  const column = loc.column + 1;
  const lineText = loc.lineText ?? source.split('\n')[line - 1] ?? '';
  const caret = `${' '.repeat(loc.column)}^`;
  const message = `${formatAt(filename, line, column)}: syntax error: ${first.text}`;
  const err = new HostError('source', message, { stack: `${message}\n    ${lineText}\n    ${caret}` });
  Object.assign(err, { line, column });
  return err;
}

function compile(source: string, filename: string): Compiled {
  let result;
  try {
    result = esbuild().transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      sourcemap: 'external',
      sourcefile: filename,
      target: 'es2022',
    });
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (errors?.length) throw syntaxError(filename, source, errors);
    throw new HostError('source', `${filename}: ${errorMessage(err)}`);
  }
  const map = new SourceMap(JSON.parse(result.map));
  // Wrapper on the first line, so generated line N is code line N (only line 1's columns shift).
  const fn = runInThisContext(`${WRAPPER_HEAD}${result.code}\n})`, { filename }) as (
    exports: object,
    require: (id: string) => unknown,
    module: { exports: object },
    __filename: string,
    __dirname: string,
  ) => void;
  return {
    map,
    run(requireFn) {
      const module = { exports: {} as Record<string, unknown> };
      fn.call(module.exports, module.exports, requireFn, module, filename, '.');
      return module.exports;
    },
  };
}

/** Map a position in the generated code (1-based) back to the user's source (1-based). */
function originalPosition(map: SourceMap, line: number, column: number): { line: number; column: number } | null {
  const genColumn = line === 1 ? column - WRAPPER_HEAD.length : column;
  const entry = map.findEntry(line - 1, Math.max(0, genColumn - 1)) as {
    originalLine?: number;
    originalColumn?: number;
  };
  if (entry.originalLine === undefined || entry.originalColumn === undefined) return null;
  return { line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Turn an error thrown by user code into a 'source' HostError: message prefixed with the user's
 * file:line:column, stack reduced to the user's frames with positions mapped back.
 */
export function userCodeError(err: unknown, filename: string, compiled: Compiled | null, what: string): HostError {
  if (err instanceof HostError) return err;
  const message = errorMessage(err);
  const rawStack = err instanceof Error && err.stack ? err.stack : `Error: ${message}`;
  const frame = new RegExp(`${escapeRegExp(filename)}:(\\d+):(\\d+)`);
  let first: { line: number; column: number } | null = null;
  const userFrames: string[] = [];
  for (const line of rawStack.split('\n').slice(1)) {
    const m = frame.exec(line);
    if (!m) continue;
    const pos = compiled ? originalPosition(compiled.map, Number(m[1]), Number(m[2])) : null;
    const at = pos ?? { line: Number(m[1]), column: Number(m[2]) };
    first ??= at;
    userFrames.push(line.replace(frame, formatAt(filename, at.line, at.column)));
  }
  const where = first ? `${formatAt(filename, first.line, first.column)}: ` : `${filename}: `;
  const name = err instanceof Error ? err.name : 'Error';
  const full = `${where}${what}${name !== 'Error' ? `${name}: ` : ''}${message}`;
  const stack = [`${name}: ${message}`, ...userFrames].join('\n');
  const result = new HostError('source', full, { stack, cause: err });
  if (first) Object.assign(result, first);
  return result;
}

/** Transpile and evaluate a model module; `modules` is everything its `require` may load. */
export function loadModelModule(
  source: string,
  options: { filename?: string; modules?: Record<string, () => unknown> } = {},
): LoadedModelModule & { compiled: Compiled; filename: string } {
  const filename = options.filename ?? 'model.ts';
  const compiled = compile(source, filename);
  const modules = options.modules ?? {};
  const requireFn = (id: string): unknown => {
    const load = modules[id];
    if (!load) {
      const allowed = Object.keys(modules);
      throw new Error(
        `cannot import "${id}" in a model source: only ${allowed.length ? allowed.map((m) => `"${m}"`).join(', ') : 'nothing'} can be imported (use ctx.tf)`,
      );
    }
    return load();
  };
  let exports: Record<string, unknown>;
  try {
    exports = compiled.run(requireFn);
  } catch (err) {
    throw userCodeError(err, filename, compiled, '');
  }
  const createModel = exports.default ?? exports.createModel;
  if (typeof createModel !== 'function') {
    throw new HostError(
      'source',
      `${filename}: the model source must \`export default function createModel(ctx) { … }\` (found ${createModel === undefined ? 'no default export' : `a default export of type ${typeof createModel}`})`,
    );
  }
  const rawMeta = exports.meta;
  const meta: ModelMeta = rawMeta && typeof rawMeta === 'object' ? (rawMeta as ModelMeta) : {};
  return { createModel: createModel as LoadedModelModule['createModel'], meta, compiled, filename };
}

// ---- context -----------------------------------------------------------------

export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adam', 'adagrad', 'adadelta', 'rmsprop'] as const;

/** Default learning rates: Keras's, except Adadelta at 1.0 (its original form) so it visibly learns. */
const DEFAULT_LR: Record<(typeof OPTIMIZER_NAMES)[number], number> = {
  sgd: 0.01,
  momentum: 0.01,
  adam: 0.001,
  adagrad: 0.01,
  adadelta: 1.0,
  rmsprop: 0.001,
};

export function makeOptimizer(tf: Tf, name: string, learningRate: number | undefined, momentum = 0.9): TF.Optimizer {
  const key = name.toLowerCase() as (typeof OPTIMIZER_NAMES)[number];
  if (!OPTIMIZER_NAMES.includes(key)) {
    throw new HostError('source', `unknown optimizer "${name}" (use one of ${OPTIMIZER_NAMES.join(', ')})`);
  }
  const lr = learningRate ?? DEFAULT_LR[key];
  if (!(lr > 0) || !Number.isFinite(lr)) throw new HostError('source', `learning rate must be a positive number (got ${lr})`);
  switch (key) {
    case 'sgd': return tf.train.sgd(lr);
    case 'momentum': return tf.train.momentum(lr, momentum);
    case 'adam': return tf.train.adam(lr);
    case 'adagrad': return tf.train.adagrad(lr);
    case 'adadelta': return adadelta(tf, lr); // TF.js's own never adapts its step (see adadelta.ts)
    case 'rmsprop': return tf.train.rmsprop(lr);
  }
}

function coerce<T extends ParamValue>(value: ParamValue | undefined, fallback: T, name: string): T {
  if (value === undefined || value === '') return fallback;
  if (typeof fallback === 'number') {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n)) throw new HostError('source', `param "${name}" must be a number (got ${JSON.stringify(value)})`);
    return n as T;
  }
  if (typeof fallback === 'boolean') {
    if (typeof value === 'boolean') return value as T;
    if (value === 'true' || value === 1 || value === '1') return true as T;
    if (value === 'false' || value === 0 || value === '0') return false as T;
    throw new HostError('source', `param "${name}" must be true or false (got ${JSON.stringify(value)})`);
  }
  return String(value) as T;
}

/** The output shape a model must have for this data. */
export function expectedOutputShape(input: Pick<ModelSourceInput, 'inputShape' | 'task' | 'classes'>, target: 'label' | 'input'): number[] {
  if (target === 'input') return [...input.inputShape];
  return input.task === 'classification' ? [input.classes.length] : [1];
}

export function createContext(
  tf: Tf,
  input: ModelSourceInput,
  outputShape: number[],
  onOptimizer: (name: string, learningRate: number) => void = () => {},
): ModelContext {
  const params = { ...input.params };
  const ctx: ModelContext = {
    tf,
    inputShape: [...input.inputShape],
    outputShape: [...outputShape],
    task: input.task,
    numClasses: input.task === 'classification' ? input.classes.length : 0,
    classes: [...input.classes],
    params,
    seed: input.seed,
    param: ((name: string, fallback: ParamValue) => coerce(params[name], fallback, name)) as ModelContext['param'],
    optimizer(name, learningRate) {
      const chosen = input.overrides?.optimizer ?? name ?? ctx.param('optimizer', 'adam');
      const lrParam = params.lr === undefined ? undefined : ctx.param('lr', 0);
      const lr = input.overrides?.learningRate ?? learningRate ?? lrParam ?? DEFAULT_LR[chosen.toLowerCase() as 'adam'];
      const opt = makeOptimizer(tf, chosen, lr, ctx.param('momentum', 0.9));
      onOptimizer(chosen.toLowerCase(), lr);
      return opt;
    },
  };
  return ctx;
}

// ---- build -------------------------------------------------------------------

const shapeText = (s: readonly (number | null)[]) => `[${s.map((d) => (d === null ? 'null' : d)).join(', ')}]`;
const product = (s: readonly (number | null)[]) => s.reduce<number>((a, b) => a * (b ?? NaN), 1);

/** Evaluate the source, call createModel(ctx), and check the result fits the data. */
export async function buildModelFromSource(
  tf: Tf,
  source: string,
  input: ModelSourceInput,
  filename = 'model.ts',
): Promise<BuiltModel> {
  installAdadelta(tf); // sources that call tf.train.adadelta themselves get the correct one too
  const mod = loadModelModule(source, { filename, modules: { '@tensorflow/tfjs': () => tf } });
  const target = mod.meta.target === 'input' ? 'input' : 'label';
  if (mod.meta.tasks && Array.isArray(mod.meta.tasks) && target === 'label' && !mod.meta.tasks.includes(input.task)) {
    throw new HostError('source', `${filename}: this model is for ${mod.meta.tasks.join('/')} but the dataset's task is ${input.task}`);
  }
  if (target === 'label' && input.task === 'classification' && input.classes.length < 2) {
    throw new HostError('data', `a classification dataset needs at least 2 classes (found ${input.classes.length})`);
  }
  const outputShape = expectedOutputShape(input, target);
  let optimizer: BuiltModel['optimizer'] = null;
  const ctx = createContext(tf, input, outputShape, (name, learningRate) => (optimizer = { name, learningRate }));

  let model: unknown;
  try {
    model = await mod.createModel(ctx);
  } catch (err) {
    throw userCodeError(err, filename, mod.compiled, '');
  }
  if (!(model instanceof tf.LayersModel)) {
    const got = model === null ? 'null' : typeof model === 'object' ? (model as object).constructor?.name ?? 'an object' : typeof model;
    throw new HostError('source', `${filename}: createModel(ctx) must return a tf.LayersModel (e.g. tf.sequential()), but returned ${got}`);
  }
  if (model.optimizer == null || model.loss == null) {
    throw new HostError('source', `${filename}: the model is not compiled: call model.compile({ optimizer: ctx.optimizer(), loss: …, metrics: […] }) before returning it`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new HostError('source', `${filename}: the model must have exactly one input and one output (has ${model.inputs.length} and ${model.outputs.length})`);
  }
  const inShape = model.inputs[0].shape.slice(1);
  if (product(inShape) !== product(input.inputShape)) {
    throw new HostError('source', `${filename}: the model's input shape ${shapeText(inShape)} does not fit the dataset's samples ${shapeText(input.inputShape)} (use ctx.inputShape)`);
  }
  // tfjs lets a layer shrink a dimension to 0 (pooling a 1×1 image, say) and trains on nothing,
  // or, on wasm, fails deep in a kernel. Say which layer ran out of room instead.
  for (const layer of model.layers) {
    const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as (number | null)[][];
    const empty = shapes.find((shape) => shape.some((d) => d !== null && d <= 0));
    if (empty) {
      throw new HostError('source', `${filename}: layer "${layer.name}" (${layer.getClassName()}) outputs ${shapeText(empty)}: the dataset's samples ${shapeText(input.inputShape)} are too small for this model`);
    }
  }
  const outShape = model.outputs[0].shape.slice(1);
  const binary = target === 'label' && input.task === 'classification' && input.classes.length === 2 && product(outShape) === 1;
  const fits = target === 'input' ? product(outShape) === product(outputShape) : binary || shapeText(outShape) === shapeText(outputShape);
  if (!fits) {
    throw new HostError('source', `${filename}: the model's output shape ${shapeText(outShape)} does not match the dataset: expected ${shapeText(outputShape)}${target === 'label' && input.task === 'classification' ? ` (one unit per class: ${input.classes.length})` : ''} (use ctx.outputShape)`);
  }
  return { model, meta: mod.meta, target, outputShape, optimizer };
}
