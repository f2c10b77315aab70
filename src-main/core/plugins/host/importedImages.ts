/**
 * Host side of image importers (plugin API 1.1.0): checks what a plugin importer returned as
 * images before it crosses to the core, so a malformed answer is the plugin's error (it is
 * disabled, naming what was wrong) and never a half-imported dataset.
 */
import type { PluginImportedMessage } from '../../engine/protocol';
import type { ImportedImages } from '../../../../plugins/sdk/src/images';
import { PluginCodeError, type LoadedPlugin } from './pluginLoader';

export function isImportedImages(x: unknown): x is ImportedImages {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'images';
}

export function checkImages(p: LoadedPlugin, importerId: string, t: ImportedImages): PluginImportedMessage {
  const bad = (why: string) => new PluginCodeError(p.ref.id, 'importer', new Error(why), `importer "${importerId}"`);
  const shape = t.shape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((v) => Number.isInteger(v) && v > 0)) {
    throw bad(`images: shape must be [height, width, channels] of positive whole numbers, got ${JSON.stringify(shape)}`);
  }
  if (shape[2] !== 1 && shape[2] !== 3) throw bad(`images: channels must be 1 or 3, got ${shape[2]}`);
  if (!(t.pixels instanceof Uint8Array)) throw bad('images: pixels must be a Uint8Array');
  if (!Array.isArray(t.labels)) throw bad('images: labels must be an array of strings');
  const n = t.labels.length;
  const size = shape[0] * shape[1] * shape[2];
  if (t.pixels.length !== n * size) {
    throw bad(`images: pixels has ${t.pixels.length} values, expected ${n} images × ${shape.join('×')} = ${n * size}`);
  }
  if (t.groups !== undefined && (!Array.isArray(t.groups) || t.groups.length !== n)) {
    throw bad(`images: groups must have one entry per image (${n}), got ${Array.isArray(t.groups) ? t.groups.length : typeof t.groups}`);
  }
  if (t.samples !== undefined && (!Array.isArray(t.samples) || t.samples.length !== n || !t.samples.every((m) => typeof m === 'object' && m !== null && !Array.isArray(m)))) {
    throw bad(`images: samples must be one object of facts per image (${n}), got ${Array.isArray(t.samples) ? `${t.samples.length} entries` : typeof t.samples}`);
  }
  if (t.values !== undefined && (!(t.values instanceof Float32Array) || t.values.length !== t.pixels.length)) {
    throw bad(`images: values must be a Float32Array as long as pixels (${t.pixels.length}), got ${t.values instanceof Float32Array ? t.values.length : typeof t.values}`);
  }
  const info: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(t.info ?? {})) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') info[k] = v;
  }
  return {
    type: 'plugin.imported',
    columns: [],
    rows: [],
    images: {
      shape: [shape[0], shape[1], shape[2]],
      pixels: t.pixels,
      labels: t.labels.map(String),
      ...(t.groups ? { groups: t.groups.map(String) } : {}),
      ...(t.groupKey ? { groupKey: String(t.groupKey) } : {}),
      info,
      ...(t.samples ? { samples: t.samples.map(plainFacts) } : {}),
      ...(t.values ? { values: t.values, ...(t.valuesUnit ? { valuesUnit: String(t.valuesUnit) } : {}) } : {}),
    },
  };
}

/** Only string, number and boolean facts are kept (anything else is left out). */
function plainFacts(m: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') out[k] = v;
  return out;
}
