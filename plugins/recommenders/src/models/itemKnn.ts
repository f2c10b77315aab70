/**
 * Item kNN (Sarwar et al. 2001; Deshpande & Karypis 2004): cosine similarity between items' training
 * user vectors (binary: who interacted), shrunk towards 0 for items with few co-occurrences
 * (sim · c/(c + shrink)), keeping each item's top-k neighbours. A user's score for item i is the sum of
 * similarities from the items they have, i.e. Σ_{j ∈ I_u} sim(j, i) over j's neighbour lists.
 */
import type { InteractionSplit } from '@lamina/plugin-sdk';
import type { Recommender } from '../model';

export function itemKnn(train: InteractionSplit, numUsers: number, numItems: number, k: number, shrink: number): Recommender {
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
  return {
    scoreUser: (u) => {
      const scores = new Float32Array(numItems);
      for (const j of userItems[u]) {
        const nb = neighbours[j];
        for (let t = 0; t < nb.items.length; t++) scores[nb.items[t]] += nb.sims[t];
      }
      return scores;
    },
  };
}
