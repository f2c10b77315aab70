/**
 * Data augmentation: random changes to each training sample, drawn again every epoch, so a model
 * sees more variety than the dataset holds (Keras's preprocessing layers, torchvision transforms).
 *
 * Pure (no TF.js): the training host applies it to the shuffled training features before each
 * epoch, and the core uses the same code for the Train page's batch preview, so the preview shows
 * exactly what training does. Every draw comes from the run's seeded generator, so a run with
 * augmentation replays bit for bit. Validation and test samples are never augmented.
 *
 * Intensities are relative to each sample (brightness to its value range, noise to its spread,
 * cutout fills with its mean), so they mean the same whatever normalisation the dataset has.
 * Geometric changes fill from the nearest edge pixel (Keras's fill_mode "nearest").
 */
import type { AugmentationSpec } from '../domain';
import { inputError } from '../util/errors';

export type { AugmentationSpec };

const FLIPS = ['horizontal', 'vertical', 'both'] as const;
/** The keys, in the order they are applied and written. */
export const AUGMENTATION_KEYS = ['flip', 'shift', 'rotate', 'zoom', 'brightness', 'contrast', 'noise', 'cutout', 'mixup'] as const;
type NumericKey = Exclude<(typeof AUGMENTATION_KEYS)[number], 'flip'>;
const LIMITS: Record<NumericKey, [number, number, string]> = {
  shift: [0, 0.5, 'a fraction of the size, 0–0.5'],
  rotate: [0, 180, 'degrees, 0–180'],
  zoom: [0, 0.9, 'a fraction, 0–0.9'],
  brightness: [0, 1, 'a fraction of the range, 0–1'],
  contrast: [0, 0.9, 'a fraction, 0–0.9'],
  noise: [0, 2, 'a fraction of the spread, 0–2'],
  cutout: [0, 1, 'a fraction of the shorter side, 0–1'],
  mixup: [0, 10, 'Beta(α, α)\'s α, 0–10'],
};
/** What needs an image ([height, width, channels]); the rest also works on tables. */
const IMAGE_ONLY: (keyof AugmentationSpec)[] = ['flip', 'shift', 'rotate', 'zoom', 'brightness', 'contrast', 'cutout'];

/** Throws an input error naming the key for anything unknown or out of range. */
export function validateAugmentation(spec: AugmentationSpec | null | undefined): void {
  if (!spec) return;
  for (const [key, value] of Object.entries(spec)) {
    if (value === undefined) continue;
    if (key === 'flip') {
      if (!(FLIPS as readonly string[]).includes(value as string)) throw inputError(`augmentation flip must be one of ${FLIPS.join(', ')}, got ${JSON.stringify(value)}`, { field: 'augmentation' });
      continue;
    }
    const limits = LIMITS[key as NumericKey];
    if (!limits) throw inputError(`unknown augmentation "${key}"; choose from ${AUGMENTATION_KEYS.join(', ')}`, { field: 'augmentation' });
    if (typeof value !== 'number' || !Number.isFinite(value) || value < limits[0] || value > limits[1]) {
      throw inputError(`augmentation ${key} must be ${limits[2]}, got ${JSON.stringify(value)}`, { field: 'augmentation' });
    }
  }
}

/** `flip=horizontal,shift=0.1,rotate=10` (a bare `flip` means horizontal) → a spec; `none` or '' → null. */
export function parseAugmentation(text: string): AugmentationSpec | null {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return null;
  const spec: Record<string, string | number> = {};
  for (const part of trimmed.split(',')) {
    const [rawKey, rawValue] = part.split('=').map((s) => s.trim());
    if (!rawKey) continue;
    if (rawKey === 'flip') {
      spec.flip = rawValue ?? 'horizontal';
      continue;
    }
    if (!(AUGMENTATION_KEYS as readonly string[]).includes(rawKey)) throw inputError(`unknown augmentation "${rawKey}"; choose from ${AUGMENTATION_KEYS.join(', ')}`, { field: 'augmentation' });
    const value = Number(rawValue);
    if (rawValue === undefined || rawValue === '' || !Number.isFinite(value)) throw inputError(`augmentation ${rawKey} needs a number, e.g. ${rawKey}=0.1`, { field: 'augmentation' });
    spec[rawKey] = value;
  }
  validateAugmentation(spec as AugmentationSpec);
  return active(spec as AugmentationSpec) ? (spec as AugmentationSpec) : null;
}

