/**
 * Seeded train/validation/test assignment. Classification splits are stratified: each
 * class is shuffled and cut by the fractions on its own, so every split keeps the class
 * balance. Same seed + same data → same assignment.
 */
import type { SplitName } from '../domain';
import { inputError } from '../util/errors';
import { createRng, shuffledIndices } from '../util/random';

export type SplitFractions = [number, number, number];
export const DEFAULT_SPLIT: SplitFractions = [0.7, 0.15, 0.15];
export const SPLIT_NAMES: SplitName[] = ['train', 'validation', 'test'];
/** Codes stored in the `__split` column. */
export const SPLIT_CODE: Record<SplitName, number> = { train: 0, validation: 1, test: 2 };

export function validateSplitFractions(split: unknown): SplitFractions {
  const bad = (why: string) =>
    inputError(`invalid split ${JSON.stringify(split)}: ${why} (expected three fractions train,validation,test, each ≥ 0, summing to 1, e.g. 0.7,0.15,0.15)`, { field: 'split' });
  if (!Array.isArray(split) || split.length !== 3) throw bad('not three numbers');
  for (const f of split) {
    if (typeof f !== 'number' || !Number.isFinite(f)) throw bad('not a finite number');
    if (f < 0) throw bad('a fraction is negative');
  }
  const sum = split[0] + split[1] + split[2];
  if (Math.abs(sum - 1) > 1e-6) throw bad(`fractions sum to ${sum}`);
  if (split[0] === 0) throw bad('the train fraction must be > 0 (normalisation statistics come from it)');
  return [split[0], split[1], split[2]];
}

/** Largest-remainder apportionment of `count` items by `f`: counts sum to `count`, each within 1 of count*f. */
export function apportion(count: number, f: SplitFractions): [number, number, number] {
  const exact = f.map((x) => count * x);
  const out = exact.map(Math.floor) as [number, number, number];
  let left = count - out[0] - out[1] - out[2];
  const order = [0, 1, 2].sort((a, b) => (exact[b] - out[b]) - (exact[a] - out[a]) || a - b);
  for (let k = 0; left > 0; k = (k + 1) % 3) {
    if (f[order[k]] > 0) { out[order[k]]++; left--; }
  }
  return out;
}

/**
 * Returns the split code (0 train, 1 validation, 2 test) of every row.
 * `strata`: per-row class index for a stratified split, or null for a plain shuffled split.
 * Each class gets floor(n_c * f) rows per split; the few rows left over are then placed so the
 * split totals match the fractions of the whole dataset (largest remainder first), which keeps
 * every class within one row of its exact share in every split.
 */
export function assignSplits(n: number, fractions: SplitFractions, seed: number, strata: Int32Array | null): Uint8Array {
  const out = new Uint8Array(n);
  const rng = createRng(seed);
  const groups: Uint32Array[] = [];
  if (strata) {
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) counts.set(strata[i], (counts.get(strata[i]) ?? 0) + 1);
    const keys = [...counts.keys()].sort((a, b) => a - b);
    const fill = new Map<number, number>();
    const byKey = new Map<number, Uint32Array>();
    for (const k of keys) { byKey.set(k, new Uint32Array(counts.get(k)!)); fill.set(k, 0); }
    for (let i = 0; i < n; i++) {
      const k = strata[i];
      const pos = fill.get(k)!;
      byKey.get(k)![pos] = i;
      fill.set(k, pos + 1);
    }
    for (const k of keys) groups.push(byKey.get(k)!);
  } else {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    groups.push(all);
  }
  const need = apportion(n, fractions);
  const groupsLeft: { rows: number[]; rem: number[] }[] = [];
  for (const rows of groups) {
    const order = shuffledIndices(rows.length, rng);
    const exact = fractions.map((f) => rows.length * f);
    const floors = exact.map(Math.floor);
    let j = 0;
    for (let s = 0; s < 3; s++) {
      for (let k = 0; k < floors[s]; k++) out[rows[order[j++]]] = s;
      need[s] -= floors[s];
    }
    const left: number[] = [];
    for (; j < rows.length; j++) left.push(rows[order[j]]);
    if (left.length) groupsLeft.push({ rows: left, rem: exact.map((e, s) => e - floors[s]) });
  }
  const extra = placeLeftovers(groupsLeft, need);
  groupsLeft.forEach((g, c) => {
    let j = 0;
    for (let s = 0; s < 3; s++) if (extra[c][s]) out[g.rows[j++]] = s;
  });
  return out;
}

/**
 * Chooses which splits get each class's leftover rows: at most one extra row per class and
 * split (so each class stays within one row of its exact share), split totals exactly `need`.
 * Greedy by largest remainder, then augmenting paths (a tiny bipartite matching) for what
 * the greedy pass could not place. Such a placement always exists (controlled rounding).
 */
function placeLeftovers(groups: { rows: number[]; rem: number[] }[], need: number[]): Uint8Array[] {
  const extra = groups.map(() => new Uint8Array(3));
  const missing = groups.map((g) => g.rows.length);
  const allowedStrict = (c: number, s: number) => groups[c].rem[s] > 1e-9;
  const pairs: [number, number][] = [];
  groups.forEach((_, c) => { for (let s = 0; s < 3; s++) pairs.push([c, s]); });
  pairs.sort((a, b) => groups[b[0]].rem[b[1]] - groups[a[0]].rem[a[1]] || a[0] - b[0] || a[1] - b[1]);
  for (const [c, s] of pairs) {
    if (missing[c] > 0 && need[s] > 0 && allowedStrict(c, s)) { extra[c][s] = 1; missing[c]--; need[s]--; }
  }
  const augment = (start: number, allowed: (c: number, s: number) => boolean): boolean => {
    // BFS over splits: from class c to a split it has no extra in; from a full split back to a class holding an extra there.
    const prevSplit = new Map<number, { from: number; via: number }>(); // split → (class that moves into it, split that class leaves or -1)
    const queue: { c: number; leaving: number }[] = [{ c: start, leaving: -1 }];
    const seenClass = new Set<number>([start]);
    while (queue.length) {
      const { c, leaving } = queue.shift()!;
      for (let s = 0; s < 3; s++) {
        if (extra[c][s] || !allowed(c, s) || prevSplit.has(s) || s === leaving) continue;
        prevSplit.set(s, { from: c, via: leaving });
        if (need[s] > 0) {
          // Flip the path back to the start.
          need[s]--;
          let split = s;
          for (;;) {
            const step = prevSplit.get(split)!;
            extra[step.from][split] = 1;
            if (step.via < 0) break;
            extra[step.from][step.via] = 0;
            split = step.via;
          }
          return true;
        }
        for (let c2 = 0; c2 < groups.length; c2++) {
          if (extra[c2][s] && !seenClass.has(c2)) { seenClass.add(c2); queue.push({ c: c2, leaving: s }); }
        }
      }
    }
    return false;
  };
  for (let c = 0; c < groups.length; c++) {
    while (missing[c] > 0) {
      if (augment(c, allowedStrict) || augment(c, () => true)) { missing[c]--; continue; }
      // Unreachable in theory; keep the totals right even so.
      const s = need.findIndex((v, k) => v > 0 && !extra[c][k]);
      if (s < 0) throw new Error('split: cannot place leftover rows');
      extra[c][s] = 1; need[s]--; missing[c]--;
    }
  }
  return extra;
}

export function splitCounts(split: Uint8Array): Record<SplitName, number> {
  const c = [0, 0, 0];
  for (let i = 0; i < split.length; i++) c[split[i]]++;
  return { train: c[0], validation: c[1], test: c[2] };
}
