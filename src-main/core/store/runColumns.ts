/**
 * The run columns a filter or an orderBy may name, mapped onto SQL. A whitelist: field
 * names from users never reach SQL text, only these fixed expressions do. `r` is the
 * runs table, `e` the joined experiments table.
 */
export interface RunColumn {
  sql: string;
  numeric: boolean;
}

const columns: Record<string, RunColumn> = {
  id: { sql: 'r.id', numeric: false },
  name: { sql: 'r.name', numeric: false },
  status: { sql: 'r.status', numeric: false },
  experiment: { sql: 'e.name', numeric: false },
  model: { sql: 'r.model_name', numeric: false },
  model_name: { sql: 'r.model_name', numeric: false },
  dataset: { sql: 'r.dataset_id', numeric: false },
  dataset_id: { sql: 'r.dataset_id', numeric: false },
  dataset_hash: { sql: 'r.dataset_hash', numeric: false },
  source_hash: { sql: 'r.source_hash', numeric: false },
  backend: { sql: 'r.backend', numeric: false },
  seed: { sql: 'r.seed', numeric: true },
  created_at: { sql: 'r.created_at', numeric: false },
  started_at: { sql: 'r.started_at', numeric: false },
  ended_at: { sql: 'r.ended_at', numeric: false },
  duration_ms: { sql: 'r.duration_ms', numeric: true },
  error: { sql: 'r.error', numeric: false },
  notes: { sql: 'r.notes', numeric: false },
  parent_run_id: { sql: 'r.parent_run_id', numeric: false },
  replay_of: { sql: 'r.replay_of', numeric: false },
  resumed_from: { sql: 'r.resumed_from', numeric: false },
};

/** Accepts snake_case and camelCase (`durationMs`), case-insensitively. */
export function runColumn(name: string): RunColumn | undefined {
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return Object.prototype.hasOwnProperty.call(columns, snake) ? columns[snake] : undefined;
}

export const runColumnNames: readonly string[] = Object.keys(columns);

/** `metrics.x` / `params.x` / `tags.x` (singular accepted too). */
export type Namespace = 'metrics' | 'params' | 'tags';

export function namespaceOf(word: string): Namespace | undefined {
  switch (word.toLowerCase()) {
    case 'metrics':
    case 'metric':
      return 'metrics';
    case 'params':
    case 'param':
      return 'params';
    case 'tags':
    case 'tag':
      return 'tags';
    default:
      return undefined;
  }
}

/** Escapes `%`, `_` and `\` for `LIKE ? ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}

/** A value as a number when the whole string reads as a finite one ("0.01", "1e-3"), else null. */
export function numericValue(value: string): number | null {
  // Decimal notation only: "0x10" or " 1 " stay text.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