/** The canonical text form (keys in application order, zeros left out); '' when nothing is on. */
export function formatAugmentation(spec: AugmentationSpec | null | undefined): string {
  if (!spec) return '';
  return AUGMENTATION_KEYS.filter((k) => spec[k] !== undefined && spec[k] !== 0)
    .map((k) => `${k}=${spec[k]}`)
    .join(',');
}

export function active(spec: AugmentationSpec | null | undefined): spec is AugmentationSpec {
  return formatAugmentation(spec) !== '';
}

/** Why `spec` cannot be used on samples of `inputShape`, or null when it can. */
export function augmentationProblem(spec: AugmentationSpec | null | undefined, inputShape: number[], labelsCanMix: boolean): string | null {
  if (!active(spec)) return null;
  const imageKeys = IMAGE_ONLY.filter((k) => spec[k] !== undefined && spec[k] !== 0);
  if (imageKeys.length && inputShape.length !== 3) {
    return `augmentation ${imageKeys.join(', ')} needs image samples [height, width, channels]; this dataset's samples are [${inputShape.join(', ')}] (noise and mixup work on any data)`;
  }
  if (spec.mixup && !labelsCanMix) {
    return 'mixup blends labels, so it needs one-hot or binary labels (a classification model with categoricalCrossentropy or binaryCrossentropy loss)';
  }
  return null;
}

type Random = () => number;

