/**
 * Splits of interactions (codes 0 train, 1 validation, 2 test):
 *  - random: a seeded shuffle of all rows cut by the fractions;
 *  - user: the same per user (every user with ≥ 1 row keeps one in train), so each user is in every split;
 *  - temporal: one global time cut, so nothing after the cut trains (every training event is no later than every held-out one);
 *  - leave-last-out: each user's last interaction is test, the one before validation (users with ≥ 3).
 */
import { seeded, shuffle } from './random';

export const SPLIT_METHODS = ['random', 'user', 'temporal', 'leave-last-out'] as const;
export type SplitMethod = (typeof SPLIT_METHODS)[number];

export interface SplitInput {
  users: Int32Array;
  /** Event times, or null when the data has none. */
  timestamps: Float64Array | null;
}

export function splitInteractions(data: SplitInput, method: SplitMethod, fractions: [number, number, number], seed: number): Uint8Array {
  const n = data.users.length;
  const out = new Uint8Array(n);
  const rand = seeded(seed);
  const cut = (rows: number[]) => {
    const nTrain = Math.round(rows.length * fractions[0]);
    const nVal = Math.round(rows.length * (fractions[0] + fractions[1])) - nTrain;
    rows.forEach((r, i) => (out[r] = i < nTrain ? 0 : i < nTrain + nVal ? 1 : 2));
  };
  if (method === 'random') {
    cut(shuffle(Array.from({ length: n }, (_, i) => i), rand));
  } else if (method === 'user') {
    for (const rows of byUser(data.users)) {
      shuffle(rows, rand);
      cut(rows);
      if (rows.length && !rows.some((r) => out[r] === 0)) out[rows[0]] = 0;
    }
  } else if (method === 'temporal') {
    const ts = data.timestamps!;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ts[a] - ts[b] || a - b);
    const tTrain = ts[order[Math.max(0, Math.round(n * fractions[0]) - 1)]];
    const vIdx = Math.round(n * (fractions[0] + fractions[1])) - 1;
    const tVal = vIdx >= 0 ? ts[order[vIdx]] : -Infinity;
    // Cut by time, not by position: rows sharing the cut time all fall on the same (earlier) side.
    for (let r = 0; r < n; r++) out[r] = ts[r] <= tTrain ? 0 : ts[r] <= tVal ? 1 : 2;
  } else {
    const ts = data.timestamps;
    for (const rows of byUser(data.users)) {
      if (ts) rows.sort((a, b) => ts[a] - ts[b] || a - b);
      rows.forEach((r) => (out[r] = 0));
      if (rows.length >= 2) out[rows[rows.length - 1]] = 2;
      if (rows.length >= 3) out[rows[rows.length - 2]] = 1;
    }
  }
  return out;
}

function byUser(users: Int32Array): number[][] {
  const groups = new Map<number, number[]>();
  users.forEach((u, r) => {
    let g = groups.get(u);
    if (!g) groups.set(u, (g = []));
    g.push(r);
  });
  return [...groups.keys()].sort((a, b) => a - b).map((u) => groups.get(u)!);
}
