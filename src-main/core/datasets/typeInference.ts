/**
 * Per-column accumulation while rows stream in, then type inference:
 *  - a column is categorical when most of its non-empty cells are non-numeric, else numeric;
 *  - empty cells are missing;
 *  - a categorical column with too many distinct values to one-hot is 'text' and is not used
 *    as a feature (an ID or free-text column would otherwise explode the feature count).
 * Cells are parsed to numbers once, as they arrive; distinct strings are interned only while
 * there are few of them, so a 200k-row float column costs a Float64Array and nothing more.
 */
import type { ColumnType } from '../domain';
import { inputError } from '../util/errors';

/** Most distinct values a column may have and still be one-hot encoded / used as classes. */
export const MAX_CATEGORIES = 1000;
export const MISSING_CATEGORY = '(missing)';
/** The one-hot slot for a value that training never saw. */
export const OTHER_CATEGORY = '(other)';

/** Parses a cell as a finite decimal number; NaN when it is not one. Empty → NaN too (callers check emptiness first). */
export function parseNumber(cell: string): number {
  let s = cell;
  const c0 = s.charCodeAt(0);
  // Trim only when needed: most cells have no surrounding space.
  if (c0 === 32 || c0 === 9 || s.charCodeAt(s.length - 1) === 32 || s.charCodeAt(s.length - 1) === 9) s = s.trim();
  if (s.length === 0) return NaN;
  const f = s.charCodeAt(0);
  // Number() also accepts "0x1f", "Infinity" and "1_0"-free forms we don't want as data.
  if (!((f >= 48 && f <= 57) || f === 45 || f === 43 || f === 46)) return NaN;
  const l = s.charCodeAt(s.length - 1);
  if (!((l >= 48 && l <= 57) || l === 46)) return NaN;
  if (f === 48 && s.length > 1) {
    const x = s.charCodeAt(1) | 32;
    if (x === 120 || x === 98 || x === 111) return NaN; // 0x 0b 0o
  }
  const fast = parsePlainDecimal(s);
  if (fast !== undefined) return fast;
  const v = Number(s);
  return Number.isFinite(v) ? v : NaN;
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Fast path for the common "-12.345" form: at most 15 significant digits and no exponent,
 * so mantissa and 10^k are exact doubles and one IEEE division rounds correctly — the
 * same value Number() gives, several times faster. undefined → let Number() decide.
 */
function parsePlainDecimal(s: string): number | undefined {
  let i = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 45 || c0 === 43) { neg = c0 === 45; i = 1; }
  let mant = 0;
  let digits = 0;
  let frac = -1;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      if (mant !== 0) digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) {
      frac = 0;
    } else {
      return undefined;
    }
  }
  if (digits > 15 || frac > 22) return undefined;
  if (i === (neg || c0 === 43 ? 1 : 0) + (frac >= 0 ? 1 : 0)) return undefined; // no digits at all
  const v = frac > 0 ? mant / POW10[frac] : mant;
  return neg ? -v : v;
}

export function isMissingCell(cell: string): boolean {
  if (cell.length === 0) return true;
  const c0 = cell.charCodeAt(0);
  return (c0 === 32 || c0 === 9) && cell.trim().length === 0;
}

/** Numeric-aware string order ("2" < "10", "a2" < "a10"), independent of the locale. */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+(?:\.\d+)?)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const nx = /^\d/.test(x) ? Number(x) : NaN;
    const ny = /^\d/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny) && nx !== ny) return nx - ny;
    return x < y ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

class GrowableF64 {
  data = new Float64Array(1024);
  length = 0;
  push(v: number) {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array { return this.data.subarray(0, this.length); }
}

class GrowableI32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number) {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array { return this.data.subarray(0, this.length); }
}

export { GrowableI32 };

/** Everything kept about one source column while rows stream in. */
export class ColumnAccumulator {
  readonly values = new GrowableF64(); // NaN: missing or non-numeric
  private codes: GrowableI32 | null = new GrowableI32(); // -1: missing
  private dict: Map<string, number> | null = new Map();
  numeric = 0;
  nonNumeric = 0;
  missing = 0;
  /** First non-numeric cell and first missing cell, for error messages. */
  firstNonNumeric: { line: number; value: string } | null = null;
  firstMissingLine = 0;
  /** Total length and word count of the non-numeric cells: long, wordy values are free text. */
  textChars = 0;
  textWords = 0;

  constructor(readonly name: string, readonly index: number) {}

  add(cell: string, line: number): void {
    if (isMissingCell(cell)) {
      this.missing++;
      if (!this.firstMissingLine) this.firstMissingLine = line;
      this.values.push(NaN);
      this.codes?.push(-1);
      return;
    }
    const v = parseNumber(cell);
    this.values.push(v);
    if (Number.isNaN(v)) {
      this.nonNumeric++;
      if (!this.firstNonNumeric) this.firstNonNumeric = { line, value: cell };
      this.textChars += cell.length;
      if (cell.length > 12) this.textWords += cell.trim().split(/\s+/).length;
      else this.textWords += 1;
    } else {
      this.numeric++;
    }
    if (this.dict && this.codes) {
      let code = this.dict.get(cell);
      if (code === undefined) {
        if (this.dict.size >= MAX_CATEGORIES) {
          // Too many distinct values to be a category: stop interning.
          this.dict = null;
          this.codes = null;
          return;
        }
        code = this.dict.size;
        this.dict.set(cell, code);
      }
      this.codes.push(code);
    }
  }

  get rows(): number { return this.values.length; }

  /** 'number' | 'category' | 'text' (categorical but too many distinct values). */
  get type(): ColumnType {
    if (this.nonNumeric > this.numeric) return this.dict ? 'category' : 'text';
    return 'number';
  }

  /** Distinct non-empty values in first-seen order (categorical columns only). */
  categories(): string[] {
    if (!this.dict) throw new Error(`column ${this.name} has no category dictionary`);
    return [...this.dict.keys()];
  }

  /** Per-row category code (index into categories()), -1 for missing. */
  categoryCodes(): Int32Array {
    if (!this.codes) throw new Error(`column ${this.name} has no category dictionary`);
    return this.codes.view();
  }

  hasDictionary(): boolean { return this.dict !== null; }

  /** Distinct non-empty values, or null once there were too many to count (more than MAX_CATEGORIES). */
  distinctCount(): number | null { return this.dict ? this.dict.size : null; }
}

/** A numeric feature must have no non-numeric cell: name file, line, column number and name. */
export function assertNumericColumn(col: ColumnAccumulator, file: string, role: 'feature' | 'target'): void {
  if (col.type !== 'number' || !col.firstNonNumeric) return;
  const { line, value } = col.firstNonNumeric;
  const colNo = col.index + 1;
  throw inputError(
    `${file}:${line}:${colNo}: non-numeric value ${JSON.stringify(value)} in numeric ${role} column ${colNo} "${col.name}" ` +
      `(${col.numeric} of its ${col.numeric + col.nonNumeric} non-empty cells are numbers)`,
    { file, line, column: colNo, field: col.name },
  );
}

/** Name of the one-hot feature for a value of a categorical column. */
export function oneHotName(column: string, value: string): string {
  return `${column}=${value}`;
}
