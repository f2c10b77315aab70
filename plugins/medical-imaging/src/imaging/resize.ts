/**
 * Resizes an image (h × w × c, float) to H × W with area averaging when shrinking and bilinear
 * interpolation when enlarging, and rounds to bytes. Written here: a few lines, and sharp
 * (the core's) is not for plugins.
 */
export function resizeToBytes(src: Float64Array, h: number, w: number, c: number, H: number, W: number): Uint8Array {
  const v = resizeValues(src, h, w, c, H, W);
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(v[i])));
  return out;
}

/** The same resize without rounding (for values kept before windowing, e.g. Hounsfield units). */
export function resizeValues(src: ArrayLike<number>, h: number, w: number, c: number, H: number, W: number): Float64Array {
  const out = new Float64Array(H * W * c);
  const sy = h / H, sx = w / W;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let k = 0; k < c; k++) {
        let v: number;
        if (sy > 1 || sx > 1) {
          // Mean of the source pixels whose centres fall in this output pixel's footprint.
          const y0 = Math.floor(y * sy), y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
          const x0 = Math.floor(x * sx), x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
          let sum = 0, n = 0;
          for (let yy = y0; yy < Math.min(y1, h); yy++) for (let xx = x0; xx < Math.min(x1, w); xx++) { sum += src[(yy * w + xx) * c + k]; n++; }
          v = n ? sum / n : 0;
        } else {
          const fy = Math.min(h - 1, Math.max(0, (y + 0.5) * sy - 0.5)), fx = Math.min(w - 1, Math.max(0, (x + 0.5) * sx - 0.5));
          const y0 = Math.floor(fy), x0 = Math.floor(fx), y1 = Math.min(h - 1, y0 + 1), x1 = Math.min(w - 1, x0 + 1);
          const dy = fy - y0, dx = fx - x0;
          const at = (yy: number, xx: number) => src[(yy * w + xx) * c + k];
          v = (at(y0, x0) * (1 - dx) + at(y0, x1) * dx) * (1 - dy) + (at(y1, x0) * (1 - dx) + at(y1, x1) * dx) * dy;
        }
        out[(y * W + x) * c + k] = v;
      }
    }
  }
  return out;
}
