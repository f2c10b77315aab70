/**
 * Scoring a trained recommender the same way for every trainer: rating errors (explicit data, models
 * that predict ratings) and full-ranking metrics from the SDK's ranking task. Candidates exclude what
 * the user already has: training items for validation; training and validation items for test.
 */
import { evaluateRanking, ratingErrors, type InteractionsData, type RankingTask } from '@lamina/plugin-sdk';
import type { Recommender } from './model';
import { popularity } from './models/baselines';

export function splitScores(model: Recommender, data: InteractionsData, which: 'validation' | 'test', task: RankingTask): Record<string, number> {
  const held = data[which];
  const known = which === 'test' ? [data.train, data.validation] : [data.train];
  const out: Record<string, number> = {};
  if (!data.implicit && model.predict && held.n > 0) {
    const e = ratingErrors(held.values, model.predict(held.users, held.items));
    out.rmse = e.rmse;
    out.mae = e.mae;
  }
  const r = evaluateRanking((u) => model.scoreUser(u), held, known, data.numUsers, data.numItems, task);
  Object.assign(out, r.metrics);
  out.users_evaluated = r.usersEvaluated;
  out.users_without_relevant = r.usersWithoutRelevant;
  out.cold_users = r.coldUsers;
  return out;
}

const prefixed = (prefix: string, m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [`${prefix}${k}`, v]));

/** The run's final metrics: test_* for the model, baseline_* for popularity on the same split. */
export function finalMetrics(model: Recommender, data: InteractionsData, task: RankingTask): Record<string, number> {
  const test = prefixed('test_', splitScores(model, data, 'test', task));
  const baseline = prefixed('baseline_', splitScores(popularity(data.train, data.numItems), data, 'test', task));
  const s = data.summary;
  const counts: Record<string, number> = s ? {
    data_unseen_users_test: s.unseenUsers.test, data_unseen_items_test: s.unseenItems.test, data_duplicates: s.duplicates,
  } : {};
  return { ...test, ...baseline, ...counts };
}