function gaussian(random: Random): number {
  // Box–Muller; 1 - u keeps the logarithm finite.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000), with the shape < 1 boost. */
function gamma(shape: number, random: Random): number {
  if (shape < 1) return gamma(shape + 1, random) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = gaussian(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function betaSample(alpha: number, random: Random): number {
  const a = gamma(alpha, random);
  const b = gamma(alpha, random);
  return a + b === 0 ? 0.5 : a / (a + b);
}

const uniform = (random: Random, max: number) => (2 * random() - 1) * max;

/** Bilinear read at (x, y), clamped to the nearest edge. */
function sample(src: Float32Array, base: number, h: number, w: number, c: number, ch: number, x: number, y: number): number {
  const cx = Math.min(Math.max(x, 0), w - 1);
  const cy = Math.min(Math.max(y, 0), h - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, w - 1);
  const y1 = Math.min(y0 + 1, h - 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const at = (yy: number, xx: number) => src[base + (yy * w + xx) * c + ch];
  const top = fx === 0 ? at(y0, x0) : at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
  if (fy === 0) return top;
  const bottom = fx === 0 ? at(y1, x0) : at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** One image's geometric change (flip, shift, rotation, zoom) into `out`, by inverse mapping. */
function transformImage(src: Float32Array, out: Float32Array, base: number, shape: number[], spec: AugmentationSpec, random: Random): void {
  const [h, w, c] = shape as [number, number, number];
  const flipH = (spec.flip === 'horizontal' || spec.flip === 'both') && random() < 0.5;
  const flipV = (spec.flip === 'vertical' || spec.flip === 'both') && random() < 0.5;
  const dx = spec.shift ? Math.round(uniform(random, spec.shift) * w) : 0;
  const dy = spec.shift ? Math.round(uniform(random, spec.shift) * h) : 0;
  const angle = spec.rotate ? (uniform(random, spec.rotate) * Math.PI) / 180 : 0;
  const scale = spec.zoom ? 1 + uniform(random, spec.zoom) : 1;
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const mx = (w - 1) / 2;
  const my = (h - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = x - mx - dx;
      const v = y - my - dy;
      let sx = cos * u + sin * v + mx;
      let sy = -sin * u + cos * v + my;
      if (flipH) sx = w - 1 - sx;
      if (flipV) sy = h - 1 - sy;
      for (let ch = 0; ch < c; ch++) out[base + (y * w + x) * c + ch] = sample(src, base, h, w, c, ch, sx, sy);
    }
  }
}

function stats(x: Float32Array, base: number, size: number) {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = base; i < base + size; i++) {
    const v = x[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / size;
  let sq = 0;
  for (let i = base; i < base + size; i++) sq += (x[i] - mean) ** 2;
  return { min, max, mean, std: Math.sqrt(sq / size) };
}

export interface AugmentInput {
  /** n samples of `shape`, contiguous. Not modified. */
  x: Float32Array;
  shape: number[];
  n: number;
  /** Labels, n × labelWidth (one-hot or binary), needed only for mixup. Not modified. */
  y?: Float32Array;
  labelWidth?: number;
}

/**
 * A new, augmented copy of the samples (and of the labels when mixup is on). Draws happen in a
 * fixed order (per sample, per change), so one seed gives one result.
 */
export function augment(input: AugmentInput, spec: AugmentationSpec, random: Random): { x: Float32Array; y?: Float32Array } {
  const { shape, n } = input;
  const size = shape.reduce((a, b) => a * b, 1);
  const geometric = !!(spec.flip || spec.shift || spec.rotate || spec.zoom);
  let x = input.x.slice(0, n * size);
  if (geometric) {
    const out = new Float32Array(x.length);
    for (let i = 0; i < n; i++) transformImage(x, out, i * size, shape, spec, random);
    x = out;
  }
  if (spec.brightness || spec.contrast || spec.noise || spec.cutout) {
    for (let i = 0; i < n; i++) {
      const base = i * size;
      const s = stats(x, base, size);
      const shiftBy = spec.brightness ? uniform(random, spec.brightness) * (s.max - s.min) : 0;
      const factor = spec.contrast ? 1 + uniform(random, spec.contrast) : 1;
      if (shiftBy !== 0 || factor !== 1) for (let j = base; j < base + size; j++) x[j] = s.mean + (x[j] - s.mean) * factor + shiftBy;
      if (spec.noise) {
        const sigma = spec.noise * s.std;
        for (let j = base; j < base + size; j++) x[j] += sigma * gaussian(random);
      }
      if (spec.cutout) {
        const [h, w, c] = shape as [number, number, number];
        const side = Math.max(1, Math.round(spec.cutout * Math.min(h, w)));
        const cy = Math.floor(random() * h);
        const cx = Math.floor(random() * w);
        const fill = s.mean;
        for (let yy = Math.max(0, cy - (side >> 1)); yy < Math.min(h, cy - (side >> 1) + side); yy++) {
          for (let xx = Math.max(0, cx - (side >> 1)); xx < Math.min(w, cx - (side >> 1) + side); xx++) {
            for (let ch = 0; ch < c; ch++) x[base + (yy * w + xx) * c + ch] = fill;
          }
        }
      }
    }
  }
  if (!spec.mixup) return { x };
  const { y: labels, labelWidth = 1 } = input;
  if (!labels) throw new Error('mixup needs the labels');
  const y = labels.slice(0, n * labelWidth);
  const mixedX = new Float32Array(x.length);
  const mixedY = new Float32Array(y.length);
  for (let i = 0; i < n; i++) {
    const j = Math.floor(random() * n);
    const lambda = betaSample(spec.mixup, random);
    for (let k = 0; k < size; k++) mixedX[i * size + k] = lambda * x[i * size + k] + (1 - lambda) * x[j * size + k];
    for (let k = 0; k < labelWidth; k++) mixedY[i * labelWidth + k] = lambda * y[i * labelWidth + k] + (1 - lambda) * y[j * labelWidth + k];
  }
  return { x: mixedX, y: mixedY };
}

/** The params a run records for its augmentation (only when on). */
export function augmentationParams(spec: AugmentationSpec | null | undefined): Record<string, string> {
  return active(spec) ? { augmentation: formatAugmentation(spec) } : {};
}
