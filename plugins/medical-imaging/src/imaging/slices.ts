/**
 * Which slices of a volume (a NIfTI volume along its axis, a multi-frame DICOM file's frames) an
 * import keeps, and how (`--slices` / `--opt slices=…`):
 *   each (default)        every slice is a sample
 *   A-B                   slices A to B (0-based, inclusive) each a sample
 *   volume | volume:A-B   the volume is ONE sample whose 3 channels are 3 slices evenly spread over
 *                         the volume (or over A-B): a "2.5-D" input that any image CNN takes
 */
import { ImportInputError } from '@lamina/plugin-sdk';

export interface SliceChoice {
  volume: boolean;
  from: number;
  /** Inclusive; null = to the last slice. */
  to: number | null;
}

/** Channels of a volume sample. */
export const VOLUME_CHANNELS = 3;

export function parseSlices(v: unknown): SliceChoice {
  if (v === undefined || v === null || v === '' || v === 'each' || v === 'all') return { volume: false, from: 0, to: null };
  const s = String(v).trim().toLowerCase();
  const m = /^(volume)?(?::?(\d+)-(\d+))?$/.exec(s);
  if (!m || (!m[1] && m[2] === undefined)) {
    throw new ImportInputError(`slices "${String(v)}" is not each, A-B (e.g. 10-20), volume or volume:A-B`);
  }
  const from = m[2] === undefined ? 0 : Number(m[2]);
  const to = m[3] === undefined ? null : Number(m[3]);
  if (to !== null && to < from) throw new ImportInputError(`slices "${String(v)}": the range ends (${to}) before it starts (${from})`);
  return { volume: Boolean(m[1]), from, to };
}

/**
 * The slice indices to read from a volume of `count` slices: every index in the range, or (volume
 * mode) VOLUME_CHANNELS indices spread evenly over it. Empty when the range misses the volume.
 */
export function sliceIndices(choice: SliceChoice, count: number): number[] {
  const lo = choice.from, hi = Math.min(count - 1, choice.to ?? count - 1);
  if (lo > hi) return [];
  if (!choice.volume) return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  const n = hi - lo + 1;
  return Array.from({ length: VOLUME_CHANNELS }, (_, i) => lo + Math.min(n - 1, Math.floor(((i + 0.5) * n) / VOLUME_CHANNELS)));
}

/** Interleaves gray planes (each h × w) into one HWC image with a channel per plane. */
export function stackChannels(planes: Uint8Array[]): Uint8Array {
  const c = planes.length, n = planes[0].length;
  const out = new Uint8Array(n * c);
  for (let k = 0; k < c; k++) for (let i = 0; i < n; i++) out[i * c + k] = planes[k][i];
  return out;
}

export function describeSlices(choice: SliceChoice): string {
  const range = choice.to === null && choice.from === 0 ? '' : `${choice.from}-${choice.to ?? 'end'}`;
  return choice.volume ? `volume (${VOLUME_CHANNELS} slices as channels${range ? `, from ${range}` : ''})` : range ? `each of ${range}` : 'each';
}
