/**
 * Pictures of attributions as PNG files: a heatmap over the input image (the input in grey, the
 * heat on top, more opaque where it is stronger) with a colour scale on the right, and for table
 * rows a bar per feature (warm = pushes towards the explained class, cool = away). Pixels are
 * drawn here by hand and only encoded by sharp, so the output depends on the numbers alone.
 */
import sharp from 'sharp';

/** A perceptually ordered dark-blue → cyan → yellow → red scale (like "turbo"), t in [0, 1]. */
const STOPS: [number, number, number][] = [
  [48, 18, 59],
  [40, 120, 226],
  [27, 208, 196],
  [140, 244, 92],
  [245, 200, 40],
  [240, 100, 20],
  [122, 4, 3],
];

export function colour(t: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(v));
  const f = v - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f].map(Math.round) as [number, number, number];
}

/** The map scaled to [0, 1] by its maximum (values ≤ 0 are 0: no evidence for the class). */
export function normalise(map: Float32Array): { scaled: Float32Array; max: number } {
  let max = 0;
  for (const v of map) if (v > max) max = v;
  return { scaled: map.map((v) => (max > 0 ? Math.max(0, v) / max : 0)), max };
}

const BAR = 14;
const GAP = 6;

/**
 * Heatmap over an image. `pixels` is HWC in [0, 1]; `map` has one value per pixel (h × w).
 * Upscaled (nearest) so that the longer side is at least 192 px; the colour scale's top is the
 * map's maximum, its bottom zero.
 */
export async function writeHeatmapPng(
  file: string,
  pixels: Float32Array | null,
  map: Float32Array,
  [h, w, c]: [number, number, number],
): Promise<void> {
  const scale = Math.max(1, Math.ceil(192 / Math.max(h, w)));
  const H = h * scale;
  const W = w * scale;
  const width = W + GAP + BAR;
  const out = Buffer.alloc(width * H * 3, 255);
  const { scaled } = normalise(map);
  for (let Y = 0; Y < H; Y++) {
    const y = Math.floor(Y / scale);
    for (let X = 0; X < W; X++) {
      const x = Math.floor(X / scale);
      let grey = 0;
      if (pixels) {
        for (let ch = 0; ch < c; ch++) grey += pixels[(y * w + x) * c + ch];
        grey = Math.min(1, Math.max(0, grey / c)) * 255;
      }
      const t = scaled[y * w + x];
      const [r, g, b] = colour(t);
      const alpha = pixels ? 0.25 + 0.6 * t : 1;
      const o = (Y * width + X) * 3;
      out[o] = Math.round(grey * (1 - alpha) + r * alpha);
      out[o + 1] = Math.round(grey * (1 - alpha) + g * alpha);
      out[o + 2] = Math.round(grey * (1 - alpha) + b * alpha);
    }
    // Colour scale: maximum at the top, zero at the bottom.
    const [r, g, b] = colour(1 - Y / Math.max(1, H - 1));
    for (let X = W + GAP; X < width; X++) {
      const o = (Y * width + X) * 3;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    }
  }
  await sharp(out, { raw: { width, height: H, channels: 3 } }).png().toFile(file);
}

/** One horizontal bar per feature around a centre line, length ∝ |value|, warm if > 0, cool if < 0. */
export async function writeFeatureBarsPng(file: string, values: Float32Array | number[]): Promise<void> {
  const rowH = 12;
  const width = 240;
  const H = Math.max(1, values.length) * rowH;
  const out = Buffer.alloc(width * H * 3, 255);
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  const mid = width / 2;
  Array.from(values).forEach((v, i) => {
    const len = max > 0 ? Math.round((Math.abs(v) / max) * (mid - 2)) : 0;
    const [r, g, b] = v >= 0 ? colour(0.85) : colour(0.15);
    for (let y = i * rowH + 2; y < (i + 1) * rowH - 2; y++) {
      for (let k = 0; k < len; k++) {
        const x = v >= 0 ? mid + k : mid - 1 - k;
        const o = (y * width + x) * 3;
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
      }
    }
  });
  for (let y = 0; y < H; y++) {
    const o = (y * width + mid) * 3;
    out[o] = out[o + 1] = out[o + 2] = 80;
  }
  await sharp(out, { raw: { width, height: H, channels: 3 } }).png().toFile(file);
}
