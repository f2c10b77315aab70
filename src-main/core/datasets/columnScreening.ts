/**
 * Which source columns should not be model features, and why. An identifier (a row number, a
 * UUID, a column named `id`) or a free-text column one-hot encodes into hundreds of features that
 * let a model memorise rows instead of learning; they are left out by default, the reason is
 * recorded on the dataset's column (shown at import and on the Datasets page), and the user can
 * override per column (`--keep-column`, `--drop-column`).
 */
import { inputError } from '../util/errors';
import { MAX_CATEGORIES, type ColumnAccumulator } from './typeInference';

/** Names that only ever hold identifiers. */
const ID_NAME = /^(id|_id|uuid|guid|index|idx|row|rowid|row_id|row_?num(ber)?|record_?id|key)$/i;
/** Names that usually hold identifiers (customer_id, userId, order-uuid): excluded only when mostly unique. */
const ID_SUFFIX = /(^|[_\s.-])(id|uuid|guid)$|[a-z](Id|ID|Uuid|UUID)$/;
/** Below this many rows, "nearly all unique" says little. */
const MIN_ROWS_FOR_UNIQUENESS = 20;
/** Average characters or words per cell above which a text column is free text, not a category. */
const FREE_TEXT_CHARS = 30;
const FREE_TEXT_WORDS = 4;

export interface ColumnOverrides {
  /** Columns to use as features even when they look like identifiers or free text. */
  keepColumns?: string[];
  /** Columns to leave out whatever they hold. */
  dropColumns?: string[];
}

function distinctNumbers(values: Float64Array): number {
  return new Set(values).size;
}

/** Why this column is not a good feature; null when it is one. */
export function exclusionReason(col: ColumnAccumulator): string | null {
  const n = col.rows;
  const present = n - col.missing;
  if (present === 0) return 'every cell is empty';
  const pct = (k: number) => `${Math.round((100 * k) / present)}%`;

  if (ID_NAME.test(col.name.trim())) return `identifier: named "${col.name}"`;

  if (col.type === 'number') {
    const values = col.values.view();
    const distinct = ID_SUFFIX.test(col.name) || (col.missing === 0 && n >= MIN_ROWS_FOR_UNIQUENESS) ? distinctNumbers(values) : 0;
    if (ID_SUFFIX.test(col.name) && distinct >= 0.5 * present) return `identifier: named "${col.name}" and ${pct(distinct)} of values unique`;
    if (col.missing === 0 && n >= MIN_ROWS_FOR_UNIQUENESS && distinct === n) {
      let min = Infinity;
      let max = -Infinity;
      let integral = true;
      for (let i = 0; i < n && integral; i++) {
        const v = values[i];
        if (!Number.isInteger(v)) integral = false;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      // Every value unique and they fill a range exactly: a row number, not a measurement.
      if (integral && max - min === n - 1) return `identifier: integer sequence ${min}…${max}, one value per row`;
    }
    return null;
  }

  const avgChars = col.nonNumeric ? col.textChars / col.nonNumeric : 0;
  const avgWords = col.nonNumeric ? col.textWords / col.nonNumeric : 0;
  if (avgChars >= FREE_TEXT_CHARS || avgWords >= FREE_TEXT_WORDS) {
    return `free text: ${Math.round(avgChars)} characters per value on average`;
  }
  const distinct = col.distinctCount();
  if (distinct === null) return `identifier: more than ${MAX_CATEGORIES} distinct values`;
  if (ID_SUFFIX.test(col.name) && distinct >= 0.5 * present) return `identifier: named "${col.name}" and ${pct(distinct)} of values unique`;
  if (present >= MIN_ROWS_FOR_UNIQUENESS && distinct >= 0.9 * present) {
    return `identifier: ${pct(distinct)} of values unique (${distinct} of ${present})`;
  }
  return null;
}

/**
 * Decides every non-target column: null = use it, else the reason it is left out. Unknown names
 * in the overrides, the target in either list, or a column in both are errors, before anything is read twice.
 */
export function screenColumns(
  file: string, columns: ColumnAccumulator[], target: string, overrides: ColumnOverrides = {},
): Map<string, string | null> {
  const names = new Set(columns.map((c) => c.name));
  const keep = new Set(overrides.keepColumns ?? []);
  const drop = new Set(overrides.dropColumns ?? []);
  for (const [flag, list] of [['keep-column', keep], ['drop-column', drop]] as const) {
    for (const name of list) {
      if (!names.has(name)) throw inputError(`${file}: --${flag} "${name}": no such column; columns are: ${[...names].join(', ')}`, { file, field: flag });
      if (name === target) throw inputError(`${file}: --${flag} "${name}" is the target column, which is never a feature`, { file, field: flag });
      if (flag === 'drop-column' && keep.has(name)) throw inputError(`${file}: column "${name}" is both kept and dropped`, { file, field: flag });
    }
  }
  const out = new Map<string, string | null>();
  for (const c of columns) {
    if (c.name === target) continue;
    if (drop.has(c.name)) out.set(c.name, 'dropped on request (--drop-column)');
    else if (keep.has(c.name)) {
      if (c.type !== 'number' && !c.hasDictionary()) {
        throw inputError(`${file}: --keep-column "${c.name}": more than ${MAX_CATEGORIES} distinct values, too many to one-hot encode`, { file, field: 'keep-column' });
      }
      out.set(c.name, null);
    } else out.set(c.name, exclusionReason(c));
  }
  return out;
}
