/**
 * Recommenders on MovieLens-small (../shared/datasets, a random 80/10/10 split): each trainer's training
 * interactions/s and its test metrics next to the popularity baseline's, in one table. The reference is
 * popularity on the same split and run. Skipped when the dataset is not there (it is never shipped).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { interactionsDatasetView } from '../../plugins/sdk/src/index';
import { runTrainer } from '../../plugins/sdk/src/testing';
import plugin from '../../plugins/recommenders/src/index';
import { importInteractions } from '../../plugins/recommenders/src/importer';

const RATINGS = join(__dirname, '..', '..', '..', 'shared', 'datasets', 'movielens-small', 'ratings.csv');
const logger = { info: () => {}, warn: () => {}, error: () => {} };

export async function benchRecommenders(quick: boolean): Promise<void> {
  if (!existsSync(RATINGS)) {
    console.log(`\n(recommenders: ${RATINGS} not found — skipped)`);
    return;
  }
  const t0 = performance.now();
  const table = importInteractions(RATINGS, { options: {}, logger });
  const importMs = performance.now() - t0;
  const view = interactionsDatasetView(table, 'movielens-small');
  const trainN = view.interactions.train.n;
  console.log(`\nRecommenders on MovieLens-small: ${table.rows.length} interactions imported in ${importMs.toFixed(0)} ms (${Math.round(table.rows.length / (importMs / 1000))} rows/s)`);
  const trainers: [string, Record<string, number>][] = [
    ['popularity', {}], ['bias-baseline', {}], ['item-knn', {}], ['mf', quick ? { epochs: 5 } : {}], ['bpr', quick ? { epochs: 5 } : {}],
    ['neumf', quick ? { epochs: 5 } : {}],
  ];
  const rows = [];
  for (const [id, params] of trainers) {
    const t = performance.now();
    const rec = await runTrainer(plugin, id, view, { seed: 1, params });
    const s = (performance.now() - t) / 1000;
    const epochs = rec.result.epochs ?? 1;
    const m = rec.result.metrics ?? {};
    const f = (k: string) => (m[k] === undefined ? '–' : m[k].toFixed(4));
    rows.push({
      trainer: id, 'seconds (with evaluation)': s.toFixed(1), 'train interactions/s': Math.round((trainN * epochs) / s),
      rmse: f('test_rmse'), mae: f('test_mae'), 'ndcg@10': f('test_ndcg_at_10'), 'recall@10': f('test_recall_at_10'),
      'coverage@10': f('test_coverage_at_10'), 'popularity ndcg@10': f('baseline_ndcg_at_10'),
    });
  }
  console.table(rows);
}
