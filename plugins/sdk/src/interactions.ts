/**
 * Interactions datasets and the ranking task (plugin API 1.1.0).
 *
 * A recommender's data is not a table of features: it is (user, item, rating-or-implicit, timestamp?)
 * events. An importer returns them as a table whose rows are `[user_index, item_index, timestamp, value]`
 * plus an `interactions` description (id vocabularies, the split it chose per row, a summary); Lamina
 * stores it like any dataset and hands trainers `dataset.interactions` with integer user/item indices
 * per split. The ranking evaluation below is shared so every recommender is scored the same way:
 * full ranking over every item the user has not interacted with (training, plus validation when
 * scoring the test split); sampled metrics only when asked for by name.
 */
import type { DatasetView, ImportedTable } from './index';

/** Column names of the table an interactions importer returns, in this order. */
export const INTERACTION_COLUMNS = ['user_index', 'item_index', 'timestamp', 'value'] as const;

export const SPLIT_CODES = { train: 0, validation: 1, test: 2 } as const;

export interface InteractionsSummary {
  users: number;
  items: number;
  interactions: number;
  /** interactions / (users × items). */
  density: number;
  /** Rating value → count (explicit data, before any implicit threshold). */
  ratingHistogram: Record<string, number>;
  /** Interactions per item, most popular first (the long tail). */
  itemPopularity: number[];
  /** (user, item) pairs that appeared more than once; the last row was kept. */
  duplicates: number;
  /** Rows dropped by the implicit threshold. */
  belowThreshold: number;
  /** Validation/test rows whose user or item never occurs in the training split. */
  unseenUsers: { validation: number; test: number };
  unseenItems: { validation: number; test: number };
  split: { method: string; train: number; validation: number; test: number };
}

/** What an interactions importer adds to its table. */
export interface InteractionsImport {
  /** Original ids, indexed by `user_index` / `item_index`. */
  userIds: string[];
  itemIds: string[];
  /** true: every row is a positive (value 1); false: `value` is an explicit rating. */
  implicit: boolean;
  /** false: the data had no timestamps (the column holds 0). */
  hasTimestamps: boolean;
  /** Split code per row (0 train, 1 validation, 2 test): the importer's split replaces Lamina's own. */
  split: number[];
  /** Optional display names per item (from item metadata). */
  itemTitles?: (string | null)[];
  summary: InteractionsSummary;
}

export interface ImportedInteractionsTable extends ImportedTable {
  interactions: InteractionsImport;
}

/** One split of an interactions dataset. */
export interface InteractionSplit {
  n: number;
  users: Int32Array;
  items: Int32Array;
  /** Rating, or 1 for implicit positives. */
  values: Float32Array;
  /** Event times when the data had them (stored as float32: second-level precision is not guaranteed). */
  timestamps: Float64Array | null;
}

export interface InteractionsData {
  implicit: boolean;
  numUsers: number;
  numItems: number;
  userIds: string[];
  itemIds: string[];
  itemTitles: (string | null)[] | null;
  train: InteractionSplit;
  validation: InteractionSplit;
  test: InteractionSplit;
  summary: InteractionsSummary | null;
}

/** The dataset a trainer receives for an interactions dataset (API ≥ 1.1.0). */
export interface InteractionsDatasetView extends DatasetView {
  interactions: InteractionsData;
}

/** The trainer's dataset as interactions, or a clear error when the run's dataset is a plain table. */
export function interactionsOf(dataset: DatasetView): InteractionsData {
  const d = (dataset as Partial<InteractionsDatasetView>).interactions;
  if (!d) {
    throw new Error(
      `dataset "${dataset.name}" is not an interactions dataset; import it with an interactions importer ` +
        '(e.g. lamina import FILE --importer recommenders/interactions)',
    );
  }
  return d;
}


// ---- the ranking task -------------------------------------------------------------------------

export interface RankingTask {
  /** Cut-offs; default [5, 10, 20]. */
  ks?: number[];
  /**
   * Test items whose value is at least this count as relevant (explicit data); default: every held-out
   * interaction is relevant.
   */
  relevantMinValue?: number;
  /**
   * SAMPLED metrics (1 positive + `negatives` random unseen items), reported under `sampled_*` keys.
   * Off by default: sampled metrics can reverse model rankings (Krichene & Rendle, KDD 2020).
   */
  sampledNegatives?: number;
  /** Random source for sampling (seeded by the caller). */
  random?: () => number;
}

/** Scores every item for one user (higher = recommended first). Length: numItems. */
export type UserScorer = (user: number) => Float32Array;

export interface RankingResult {
  /** e.g. precision_at_10, recall_at_10, ndcg_at_10, map_at_10, hit_rate_at_10, mrr_at_10, coverage_at_10. */
  metrics: Record<string, number>;
  /** Users with at least one relevant held-out item: the average is over them. */
  usersEvaluated: number;
  /** Users in the split with no relevant held-out item (excluded, counted). */
  usersWithoutRelevant: number;
  /** Evaluated users absent from the training split (cold start; still evaluated). */
  coldUsers: number;
}

