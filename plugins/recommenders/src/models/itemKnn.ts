/**
 * Item kNN (Sarwar et al. 2001; Deshpande & Karypis 2004): cosine similarity between items' training
 * user vectors (binary: who interacted), shrunk towards 0 for items with few co-occurrences
 * (sim · c/(c + shrink)), keeping each item's top-k neighbours. A user's score for item i is the sum of
 * similarities from the items they have, i.e. Σ_{j ∈ I_u} sim(j, i) over j's neighbour lists.
 */
import type { InteractionSplit } from '@lamina/plugin-sdk';
import type { Recommender } from '../model';

/** Each item's top-k neighbours in one flat table: item i's are items/sims[offsets[i] .. offsets[i+1]). */
export interface Neighbours {
  offsets: Int32Array;
  items: Int32Array;
  sims: Float32Array;
}

export function itemKnn(train: InteractionSplit, numUsers: number, numItems: number, k: number, shrink: number): Recommender & { neighbours: Neighbours } {
  const nb = itemNeighbours(train, numUsers, numItems, k, shrink);
  return { ...knnRecommender(nb, usersItems(train, numUsers), numItems), neighbours: nb };
}

function usersItems(train: InteractionSplit, numUsers: number): number[][] {
  const out: number[][] = Array.from({ length: numUsers }, () => []);
  const seen = new Set<string>();
  for (let r = 0; r < train.n; r++) {
    const key = `${train.users[r]}:${train.items[r]}`;
    if (!seen.has(key)) {
      seen.add(key);
      out[train.users[r]].push(train.items[r]);
    }
  }
  return out;
}

/** Scores Σ_{j ∈ I_u} sim(j, i) from the neighbour table and each user's items. */
export function knnRecommender(nb: Neighbours, userItems: number[][], numItems: number): Recommender {
  return {
    scoreUser: (u) => {
      const scores = new Float32Array(numItems);
      for (const j of userItems[u] ?? []) {
        for (let t = nb.offsets[j]; t < nb.offsets[j + 1]; t++) scores[nb.items[t]] += nb.sims[t];
      }
      return scores;
    },
  };
}

function itemNeighbours(train: InteractionSplit, numUsers: number, numItems: number, k: number, shrink: number): Neighbours {
  const userItems: number[][] = Array.from({ length: numUsers }, () => []);
  const itemUsers: number[][] = Array.from({ length: numItems }, () => []);
  const seen = new Set<number>();
  for (let r = 0; r < train.n; r++) {
    const u = train.users[r], i = train.items[r];
    const key = u * numItems + i;
    if (seen.has(key)) continue;
    seen.add(key);
    userItems[u].push(i);
    itemUsers[i].push(u);
  }
  const neighbours: { items: Int32Array; sims: Float32Array }[] = new Array(numItems);
  const co = new Float32Array(numItems);
  const touched: number[] = [];
  for (let i = 0; i < numItems; i++) {
    for (const u of itemUsers[i]) {
      for (const j of userItems[u]) {
        if (j === i) continue;
        if (co[j] === 0) touched.push(j);
        co[j]++;
      }
    }
    const cand: [number, number][] = [];
    const ni = itemUsers[i].length;
    for (const j of touched) {
      const c = co[j];
      const sim = (c / Math.sqrt(ni * itemUsers[j].length)) * (c / (c + shrink));
      cand.push([j, sim]);
      co[j] = 0;
    }
    touched.length = 0;
    cand.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const top = cand.slice(0, k);
    neighbours[i] = { items: Int32Array.from(top, (t) => t[0]), sims: Float32Array.from(top, (t) => t[1]) };
  }
  const offsets = new Int32Array(numItems + 1);
  for (let i = 0; i < numItems; i++) offsets[i + 1] = offsets[i] + neighbours[i].items.length;
  const items = new Int32Array(offsets[numItems]), sims = new Float32Array(offsets[numItems]);
  for (let i = 0; i < numItems; i++) {
    items.set(neighbours[i].items, offsets[i]);
    sims.set(neighbours[i].sims, offsets[i]);
  }
  return { offsets, items, sims };
}
