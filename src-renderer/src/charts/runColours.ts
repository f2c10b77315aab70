/**
 * One colour per run, the same in every chart, legend and table swatch, on every page and after a
 * reload (W&B keeps a run's colour the same way): the colour is a hash of the run's id into a
 * palette readable on light and dark backgrounds. Pure.
 */
export const RUN_PALETTE = [
  '#2080f0', '#18a058', '#f0a020', '#d03050', '#8a2be2', '#00a3a3', '#e0609a', '#6b8e23',
  '#b8860b', '#4169e1', '#ff7f50', '#2e8b57', '#c71585', '#1e90ff', '#cd853f', '#9370db',
  '#20b2aa', '#dc143c', '#708090', '#3cb371',
] as const;

/** FNV-1a, 32 bit: spreads similar ids (uuids that share a prefix) over the palette. */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The colour of a run, from its id alone. */
export function runColour(runId: string): string {
  return RUN_PALETTE[hashId(runId) % RUN_PALETTE.length]!;
}