/** Per-user item sets of a split. */
export function itemsByUser(split: InteractionSplit, numUsers: number, minValue = -Infinity): Set<number>[] {
  const out: Set<number>[] = Array.from({ length: numUsers }, () => new Set<number>());
  for (let r = 0; r < split.n; r++) if (split.values[r] >= minValue) out[split.users[r]].add(split.items[r]);
  return out;
}

/**
 * Top-k items by score, skipping `exclude`. Ties go to the lower item index (deterministic, documented;
 * a model that scores everything equal therefore recommends the first items of the catalogue).
 */
export function topK(scores: Float32Array, k: number, exclude: Set<number> | null): number[] {
  const heap: number[] = []; // kept sorted best-first; k is small
  const better = (a: number, b: number) => scores[a] > scores[b] || (scores[a] === scores[b] && a < b);
  for (let i = 0; i < scores.length; i++) {
    if (exclude?.has(i) || Number.isNaN(scores[i])) continue;
    if (heap.length === k && !better(i, heap[k - 1])) continue;
    let at = heap.length === k ? k - 1 : heap.length;
    if (heap.length < k) heap.push(i);
    while (at > 0 && better(i, heap[at - 1])) {
      heap[at] = heap[at - 1];
      at--;
    }
    heap[at] = i;
  }
  return heap;
}

/** Per-user ranking metrics of a ranked list against a relevant set (the textbook definitions). */
export function listMetrics(ranked: number[], relevant: Set<number>, k: number): {
  precision: number; recall: number; ndcg: number; map: number; hitRate: number; mrr: number;
} {
  let hits = 0, dcg = 0, apSum = 0, rr = 0;
  const top = ranked.slice(0, k);
  top.forEach((item, i) => {
    if (!relevant.has(item)) return;
    hits++;
    dcg += 1 / Math.log2(i + 2);
    apSum += hits / (i + 1);
    if (rr === 0) rr = 1 / (i + 1);
  });
  const ideal = Math.min(relevant.size, k);
  let idcg = 0;
  for (let i = 0; i < ideal; i++) idcg += 1 / Math.log2(i + 2);
  return {
    precision: hits / k,
    recall: relevant.size ? hits / relevant.size : 0,
    ndcg: idcg ? dcg / idcg : 0,
    map: ideal ? apSum / ideal : 0,
    hitRate: hits > 0 ? 1 : 0,
    mrr: rr,
  };
}

/**
 * Full-ranking evaluation of `score` on `heldOut`. Candidates for a user are all items except those
 * in `known` (their training interactions, plus validation ones when scoring the test split).
 */
export function evaluateRanking(
  score: UserScorer, heldOut: InteractionSplit, known: InteractionSplit[], numUsers: number, numItems: number, task: RankingTask = {},
): RankingResult {
  const ks = task.ks ?? [5, 10, 20];
  const kMax = Math.max(...ks);
  const relevantBy = itemsByUser(heldOut, numUsers, task.relevantMinValue ?? -Infinity);
  const anyHeldOut = itemsByUser(heldOut, numUsers);
  const knownBy: Set<number>[] = Array.from({ length: numUsers }, () => new Set<number>());
  const inTrain = new Uint8Array(numUsers);
  known.forEach((s, idx) => {
    for (let r = 0; r < s.n; r++) {
      knownBy[s.users[r]].add(s.items[r]);
      if (idx === 0) inTrain[s.users[r]] = 1;
    }
  });
  const sums: Record<string, number> = {};
  const add = (key: string, v: number) => (sums[key] = (sums[key] ?? 0) + v);
  const recommended = ks.map(() => new Set<number>());
  let evaluated = 0, without = 0, cold = 0;
  for (let u = 0; u < numUsers; u++) {
    if (anyHeldOut[u].size === 0) continue;
    // Held-out items the user already had in training are not "new": they cannot be recommended.
    const relevant = new Set([...relevantBy[u]].filter((i) => !knownBy[u].has(i)));
    if (relevant.size === 0) {
      without++;
      continue;
    }
    evaluated++;
    if (!inTrain[u]) cold++;
    const scores = score(u);
    const ranked = topK(scores, kMax, knownBy[u]);
    ks.forEach((k, j) => {
      const m = listMetrics(ranked, relevant, k);
      add(`precision_at_${k}`, m.precision);
      add(`recall_at_${k}`, m.recall);
      add(`ndcg_at_${k}`, m.ndcg);
      add(`map_at_${k}`, m.map);
      add(`hit_rate_at_${k}`, m.hitRate);
      add(`mrr_at_${k}`, m.mrr);
      for (const i of ranked.slice(0, k)) recommended[j].add(i);
    });
    if (task.sampledNegatives) sampledUser(scores, relevant, knownBy[u], numItems, task, ks, add);
  }
  const metrics: Record<string, number> = {};
  for (const [key, v] of Object.entries(sums)) {
    const perPositive = key.startsWith('sampled_');
    metrics[key] = perPositive ? v / Math.max(1, sums.__positives ?? 0) : v / Math.max(1, evaluated);
  }
  delete metrics.__positives;
  ks.forEach((k, j) => (metrics[`coverage_at_${k}`] = numItems ? recommended[j].size / numItems : 0));
  return { metrics, usersEvaluated: evaluated, usersWithoutRelevant: without, coldUsers: cold };
}

