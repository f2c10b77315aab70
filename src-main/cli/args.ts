/**
 * Argument parsing on node:util's parseArgs, with the contract's global flags and
 * usage errors that exit 2 with a message naming the flag.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LaminaError } from '../core/util/errors';
import { attachDashValues, explainParseError } from './usageHints';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export const GLOBAL_OPTIONS = {
  workspace: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  /** Trust the workspace for this one command (SECURITY.md: restricted mode). */
  trust: { type: 'boolean', default: false },
} satisfies OptionSpec;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommandArgs(argv: string[], options: OptionSpec, command = '<command>'): Parsed {
  const all = { ...GLOBAL_OPTIONS, ...options };
  try {
    const { values, positionals } = parseArgs({
      args: attachDashValues(argv, all),
      options: all,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    throw new LaminaError('usage', explainParseError(e as Error, all, command));
  }
}

export function usage(message: string): LaminaError {
  return new LaminaError('usage', message);
}

export function str(v: Parsed['values'][string]): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: Parsed['values'][string], flag: string, opts: { int?: boolean; min?: number } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min)) {
    const what = opts.int ? 'a whole number' : 'a number';
    throw usage(`--${flag} must be ${what}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}, got "${String(v)}"`);
  }
  return n;
}

/** `--param k=v` (repeatable): numbers and booleans typed, the rest strings. */
export function keyValues(list: string[] | undefined, flag: string): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw usage(`--${flag} expects key=value, got "${item}"`);
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1);
    out[key] = raw === 'true' ? true : raw === 'false' ? false : raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}
