/**
 * Display values: modality LUT (RescaleSlope/Intercept → e.g. Hounsfield units), then a VOI
 * window (DICOM PS3.3 C.11.2.1.2 linear function) to 0–255. MONOCHROME1 is inverted so that
 * bright always means dense.
 */
export interface Window {
  center: number;
  width: number;
}

/** CT presets (center, width in HU) as radiology viewers name them. */
export const WINDOW_PRESETS: Record<string, Window> = {
  lung: { center: -600, width: 1500 },
  mediastinum: { center: 50, width: 350 },
  'soft-tissue': { center: 40, width: 400 },
  bone: { center: 400, width: 1800 },
  brain: { center: 40, width: 80 },
};

/** 'file' (the file's window, else the image's range), 'auto' (the image's range), a preset, or "C,W". */
export type WindowChoice = { kind: 'file' } | { kind: 'auto' } | { kind: 'fixed'; window: Window; name: string };

export function parseWindow(v: unknown): WindowChoice {
  if (v === undefined || v === null || v === '' || v === 'file') return { kind: 'file' };
  const s = String(v).trim().toLowerCase();
  if (s === 'auto') return { kind: 'auto' };
  const preset = WINDOW_PRESETS[s] ?? WINDOW_PRESETS[s.replace(/[ _]/g, '-')];
  if (preset) return { kind: 'fixed', window: preset, name: s };
  const m = /^(-?\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)$/.exec(s);
  if (m && Number(m[2]) > 0) return { kind: 'fixed', window: { center: Number(m[1]), width: Number(m[2]) }, name: `${m[1]},${m[2]}` };
  throw new Error(`window "${String(v)}" is not file, auto, a preset (${Object.keys(WINDOW_PRESETS).join(', ')}) or CENTER,WIDTH like 40,400`);
}

/** Applies the VOI linear function in place: values → 0–255 (unrounded). */
export function applyWindow(values: Float64Array, w: Window): void {
  const c = w.center - 0.5, width = Math.max(1, w.width) - 1 || 1;
  const lo = c - width / 2, hi = c + width / 2;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    values[i] = x <= lo ? 0 : x > hi ? 255 : ((x - c) / width + 0.5) * 255;
  }
}

/** The window that spans the values' range (for images without one). */
export function rangeWindow(values: Float64Array): Window {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  if (!Number.isFinite(min)) return { center: 0, width: 1 };
  return { center: (min + max + 1) / 2, width: Math.max(1, max - min + 1) };
}