/** One positive against `n` unseen items drawn at random: the positive's rank gives HR and NDCG. */
function sampledUser(
  scores: Float32Array, relevant: Set<number>, known: Set<number>, numItems: number, task: RankingTask, ks: number[],
  add: (key: string, v: number) => void,
): void {
  const rand = task.random ?? Math.random;
  const n = task.sampledNegatives!;
  const pool = numItems - known.size - relevant.size;
  for (const pos of relevant) {
    let above = 0;
    const drawn = new Set<number>();
    const want = Math.min(n, Math.max(0, pool));
    // Rejection sampling, then (should the generator keep hitting taken items) a scan from a random start.
    for (let tries = 0, start = -1; drawn.size < want; tries++) {
      let j: number;
      if (tries < 20 * want) j = Math.floor(rand() * numItems);
      else {
        if (start < 0) start = Math.floor(rand() * numItems);
        j = (start + tries) % numItems;
      }
      if (known.has(j) || relevant.has(j) || drawn.has(j)) continue;
      drawn.add(j);
      if (scores[j] > scores[pos] || (scores[j] === scores[pos] && j < pos)) above++;
    }
    add('__positives', 1);
    for (const k of ks) {
      const hit = above < k;
      add(`sampled_hit_rate_at_${k}`, hit ? 1 : 0);
      add(`sampled_ndcg_at_${k}`, hit ? 1 / Math.log2(above + 2) : 0);
    }
  }
}

/** RMSE and MAE of predicted ratings. */
export function ratingErrors(truth: ArrayLike<number>, predicted: ArrayLike<number>): { rmse: number; mae: number } {
  let se = 0, ae = 0;
  for (let i = 0; i < truth.length; i++) {
    const d = predicted[i] - truth[i];
    se += d * d;
    ae += Math.abs(d);
  }
  const n = Math.max(1, truth.length);
  return { rmse: Math.sqrt(se / n), mae: ae / n };
}

// ---- building the trainer's view ----------------------------------------------------------------

/** Per-row columns of an interactions dataset, as stored. */
export interface InteractionColumns {
  users: ArrayLike<number>;
  items: ArrayLike<number>;
  timestamps: ArrayLike<number> | null;
  values: ArrayLike<number>;
  split: ArrayLike<number>;
}

/** Splits stored rows into the `InteractionsData` trainers receive (the host and the test harness share this). */
export function interactionsData(
  info: Pick<InteractionsImport, 'userIds' | 'itemIds' | 'implicit' | 'hasTimestamps'> & { itemTitles?: (string | null)[] | null; summary?: InteractionsSummary | null },
  cols: InteractionColumns,
): InteractionsData {
  const pick = (code: number): InteractionSplit => {
    const rows: number[] = [];
    for (let r = 0; r < cols.split.length; r++) if (cols.split[r] === code) rows.push(r);
    const ts = cols.timestamps;
    return {
      n: rows.length,
      users: Int32Array.from(rows, (r) => Math.round(cols.users[r])),
      items: Int32Array.from(rows, (r) => Math.round(cols.items[r])),
      values: Float32Array.from(rows, (r) => cols.values[r]),
      timestamps: ts && info.hasTimestamps ? Float64Array.from(rows, (r) => ts[r]) : null,
    };
  };
  return {
    implicit: info.implicit,
    numUsers: info.userIds.length,
    numItems: info.itemIds.length,
    userIds: info.userIds,
    itemIds: info.itemIds,
    itemTitles: info.itemTitles ?? null,
    train: pick(SPLIT_CODES.train),
    validation: pick(SPLIT_CODES.validation),
    test: pick(SPLIT_CODES.test),
    summary: info.summary ?? null,
  };
}

/** An importer's table as the dataset a trainer receives (for tests; Lamina builds the same from the stored file). */
export function interactionsDatasetView(table: ImportedInteractionsTable, name = 'interactions'): InteractionsDatasetView {
  const col = (j: number) => table.rows.map((r) => (r[j] === null || r[j] === '' ? NaN : Number(r[j])));
  const data = interactionsData(table.interactions, {
    users: col(0), items: col(1), timestamps: col(2), values: col(3), split: table.interactions.split,
  });
  const empty = { x: new Float32Array(0), y: new Float32Array(0), n: 0 };
  return {
    name, task: 'regression', classes: [], inputShape: [3], features: ['user_index', 'item_index', 'timestamp'],
    train: empty, validation: empty, test: empty, interactions: data,
  };
}
