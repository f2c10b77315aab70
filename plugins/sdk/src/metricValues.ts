/**
 * What a plugin metric returned → the run's test metrics. A number is stored as `test_<id>`;
 * since plugin API 1.2 a metric may return several named numbers, `{ value?, <name>: number }`:
 * `value` is stored as `test_<id>` and each other entry as `test_<id>_<name>` (the name made
 * lowercase, other characters than a–z, 0–9 and _ turned into _), e.g. `test_auc_lesion`.
 * Returns the metrics, or the reason the answer is malformed.
 */
export function metricValues(id: string, value: unknown): Record<string, number> | string {
  if (typeof value === 'number') return { [`test_${id}`]: value };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `returned ${Array.isArray(value) ? 'an array' : typeof value}, not a number or an object of named numbers`;
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'number') return `returned ${JSON.stringify(name)}: ${typeof v}, not a number`;
    const key = name === 'value' ? `test_${id}` : `test_${id}_${metricSuffix(name)}`;
    if (key in out) return `returned two values named like "${key}"`;
    out[key] = v;
  }
  if (!Object.keys(out).length) return 'returned an empty object';
  return out;
}

export function metricSuffix(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'x';
}
