/**
 * What a training host does for an explain request: load the run's saved model and its dataset,
 * pick the samples, compute the attributions (attribution.ts, permutation.ts), draw them
 * (overlay.ts) and write them under the explanation's folder. Seeded by the run's seed;
 * cancellable between samples (or permutation repeats), with progress after each.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { DatasetMeta } from '../../../domain';
import type { ExplainJobMessage, ExplainedMessage } from '../../../explain/messages';
import type { ClassMeanAttribution, ExplainedSample, ExplainResult, FeatureImportance } from '../../../explain/types';
import { isImageMethod } from '../../../explain/types';
import { createRng } from '../../../util/random';
import type { HostToCoreMessage } from '../../protocol';
import { chooseBackend } from '../backends';
import { SPLIT_TEST, gatherFeatures, splitRows, type DatasetTensors } from '../datasetTensors';
import { installSeededRandom } from '../determinism';
import { HostError, errorMessage } from '../hostError';
import { loadModel } from '../modelIo';
import { loadRunDataset, type LoadData } from '../runner';
import { blurred, gradCam, integratedGradients, lastConvLayer, occlusion, saliency, smoothGrad } from './attribution';
import { permutationImportance } from './permutation';
import type * as Overlay from './overlay';
import { writeFileAtomicSync } from '../../../util/atomicWrite';

export interface ExplainDeps {
  emit: (msg: HostToCoreMessage) => void;
  cancelled: () => boolean;
  loadData?: LoadData;
}

const SPLIT_CODES = { train: 0, validation: 1, test: 2 } as const;


/** Model outputs for rows: per row the predicted class (or value), its confidence, and the raw output. */
interface Predictions {
  predicted: Int32Array;
  confidence: Float32Array;
  output: Float32Array;
  width: number;
}

function predict(model: tf.LayersModel, x: Float32Array, n: number, inputShape: number[], regression: boolean): Predictions {
  const out = tf.tidy(() => {
    const parts: Float32Array[] = [];
    const size = inputShape.reduce((a, b) => a * b, 1);
    for (let s = 0; s < n; s += 256) {
      const m = Math.min(256, n - s);
      const y = model.apply(tf.tensor(x.subarray(s * size, (s + m) * size), [m, ...inputShape]), { training: false }) as tf.Tensor;
      parts.push(y.reshape([m, -1]).dataSync() as Float32Array);
    }
    return parts;
  });
  const width = n ? out[0].length / Math.min(256, n) : 1;
  const output = new Float32Array(n * width);
  let at = 0;
  for (const p of out) {
    output.set(p, at);
    at += p.length;
  }
  const predicted = new Int32Array(n);
  const confidence = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (regression) {
      confidence[i] = output[i * width];
    } else if (width === 1) {
      const p = output[i];
      predicted[i] = p >= 0.5 ? 1 : 0;
      confidence[i] = p >= 0.5 ? p : 1 - p;
    } else {
      let best = 0;
      for (let k = 1; k < width; k++) if (output[i * width + k] > output[i * width + best]) best = k;
      predicted[i] = best;
      confidence[i] = output[i * width + best];
    }
  }
  return { predicted, confidence, output, width };
}

/** Rows to explain, per the selection (samples, then worst, then a split with an optional class). */
function selectRows(msg: ExplainJobMessage, data: DatasetTensors, pred: (rows: number[]) => Predictions): number[] {
  const sel = msg.selection;
  const regression = msg.dataset.task === 'regression';
  if (sel.samples?.length) {
    for (const s of sel.samples) {
      if (!Number.isInteger(s) || s < 0 || s >= data.n) throw new HostError('data', `sample ${s} is not a row of dataset "${msg.dataset.name}" (0..${data.n - 1})`);
    }
    return sel.samples;
  }
  if (sel.worst !== undefined) {
    const rows = splitRows(data, SPLIT_TEST);
    const p = pred(rows);
    // Classification: the wrong ones, most confident first; regression: the largest errors.
    const wrong = rows
      .map((row, i) => ({ row, err: regression ? Math.abs(p.output[i * p.width] - data.y[row]) : p.predicted[i] !== data.y[row] ? p.confidence[i] : -1 }))
      .filter((r) => r.err >= 0)
      .sort((a, b) => b.err - a.err || a.row - b.row);
    return wrong.slice(0, sel.worst).map((r) => r.row);
  }
  let rows = splitRows(data, SPLIT_CODES[sel.split ?? 'test']);
  if (sel.classLabel !== undefined) {
    const k = msg.dataset.classes.indexOf(sel.classLabel);
    if (k < 0) throw new HostError('data', `no class "${sel.classLabel}" in dataset "${msg.dataset.name}"; classes: ${msg.dataset.classes.join(', ')}`);
    rows = rows.filter((r) => data.y[r] === k);
  }
  return rows.slice(0, sel.limit ?? 8);
}

