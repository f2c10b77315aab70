/** "Did you mean …?" for a mistyped name: the closest candidate by edit distance, if it is close. */

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of two neighbouring
 * letters (`mpl` → `mlp` is one edit: the commonest typo), case-insensitive.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/**
 * The candidate closest to `word`, when it is close enough to be a typo (at most a third of the
 * word's length, at least 1, at most 3 edits) or when one starts with the other (`--epoch` → `--epochs`).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  const w = word.toLowerCase();
  const b = best.toLowerCase();
  return bestDistance <= limit || (Math.min(w.length, b.length) >= 3 && (b.startsWith(w) || w.startsWith(b))) ? best : undefined;
}

/** "; did you mean X?" or "". */
export function didYouMean(word: string, candidates: readonly string[], show: (c: string) => string = (c) => c): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : `; did you mean ${show(c)}?`;
}
