/** zod schemas of the sweeps API (contract.ts `sweeps.*`). Pure: the renderer bundles it. */
import { z } from 'zod';

const paramValue = z.union([z.string(), z.number(), z.boolean()]);

export const sweepTrialSchema = z.object({
  idx: z.number().int(),
  run: z.string().nullable(),
  status: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled', 'stopped_early', 'cut_off']),
  params: z.record(z.string(), paramValue),
  metric: z.number().nullable(),
  reason: z.string().nullable(),
  attempt: z.number().int(),
});

export const sweepViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['created', 'running', 'finished', 'stopped', 'failed']),
  method: z.enum(['grid', 'random', 'bayes']),
  metric: z.object({ name: z.string(), goal: z.enum(['minimize', 'maximize']) }),
  runId: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  planned: z.number().int().nullable(),
  trials: z.array(sweepTrialSchema),
  best: sweepTrialSchema.nullable(),
  importance: z.array(
    z.object({ name: z.string(), kind: z.enum(['numeric', 'categorical']), correlation: z.number().nullable(), importance: z.number().nullable() }),
  ),
  /** The checked spec (W&B format plus Lamina's keys). */
  spec: z.record(z.string(), z.unknown()),
});

export type SweepViewDto = z.infer<typeof sweepViewSchema>;
export type SweepTrialDto = z.infer<typeof sweepTrialSchema>;
