/**
 * The Train page's augmented-batch preview: a few training samples before and after the
 * augmentation the form describes, through the same code and generator the training host uses,
 * so the preview shows what a run with that seed will see in its first epoch's draws.
 */
import type { AugmentationSpec, DatasetMeta } from '../domain';
import { active, augment, augmentationProblem, validateAugmentation } from '../training/augmentation';
import { createRng, shuffledIndices } from '../util/random';
import { inputError } from '../util/errors';
import { SPLIT_TRAIN, splitRows } from '../engine/host/datasetTensors';
import { loadDatasetTensors } from './loadDataset';

export interface AugmentPreview {
  /** One sample's shape, e.g. [28, 28, 1]. */
  shape: number[];
  samples: { label: string; original: number[]; augmented: number[] }[];
}

export async function augmentPreview(file: string, meta: DatasetMeta, spec: AugmentationSpec | null, opts: { seed?: number; count?: number } = {}): Promise<AugmentPreview> {
  validateAugmentation(spec);
  const classification = meta.task === 'classification';
  const problem = augmentationProblem(spec, meta.inputShape, classification);
  if (problem) throw inputError(problem, { field: 'augmentation' });
  const data = await loadDatasetTensors(file, meta);
  const random = createRng(opts.seed ?? 1);
  const rows = splitRows(data, SPLIT_TRAIN);
  const picked = Array.from(shuffledIndices(rows.length, random).slice(0, Math.min(opts.count ?? 16, rows.length)), (i) => rows[i]);
  const size = meta.inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(picked.length * size);
  picked.forEach((r, i) => x.set(data.x.subarray(r * size, (r + 1) * size), i * size));
  const classes = meta.classes ?? [];
  const width = Math.max(classes.length, 1);
  const y = new Float32Array(picked.length * width);
  picked.forEach((r, i) => (y[i * width + (classification ? data.y[r] : 0)] = 1));
  const out = active(spec) ? augment({ x, shape: meta.inputShape, n: picked.length, y, labelWidth: width }, spec, () => random.next()) : { x, y };
  const labelOf = (i: number) => {
    if (!classification) return String(data.y[picked[i]]);
    const shares = Array.from(out.y ?? y).slice(i * width, (i + 1) * width).map((p, k) => ({ p, k })).filter((s) => s.p > 0.005).sort((a, b) => b.p - a.p);
    return shares.length === 1 ? classes[shares[0].k] : shares.map((s) => `${classes[s.k]} ${Math.round(s.p * 100)}%`).join(' / ');
  };
  return {
    shape: meta.inputShape,
    samples: picked.map((_, i) => ({
      label: labelOf(i),
      original: Array.from(x.subarray(i * size, (i + 1) * size)),
      augmented: Array.from(out.x.subarray(i * size, (i + 1) * size)),
    })),
  };
}
