/**
 * The Train form's fields for a model's own parameters: the `ctx.param('name', default)` calls of its
 * source, found by the same scan the CLI uses (`lamina templates --params ID`), each with the kind of
 * input its default asks for. Pure.
 */
import { modelParams } from '../../../src-main/core/models/templateParams';

export type ParamKind = 'number' | 'boolean' | 'text';

export interface ParamField {
  name: string;
  kind: ParamKind;
  /** The default as written in the source, for the placeholder. */
  defaultText: string;
  /** The default as a value, when it is a literal. */
  defaultValue: number | boolean | string | null;
}

/** Parameters the form already has its own fields for (optimizer, learning rate). */
const COVERED = new Set(['optimizer', 'lr', 'learningRate']);

export function paramFields(source: string): { fields: ParamField[]; dynamic: boolean } {
  const { params, dynamic } = modelParams(source);
  const fields = params
    .filter((p) => !COVERED.has(p.name))
    .map((p): ParamField => {
      const d = p.default.trim();
      if (/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(d)) return { name: p.name, kind: 'number', defaultText: d, defaultValue: Number(d) };
      if (d === 'true' || d === 'false') return { name: p.name, kind: 'boolean', defaultText: d, defaultValue: d === 'true' };
      const str = d.match(/^(['"`])(.*)\1$/);
      if (str) return { name: p.name, kind: 'text', defaultText: str[2]!, defaultValue: str[2]! };
      return { name: p.name, kind: 'text', defaultText: d || '(none)', defaultValue: null };
    });
  return { fields, dynamic };
}

/** Only the values the user set, with the type the model expects (text that is a number stays text). */
export function paramValues(fields: ParamField[], set: Record<string, string | number | boolean | null | undefined>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const f of fields) {
    const v = set[f.name];
    if (v === null || v === undefined || v === '') continue;
    out[f.name] = v;
  }
  return out;
}
