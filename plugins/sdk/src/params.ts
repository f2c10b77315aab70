/**
 * Declared trainer parameters (plugin API 1.1.0). A trainer lists its parameters in the manifest
 * (`lamina.contributes.trainers[].params`) and, optionally, the tasks it handles (`tasks`). Lamina
 * then checks `--param k=v` before a run starts (a bad value is a usage error naming the parameter,
 * exit 2), and the Train page shows the parameters as a form. The trainer itself calls
 * `resolveParams(spec, ctx.params, ctx.dataset.task)` to get typed values with defaults filled in;
 * the same function is what Lamina runs, so the checks cannot drift apart.
 *
 * Parameters not declared are passed through untouched: they may be the model's (`ctx.param`).
 */
import type { ParamValue, Task } from './index';

export type TrainerParamType = 'integer' | 'number' | 'boolean' | 'string' | 'choice' | 'list';

export interface TrainerParamSpec {
  /** As given on the command line: `--param name=value`. */
  name: string;
  type: TrainerParamType;
  default?: ParamValue;
  /** Inclusive bounds for integer/number. */
  min?: number;
  max?: number;
  /** Allowed values for `choice`, and for each comma-separated item of a `list`. */
  choices?: string[];
  description?: string;
  /** The tasks this parameter applies to (all when absent); setting it for another task is an error. */
  tasks?: Task[];
}

/** A trainer as declared in the manifest (`lamina.contributes.trainers[]`). */
export interface TrainerDeclaration {
  id: string;
  name: string;
  description?: string;
  /** Tasks the trainer handles (all when absent). */
  tasks?: Task[];
  params?: TrainerParamSpec[];
}

/** A bad parameter; `param` names it (for CLI messages and form fields). */
export class TrainerParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = 'TrainerParamError';
  }
}

/** Converts one given value to the declared type, or throws a TrainerParamError naming the parameter. */
export function coerceParam(spec: TrainerParamSpec, value: ParamValue): ParamValue {
  const bad = (why: string) => new TrainerParamError(spec.name, `--param ${spec.name}=${String(value)}: ${why}`);
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const v = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(v)) throw bad(`must be ${spec.type === 'integer' ? 'an integer' : 'a number'}`);
      if (spec.type === 'integer' && !Number.isInteger(v)) throw bad('must be an integer');
      if (spec.min !== undefined && v < spec.min) throw bad(`must be at least ${spec.min}${rangeText(spec)}`);
      if (spec.max !== undefined && v > spec.max) throw bad(`must be at most ${spec.max}${rangeText(spec)}`);
      return v;
    }
    case 'boolean':
      if (value === true || value === 'true' || value === 1 || value === '1') return true;
      if (value === false || value === 'false' || value === 0 || value === '0') return false;
      throw bad('must be true or false');
    case 'choice': {
      const v = String(value);
      if (!(spec.choices ?? []).includes(v)) throw bad(`must be one of ${(spec.choices ?? []).join(', ')}`);
      return v;
    }
    case 'list': {
      const items = String(value).split(',').map((v) => v.trim());
      const unknown = items.filter((v) => !(spec.choices ?? []).includes(v));
      if (items.length === 0 || items.every((v) => v === '')) throw bad('must list at least one value');
      if (spec.choices && unknown.length) throw bad(`unknown ${unknown.map((v) => `"${v}"`).join(', ')}; each item must be one of ${spec.choices.join(', ')}`);
      return items.join(',');
    }
    default:
      return String(value);
  }
}

function rangeText(spec: TrainerParamSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) return ` (range ${spec.min}–${spec.max})`;
  return '';
}

/**
 * Typed values for every declared parameter (given, else the default) plus the undeclared ones as
 * given. Throws a TrainerParamError for a bad value or for a parameter that does not apply to `task`.
 */
export function resolveParams(specs: readonly TrainerParamSpec[], given: Record<string, ParamValue>, task?: Task): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = { ...given };
  for (const spec of specs) {
    const has = Object.prototype.hasOwnProperty.call(given, spec.name);
    if (has && task && spec.tasks && !spec.tasks.includes(task)) {
      throw new TrainerParamError(spec.name, `--param ${spec.name}: applies to ${spec.tasks.join(' and ')} only; this dataset is ${task}`);
    }
    if (has) out[spec.name] = coerceParam(spec, given[spec.name]);
    else if (spec.default !== undefined) out[spec.name] = spec.default;
  }
  return out;
}

/** Checks a trainer's declared tasks and parameters against a run's task and `--param` values. */
export function checkTrainerParams(trainer: TrainerDeclaration, given: Record<string, ParamValue>, task: Task): Record<string, ParamValue> {
  if (trainer.tasks && !trainer.tasks.includes(task)) {
    throw new TrainerParamError('dataset', `trainer "${trainer.id}" handles ${trainer.tasks.join(' and ')} datasets; this dataset is ${task}`);
  }
  return resolveParams(trainer.params ?? [], given, task);
}

/** The declaration of trainer `id` in a manifest object (e.g. the plugin's own package.json). */
export function trainerDeclaration(manifest: { lamina?: { contributes?: { trainers?: TrainerDeclaration[] } } }, id: string): TrainerDeclaration {
  const t = manifest.lamina?.contributes?.trainers?.find((x) => x.id === id);
  if (!t) throw new Error(`the manifest declares no trainer "${id}"`);
  return t;
}
