/**
 * Group-level splitting: every group (a patient, a subject) lands whole in one split, so no
 * group's images are in both train and test. Groups are split like rows are — seeded and
 * stratified, here by each group's most common class — and each image follows its group.
 */
import { assignSplits, type SplitFractions } from './split';

export interface GroupSplit {
  split: Uint8Array;
  groups: number;
}

export function assignGroupSplits(groups: string[], labels: Int32Array, fractions: SplitFractions, seed: number): GroupSplit {
  const index = new Map<string, number>();
  const groupOf = new Int32Array(groups.length);
  // Groups in order of first appearance, so the assignment depends only on the data and the seed.
  groups.forEach((g, i) => {
    let k = index.get(g);
    if (k === undefined) { k = index.size; index.set(g, k); }
    groupOf[i] = k;
  });
  const votes = Array.from({ length: index.size }, () => new Map<number, number>());
  for (let i = 0; i < groups.length; i++) votes[groupOf[i]].set(labels[i], (votes[groupOf[i]].get(labels[i]) ?? 0) + 1);
  const majority = Int32Array.from(votes, (v) => [...v.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0]);
  const groupSplit = assignSplits(index.size, fractions, seed, majority);
  return { split: Uint8Array.from(groupOf, (k) => groupSplit[k]), groups: index.size };
}
