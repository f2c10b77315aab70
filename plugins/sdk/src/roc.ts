/**
 * ROC AUC (plugin API 1.2): the Mann–Whitney statistic, shared by Lamina's own ROC curves (kept with
 * every classification run) and by plugins' metrics, so both report the same number.
 */

/** AUC of `scores` for the rows marked `positive` (ties count one half); NaN without both positives and negatives. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0, rankSum = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const rank = (i + j) / 2 + 1; // mean rank of the tie block, 1-based
    for (let k = i; k <= j; k++) if (positive[idx[k]]) { pos++; rankSum += rank; }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (!pos || !neg) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