const label = (meta: DatasetMeta, v: number) => (meta.task === 'regression' ? String(Number(v.toPrecision(6))) : (meta.classes[v] ?? String(v)));

function argmax(values: Float32Array, abs = false): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if ((abs ? Math.abs(values[k]) : values[k]) > (abs ? Math.abs(values[best]) : values[best])) best = k;
  return best;
}

/** One value per pixel: |gradient| methods take the channel maximum, signed ones the channel sum. */
function pixelMap(values: Float32Array, [h, w, c]: [number, number, number], mode: 'abs-max' | 'sum'): Float32Array {
  if (values.length === h * w) return values;
  const map = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let v = mode === 'sum' ? 0 : -Infinity;
    for (let ch = 0; ch < c; ch++) v = mode === 'sum' ? v + values[p * c + ch] : Math.max(v, Math.abs(values[p * c + ch]));
    map[p] = v;
  }
  return map;
}

export async function runExplain(msg: ExplainJobMessage, deps: ExplainDeps): Promise<ExplainedMessage> {
  const t0 = Date.now();
  let choice;
  try {
    choice = await chooseBackend(msg.backend);
  } catch {
    choice = await chooseBackend(null);
  }
  const random = installSeededRandom(msg.seed);
  const rng = createRng(msg.seed);
  let model: tf.LayersModel | null = null;
  try {
    const data = await loadRunDataset(deps.loadData, msg.datasetFile, msg.dataset);
    try {
      model = await loadModel(msg.modelDir);
    } catch (err) {
      throw new HostError('data', `cannot load the run's model from ${msg.modelDir}: ${errorMessage(err)}`, { cause: err });
    }
    const inputShape = model.inputs[0].shape.slice(1).map((d) => d ?? 1);
    const size = inputShape.reduce((a, b) => a * b, 1);
    const dataWidth = data.inputShape.reduce((a, b) => a * b, 1);
    if (size !== dataWidth) {
      throw new HostError('data', `the run's model takes inputs of shape ${JSON.stringify(inputShape)} but dataset "${msg.dataset.name}" has ${JSON.stringify(data.inputShape)}; the dataset changed`);
    }
    const regression = msg.dataset.task === 'regression';
    const m = model;
    const pred = (rows: number[]) => predict(m, gatherFeatures(data, rows), rows.length, inputShape, regression);
    const isImage = msg.dataset.kind === 'image' && data.inputShape.length === 3;
    const method = msg.method;
    if (isImageMethod(method) && method !== 'ig' && method !== 'saliency' && !isImage) {
      throw new HostError('data', `method "${method}" explains images; dataset "${msg.dataset.name}" is a table (use permutation, ig or saliency)`);
    }
    if (method === 'permutation' && isImage) {
      throw new HostError('data', `permutation importance shuffles table columns; dataset "${msg.dataset.name}" holds images (use gradcam, ig, saliency, smoothgrad or occlusion)`);
    }
    mkdirSync(msg.outDir, { recursive: true });
    // sharp loads only here, not in every training host.
    const { writeFeatureBarsPng, writeHeatmapPng } = await import('./overlay');
    const progress = (done: number, total: number) => deps.emit({ type: 'explain.progress', done, total });
    const o = msg.options;
    const base: Omit<ExplainResult, 'samples' | 'classMeans'> = {
      runId: msg.runId,
      method,
      kind: isImage ? 'image' : 'tabular',
      dir: msg.dir,
      createdAt: new Date().toISOString(),
      options: { ...o, target: 'predicted' },
      backend: choice.backend,
      durationMs: 0,
    };

    if (method === 'permutation') {
      const rows = splitRows(data, SPLIT_TEST);
      if (!rows.length) throw new HostError('data', `dataset "${msg.dataset.name}" has no test split to permute`);
      const x = gatherFeatures(data, rows);
      const truth = rows.map((r) => data.y[r]);
      const score = (xs: Float32Array, n: number) => {
        const p = predict(m, xs, n, inputShape, regression);
        if (!regression) return truth.reduce((acc, t, i) => acc + (p.predicted[i] === t ? 1 : 0), 0) / n;
        const mean = truth.reduce((a, b) => a + b, 0) / n;
        let ssRes = 0;
        let ssTot = 0;
        truth.forEach((t, i) => {
          ssRes += (t - p.output[i * p.width]) ** 2;
          ssTot += (t - mean) ** 2;
        });
        return ssTot > 0 ? 1 - ssRes / ssTot : 0;
      };
      const repeats = o.repeats ?? 5;
      const features = permutationImportance(x, rows.length, score, { features: msg.dataset.features, repeats, rng, cancelled: deps.cancelled, progress });
      if (!features) return { type: 'explained', status: 'cancelled', result: null };
      const result: ExplainResult = { ...base, options: { ...base.options, repeats }, samples: [], features, metric: regression ? 'r2' : 'accuracy', classMeans: [], durationMs: Date.now() - t0 };
      writeFileAtomicSync(join(msg.outDir, 'result.json'), JSON.stringify(result, null, 2));
      return { type: 'explained', status: 'completed', result };
    }

    const rows = selectRows(msg, data, pred);
    const p = pred(rows);
    const image = (isImage ? data.inputShape : [1, dataWidth, 1]) as [number, number, number];
    const resolved = { ...o };
    let layer: string | undefined;
    if (method === 'gradcam') {
      layer = o.layer ?? lastConvLayer(model) ?? undefined;
      if (!layer) throw new HostError('data', `the run's model has no convolution layer (no 4-D output) for Grad-CAM; use ig, saliency or occlusion`);
      resolved.layer = layer;
    }
    if (method === 'ig') Object.assign(resolved, { steps: o.steps ?? 64, baseline: o.baseline ?? 'black', batchSize: o.batchSize ?? 32 });
    if (method === 'smoothgrad') Object.assign(resolved, { noiseSamples: o.noiseSamples ?? 16, noise: o.noise ?? 0.15, batchSize: o.batchSize ?? 32 });
    if (method === 'occlusion') {
      const window = o.window ?? Math.max(2, Math.round(Math.min(image[0], image[1]) / 6));
      Object.assign(resolved, { window, stride: o.stride ?? Math.max(1, Math.floor(window / 2)), batchSize: o.batchSize ?? 32 });
    }

    const samples: ExplainedSample[] = [];
    const maps: { truth: number; map: Float32Array }[] = [];
    for (let i = 0; i < rows.length; i++) {
      if (deps.cancelled()) return { type: 'explained', status: 'cancelled', result: null };
      const row = rows[i];
      const values = gatherFeatures(data, [row]);
      const cls = regression ? 0 : p.predicted[i];
      const x = tf.tensor(values, [1, ...inputShape]);
      let attribution: Float32Array;
      let map: Float32Array;
      let completenessError: number | undefined;
      let steps: number | undefined;
      try {
        if (method === 'saliency') {
          attribution = saliency(model, x, cls);
          map = pixelMap(attribution, image, 'abs-max');
        } else if (method === 'smoothgrad') {
          attribution = smoothGrad(model, x, cls, { samples: resolved.noiseSamples!, noise: resolved.noise!, batchSize: resolved.batchSize!, rng });
          map = pixelMap(attribution, image, 'abs-max');
        } else if (method === 'ig') {
          const baseline = resolved.baseline === 'blurred' && isImage ? blurred(values, image, Math.max(1, Math.round(Math.min(image[0], image[1]) / 8))) : new Float32Array(values.length);
          const ig = integratedGradients(model, x, cls, baseline, { steps: resolved.steps!, batchSize: resolved.batchSize! });
          attribution = ig.attribution;
          completenessError = ig.completenessError;
          steps = ig.steps;
          map = pixelMap(attribution, image, 'sum');
        } else if (method === 'gradcam') {
          try {
            attribution = gradCam(model, x, cls, layer!, [image[0], image[1]]);
          } catch (err) {
            throw new HostError('data', errorMessage(err));
          }
          map = attribution;
        } else {
          attribution = occlusion(model, x, cls, image, { window: resolved.window!, stride: resolved.stride!, batchSize: resolved.batchSize! });
          map = attribution;
        }
      } finally {
        x.dispose();
      }
      const peakAt = isImage ? argmax(map) : argmax(attribution, true);
      const overlay = `sample-${row}.png`;
      const raw = `sample-${row}.json`;
      if (isImage) await writeHeatmapPng(join(msg.outDir, overlay), values, map, image);
      else await writeFeatureBarsPng(join(msg.outDir, overlay), attribution);
      writeFileAtomicSync(
        join(msg.outDir, raw),
        JSON.stringify({ sample: row, method, class: cls, shape: isImage ? image : [dataWidth], values: Array.from(attribution), ...(isImage ? { map: Array.from(map) } : { features: msg.dataset.features }) }),
      );
      samples.push({
        sample: row,
        source: isImage ? (msg.sources?.[row] ?? row + 1) : row + 1,
        predicted: regression ? label(msg.dataset, p.output[i * p.width]) : label(msg.dataset, p.predicted[i]),
        truth: label(msg.dataset, data.y[row]),
        confidence: p.confidence[i],
        peak: isImage ? { row: Math.floor(peakAt / image[1]), col: peakAt % image[1] } : { row: 0, col: peakAt },
        overlay,
        attribution: raw,
        ...(completenessError !== undefined ? { completenessError, steps } : {}),
      });
      maps.push({ truth: data.y[row], map: isImage ? map : attribution });
      progress(i + 1, rows.length);
    }

    const classMeans = await writeClassMeans(msg, maps, isImage ? image : null, regression, writeHeatmapPng);
    let features: FeatureImportance[] | undefined;
    if (!isImage && samples.length) {
      features = msg.dataset.features
        .map((name, j) => {
          const v = maps.map((s) => Math.abs(s.map[j]));
          const mean = v.reduce((a, b) => a + b, 0) / v.length;
          return { name, importance: mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
        })
        .sort((a, b) => b.importance - a.importance);
    }
    const result: ExplainResult = { ...base, options: { ...resolved, target: 'predicted' }, samples, ...(features ? { features } : {}), classMeans, durationMs: Date.now() - t0 };
    writeFileAtomicSync(join(msg.outDir, 'result.json'), JSON.stringify(result, null, 2));
    return { type: 'explained', status: 'completed', result };
  } finally {
    model?.dispose();
    random.uninstall();
  }
}

/** Mean attribution per true class over the explained samples (maps for images, features for tables). */
async function writeClassMeans(
  msg: ExplainJobMessage,
  maps: { truth: number; map: Float32Array }[],
  image: [number, number, number] | null,
  regression: boolean,
  writeHeatmapPng: typeof Overlay.writeHeatmapPng,
): Promise<ClassMeanAttribution[]> {
  if (regression || !maps.length) return [];
  const out: ClassMeanAttribution[] = [];
  const labels = [...new Set(maps.map((m) => m.truth))].sort((a, b) => a - b);
  for (const k of labels) {
    const group = maps.filter((m) => m.truth === k);
    const mean = new Float32Array(group[0].map.length);
    for (const g of group) g.map.forEach((v, j) => (mean[j] += v / group.length));
    const raw = `class-${k}.json`;
    writeFileAtomicSync(join(msg.outDir, raw), JSON.stringify({ label: msg.dataset.classes[k], count: group.length, values: Array.from(mean) }));
    let overlay: string | null = null;
    if (image) {
      overlay = `class-${k}.png`;
      await writeHeatmapPng(join(msg.outDir, overlay), null, mean, [image[0], image[1], 1]);
    }
    out.push({ label: msg.dataset.classes[k] ?? String(k), count: group.length, overlay, attribution: raw });
  }
  return out;
}
