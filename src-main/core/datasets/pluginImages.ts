/**
 * Images a plugin importer returned (plugin API 1.1.0) → an image dataset, stored exactly like an
 * image folder's (uint8 HWC pixels, label, split). With groups (e.g. PatientID) the split is by
 * group, never letting one group's images reach two splits; the summary says so.
 */
import type { ColumnStats } from '../domain';
import { inputError } from '../util/errors';
import { encodeImages, type ColumnarMetadata } from './columnarFile';
import { assignGroupSplits } from './groupSplit';
import { assignSplits, type SplitFractions } from './split';
import { naturalCompare } from './typeInference';
import type { PluginImportedImages } from '../engine/protocol';

export type PluginImages = PluginImportedImages & { importer: string };

export interface EncodedPluginImages {
  bytes: Uint8Array;
  rows: number;
  classes: string[];
  inputShape: number[];
  split: Uint8Array;
  columns: ColumnStats[];
  /** How the split was made, for the dataset summary. */
  grouping: { key: string; groups: number } | null;
}

export function encodePluginImages(source: string, img: PluginImages, fractions: SplitFractions, seed: number): EncodedPluginImages {
  const n = img.labels.length;
  if (n === 0) throw inputError(`${source}: the ${img.importer} importer found no images`, { file: source });
  const classes = [...new Set(img.labels)].sort(naturalCompare);
  if (classes.length < 2) {
    throw inputError(`${source}: all ${n} images have the label "${classes[0]}"; classification needs at least 2 classes`, { file: source });
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const labels = Int32Array.from(img.labels, (l) => index.get(l)!);
  const grouped = img.groups ? assignGroupSplits(img.groups, labels, fractions, seed) : null;
  const split = grouped ? grouped.split : assignSplits(n, fractions, seed, labels);
  const inputShape = [...img.shape];
  const size = inputShape[0] * inputShape[1] * inputShape[2];

  let count = 0, sum = 0, sumSq = 0, min = 255, max = 0;
  for (let i = 0; i < n; i++) {
    if (split[i] !== 0) continue;
    const px = img.pixels.subarray(i * size, (i + 1) * size);
    for (let k = 0; k < px.length; k++) {
      const v = px[k];
      sum += v; sumSq += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    count += size;
  }
  const mean = count ? sum / count : 0;
  const std = count ? Math.sqrt(Math.max(0, sumSq / count - mean * mean)) : 1;
  const target = 'label';
  const columns: ColumnStats[] = [
    { name: 'pixels', type: 'number', missing: 0, mean, std: std > 0 ? std : 1, min: count ? min : 0, max },
    { name: target, type: 'category', missing: 0, categories: classes },
  ];
  const meta: ColumnarMetadata = { format: 1, kind: 'image', task: 'classification', target, classes, inputShape };
  const bytes = encodeImages({ pixels: img.pixels, target: { name: target, values: labels }, split, meta });
  return {
    bytes, rows: n, classes, inputShape, split, columns,
    grouping: grouped ? { key: img.groupKey ?? 'group', groups: grouped.groups } : null,
  };
}
