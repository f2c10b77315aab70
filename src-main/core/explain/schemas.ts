/**
 * zod schemas of explanations for the API contract (api/contract.ts). Pure: zod only, so the
 * renderer bundles them.
 */
import { z } from 'zod';
import { EXPLAIN_METHODS } from './types';

export const explainMethodSchema = z.enum(EXPLAIN_METHODS);

export const explainSelectionSchema = z
  .object({
    samples: z.array(z.number().int().min(0)).max(256).optional(),
    worst: z.number().int().min(1).max(256).optional(),
    split: z.enum(['train', 'validation', 'test']).optional(),
    classLabel: z.string().max(500).optional(),
    limit: z.number().int().min(1).max(256).optional(),
  })
  .strict();

export const explainOptionsSchema = z
  .object({
    steps: z.number().int().min(2).max(1024).optional(),
    baseline: z.enum(['black', 'blurred']).optional(),
    layer: z.string().max(200).optional(),
    window: z.number().int().min(1).max(4096).optional(),
    stride: z.number().int().min(1).max(4096).optional(),
    noiseSamples: z.number().int().min(1).max(256).optional(),
    noise: z.number().min(0).max(10).optional(),
    repeats: z.number().int().min(1).max(100).optional(),
    batchSize: z.number().int().min(1).max(1024).optional(),
  })
  .strict();

const featureSchema = z.object({ name: z.string(), importance: z.number(), std: z.number() });

export const explainResultSchema = z.object({
  runId: z.string(),
  method: explainMethodSchema,
  kind: z.enum(['image', 'tabular']),
  dir: z.string(),
  createdAt: z.string(),
  options: explainOptionsSchema.extend({ target: z.literal('predicted') }),
  samples: z.array(
    z.object({
      sample: z.number(),
      source: z.union([z.string(), z.number()]),
      predicted: z.string(),
      truth: z.string(),
      confidence: z.number(),
      peak: z.object({ row: z.number(), col: z.number() }),
      overlay: z.string(),
      attribution: z.string(),
      completenessError: z.number().optional(),
      steps: z.number().optional(),
    }),
  ),
  features: z.array(featureSchema).optional(),
  metric: z.string().optional(),
  classMeans: z.array(z.object({ label: z.string(), count: z.number(), overlay: z.string().nullable(), attribution: z.string() })),
  backend: z.string(),
  durationMs: z.number(),
});
