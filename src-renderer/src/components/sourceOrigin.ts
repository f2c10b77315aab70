/**
 * Which template a run's model came from, for the Source tab's diff: the template the run names
 * (`mlp`, or "Multilayer perceptron (edited)" from the editor), else the template whose lines the
 * source shares most (a saved copy of a template, renamed), when it shares at least half. Pure.
 */
export interface TemplateLike {
  id: string;
  name: string;
  source: string;
}

/** Lines of `a` also in `b` (as a multiset), over the longer length: 1 = same lines. */
export function lineOverlap(a: string, b: string): number {
  const la = a.split('\n').map((l) => l.trim()).filter(Boolean);
  const lb = b.split('\n').map((l) => l.trim()).filter(Boolean);
  if (la.length === 0 || lb.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const l of lb) counts.set(l, (counts.get(l) ?? 0) + 1);
  let shared = 0;
  for (const l of la) {
    const n = counts.get(l) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(l, n - 1);
    }
  }
  return shared / Math.max(la.length, lb.length);
}

export function templateOf<T extends TemplateLike>(modelName: string, source: string, templates: readonly T[]): T | null {
  const name = modelName.replace(/ \(edited\)$/, '').trim();
  const named = templates.find((t) => t.id === name || t.name === name || `${name}`.endsWith(`/${t.id}`));
  if (named) return named;
  let best: T | null = null;
  let score = 0.5;
  for (const t of templates) {
    const s = lineOverlap(source, t.source);
    if (s >= score) {
      best = t;
      score = s;
    }
  }
  return best;
}
