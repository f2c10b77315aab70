/**
 * Keras-style model summary: one row per layer with its output shape and parameter count,
 * then totals split into trainable and non-trainable (e.g. batch-norm moving statistics).
 */
import type * as TF from '@tensorflow/tfjs';
import type { ModelSummary } from '../domain';

const size = (shape: readonly (number | null)[]) => shape.reduce<number>((a, b) => a * (b ?? 0), 1);

export function summarizeModel(model: TF.LayersModel): ModelSummary {
  const layers = model.layers.map((layer) => ({
    name: layer.name,
    className: layer.getClassName(),
    outputShape: layer.outputShape as ModelSummary['layers'][number]['outputShape'],
    params: layer.countParams(),
  }));
  // Count each weight variable once, even if a layer is shared.
  const trainable = new Set(model.trainableWeights.map((w) => w.name));
  let trainableParams = 0;
  let nonTrainableParams = 0;
  const seen = new Set<string>();
  for (const w of model.weights) {
    if (seen.has(w.name)) continue;
    seen.add(w.name);
    if (trainable.has(w.name)) trainableParams += size(w.shape);
    else nonTrainableParams += size(w.shape);
  }
  return {
    name: model.name,
    layers,
    totalParams: trainableParams + nonTrainableParams,
    trainableParams,
    nonTrainableParams,
  };
}

function shapeText(shape: ModelSummary['layers'][number]['outputShape']): string {
  const one = (s: (number | null)[]) => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;
  if (shape.length > 0 && Array.isArray(shape[0])) return (shape as (number | null)[][]).map(one).join(', ');
  return one(shape as (number | null)[]);
}

const thousands = (n: number) => n.toLocaleString('en-US');

/** The table Keras's model.summary() prints; columns widen to fit long layer names. */
export function formatSummary(summary: ModelSummary): string {
  const rows = summary.layers.map((l) => [`${l.name} (${l.className})`, shapeText(l.outputShape), thousands(l.params)]);
  const head = ['Layer (type)', 'Output Shape', 'Param #'];
  const w0 = Math.max(28, ...[head, ...rows].map((r) => r[0].length + 2));
  const w1 = Math.max(26, ...[head, ...rows].map((r) => r[1].length + 2));
  const w2 = Math.max(10, ...[head, ...rows].map((r) => r[2].length));
  const width = 1 + w0 + w1 + w2;
  const line = (r: string[]) => ` ${r[0].padEnd(w0)}${r[1].padEnd(w1)}${r[2]}`.trimEnd();
  const lines = [`Model: "${summary.name}"`, '_'.repeat(width), line(head), '='.repeat(width)];
  rows.forEach((r, i) => {
    lines.push(line(r));
    if (i < rows.length - 1) lines.push('');
  });
  lines.push(
    '='.repeat(width),
    `Total params: ${thousands(summary.totalParams)}`,
    `Trainable params: ${thousands(summary.trainableParams)}`,
    `Non-trainable params: ${thousands(summary.nonTrainableParams)}`,
    '_'.repeat(width),
  );
  return lines.join('\n');
}
