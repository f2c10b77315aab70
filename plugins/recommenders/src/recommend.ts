/**
 * Commands that read a trained run's saved model (plugin API 1.2: `ctx.run`):
 *  - `recommend`: a user's history and top-k recommendations with scores (items the user already has in
 *    training or validation are never recommended, as in the evaluation);
 *  - `users`: the run's users with their history sizes, for pickers.
 * `lamina plugin run recommenders recommend --arg run=RUN --arg user=U [--arg k=10] --json`
 */
import { CommandInputError, topK, type CommandContext, type CommandRun } from '@lamina/plugin-sdk';
import { decodeModel, MODEL_BIN, MODEL_JSON, type LoadedModel } from './saved';

function load(run: CommandRun | null): LoadedModel {
  if (!run) throw new CommandInputError('needs a run: --arg run=RUN (a run trained with a recommenders trainer)');
  if (!run.artifacts.some((a) => a.path === MODEL_JSON) || !run.artifacts.some((a) => a.path === MODEL_BIN)) {
    throw new CommandInputError(`run ${run.id} has no saved recommender (${MODEL_JSON}): train it with a recommenders trainer (lamina train --trainer recommenders/mf …)`);
  }
  try {
    return decodeModel(run.readArtifactText(MODEL_JSON), run.readArtifact(MODEL_BIN));
  } catch (e) {
    throw new CommandInputError(`run ${run.id}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function intArg(args: Record<string, unknown>, key: string, fallback: number, max: number): number {
  const v = args[key];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CommandInputError(`--arg ${key} must be a whole number from 1 to ${max}, got "${String(v)}"`);
  return n;
}

export interface Recommendations {
  run: string;
  trainer: string;
  user: string;
  k: number;
  implicit: boolean;
  historyTotal: number;
  history: { item: string; title: string | null; rating: number }[];
  recommendations: { rank: number; item: string; title: string | null; score: number }[];
}

export function recommend(args: Record<string, unknown>, ctx: CommandContext): Recommendations {
  const m = load(ctx.run);
  const user = args.user === undefined ? '' : String(args.user);
  if (user === '') throw new CommandInputError(`needs --arg user=USER (a user id of the dataset, e.g. "${m.header.userIds[0] ?? ''}")`);
  const u = m.header.userIds.indexOf(user);
  if (u < 0) throw new CommandInputError(`run ${ctx.run!.id}: unknown user "${user}" (the dataset has ${m.header.userIds.length} users, e.g. ${m.header.userIds.slice(0, 3).map((x) => `"${x}"`).join(', ')})`);
  const k = intArg(args, 'k', 10, 1000);
  const historyLimit = intArg(args, 'history', 50, 100_000);
  const title = (i: number) => m.header.itemTitles?.[i] ?? null;
  const known = m.history[u];
  const order = known.items.map((_, t) => t).sort((a, b) => known.values[b] - known.values[a] || known.items[a] - known.items[b]);
  const scores = m.model.scoreUser(u);
  const top = topK(scores, k, new Set(known.items));
  return {
    run: ctx.run!.id, trainer: m.header.trainer, user, k, implicit: m.header.implicit, historyTotal: known.items.length,
    history: order.slice(0, historyLimit).map((t) => ({ item: m.header.itemIds[known.items[t]], title: title(known.items[t]), rating: known.values[t] })),
    recommendations: top.map((i, r) => ({ rank: r + 1, item: m.header.itemIds[i], title: title(i), score: scores[i] })),
  };
}

export function users(args: Record<string, unknown>, ctx: CommandContext): { run: string; total: number; users: { id: string; interactions: number }[] } {
  const m = load(ctx.run);
  const limit = intArg(args, 'limit', 1000, 1_000_000);
  return {
    run: ctx.run!.id, total: m.header.userIds.length,
    users: m.header.userIds.slice(0, limit).map((id, u) => ({ id, interactions: m.history[u].items.length })),
  };
}
