/**
 * BullMQ stores job data, progress and results as JSON, which has no NaN or Infinity. A diverged
 * run's NaN loss must arrive as NaN (the store keeps it, the run fails as 'nan'), so non-finite
 * numbers travel as { "$num": "NaN" | "Infinity" | "-Infinity" }.
 */
export function toWire<T>(v: T): T {
  return walk(v, (x) => (typeof x === 'number' && !Number.isFinite(x) ? { $num: String(x) } : undefined)) as T;
}

export function fromWire<T>(v: T): T {
  return walk(v, (x) => {
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      const keys = Object.keys(x);
      if (keys.length === 1 && keys[0] === '$num') return Number((x as { $num: string }).$num);
    }
    return undefined;
  }) as T;
}

function walk(v: unknown, swap: (x: unknown) => unknown): unknown {
  const s = swap(v);
  if (s !== undefined) return s;
  if (Array.isArray(v)) return v.map((x) => walk(x, swap));
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, swap);
    return out;
  }
  return v;
}
