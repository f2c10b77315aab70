/** Trainer parameters (`--param k=v`), read with defaults; every trainer documents its own in README.md. */
import type { ParamValue } from '@lamina/plugin-sdk';

export class Params {
  constructor(private readonly values: Record<string, ParamValue>) {}

  num(key: string, fallback: number, min = -Infinity): number {
    const v = this.values[key];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--param ${key} must be a number${min > -Infinity ? ` ≥ ${min}` : ''}, got "${String(v)}"`);
    return n;
  }

  int(key: string, fallback: number, min = 1): number {
    const n = this.num(key, fallback, min);
    if (!Number.isInteger(n)) throw new Error(`--param ${key} must be a whole number, got "${n}"`);
    return n;
  }

  list(key: string, fallback: number[]): number[] {
    const v = this.values[key];
    if (v === undefined || v === '') return fallback;
    const out = String(v).split(',').map((s) => Number(s.trim()));
    if (out.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`--param ${key} must be whole numbers ≥ 1 separated by commas, got "${String(v)}"`);
    return out;
  }
}
