/**
 * A trained recommender as run artifacts, so `recommend` (and the Recommendations view) can score a user
 * later without retraining: `recommender/model.json` (what the model is, its scalars, the user and item
 * ids, titles, and where each array lies in the .bin) and `recommender/model.bin` (little-endian typed
 * arrays: the model's weights and the user histories — training and validation interactions — which the
 * recommendations exclude, as the test evaluation does).
 */
import type { InteractionsData } from '@lamina/plugin-sdk';
import type { Recommender } from './model';
import { biasRecommender } from './models/baselines';
import { factorRecommender } from './models/factorization';
import { knnRecommender } from './models/itemKnn';
import { neuMfRecommender, type NeuMfWeights } from './models/neumf';

export const MODEL_JSON = 'recommender/model.json';
export const MODEL_BIN = 'recommender/model.bin';
export const FORMAT = 'lamina-recommender/1';

type NumArray = Float32Array | Int32Array;

/** What each model needs to score again. */
export type SavedModel =
  | { kind: 'popularity'; arrays: { counts: Float32Array } }
  | { kind: 'bias'; scalars: { mu: number }; arrays: { bu: Float32Array; bi: Float32Array } }
  | { kind: 'item-knn'; arrays: { offsets: Int32Array; items: Int32Array; sims: Float32Array } }
  | { kind: 'factors'; scalars: { mu: number; f: number; userBias: boolean; clampLo: number | null; clampHi: number | null }; arrays: { p: Float32Array; q: Float32Array; bu: Float32Array; bi: Float32Array } }
  | { kind: 'neumf'; scalars: { factors: number; layers: number[]; h0: number }; arrays: Record<string, Float32Array> };

export interface ModelHeader {
  format: string;
  trainer: string;
  kind: SavedModel['kind'];
  scalars: Record<string, unknown>;
  implicit: boolean;
  /** The first trainRows history rows are training interactions; the rest validation. */
  trainRows: number;
  userIds: string[];
  itemIds: string[];
  itemTitles: (string | null)[] | null;
  arrays: { name: string; type: 'f32' | 'i32'; offset: number; length: number }[];
}

export interface LoadedModel {
  header: ModelHeader;
  model: Recommender;
  /** Each user's known interactions (train, then validation): item index and value. */
  history: { items: number[]; values: number[] }[];
}

export function neuMfSaved(w: NeuMfWeights): SavedModel {
  const arrays: Record<string, Float32Array> = { pG: w.pG, qG: w.qG, pM: w.pM, qM: w.qM, h: w.h };
  w.W.forEach((a, l) => (arrays[`W${l}`] = a));
  w.b.forEach((a, l) => (arrays[`b${l}`] = a));
  return { kind: 'neumf', scalars: { factors: w.factors, layers: w.layers, h0: w.h0 }, arrays };
}

/** The two files' contents for a trained model of `trainer` on `data`. */
export function encodeModel(trainer: string, saved: SavedModel, data: InteractionsData): { json: string; bin: Uint8Array } {
  const users = Int32Array.from([...data.train.users, ...data.validation.users]);
  const items = Int32Array.from([...data.train.items, ...data.validation.items]);
  const values = Float32Array.from([...data.train.values, ...data.validation.values]);
  const all: [string, NumArray][] = [...Object.entries(saved.arrays as Record<string, NumArray>), ['history_users', users], ['history_items', items], ['history_values', values]];
  const index: ModelHeader['arrays'] = [];
  let offset = 0;
  for (const [name, a] of all) {
    index.push({ name, type: a instanceof Int32Array ? 'i32' : 'f32', offset, length: a.length });
    offset += a.length * 4;
  }
  const bin = new Uint8Array(offset);
  const view = new DataView(bin.buffer);
  for (const [k, [, a]] of all.entries()) {
    const at = index[k].offset;
    for (let t = 0; t < a.length; t++) {
      if (a instanceof Int32Array) view.setInt32(at + t * 4, a[t], true);
      else view.setFloat32(at + t * 4, a[t], true);
    }
  }
  const header: ModelHeader = {
    format: FORMAT, trainer, kind: saved.kind, scalars: 'scalars' in saved ? saved.scalars : {}, implicit: data.implicit, trainRows: data.train.n,
    userIds: data.userIds, itemIds: data.itemIds, itemTitles: data.itemTitles, arrays: index,
  };
  return { json: JSON.stringify(header), bin };
}

/** Reads the two files back into a scoring model; throws a plain Error naming what is wrong. */
export function decodeModel(json: string, bin: Uint8Array): LoadedModel {
  let header: ModelHeader;
  try {
    header = JSON.parse(json) as ModelHeader;
  } catch {
    throw new Error(`${MODEL_JSON} is not JSON`);
  }
  if (header.format !== FORMAT) throw new Error(`${MODEL_JSON} has format "${String(header.format)}", expected "${FORMAT}"`);
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const arrays: Record<string, NumArray> = {};
  for (const a of header.arrays) {
    if (a.offset + a.length * 4 > bin.byteLength) throw new Error(`${MODEL_BIN} is shorter than ${MODEL_JSON} says (array "${a.name}")`);
    const out = a.type === 'i32' ? new Int32Array(a.length) : new Float32Array(a.length);
    for (let t = 0; t < a.length; t++) out[t] = a.type === 'i32' ? view.getInt32(a.offset + t * 4, true) : view.getFloat32(a.offset + t * 4, true);
    arrays[a.name] = out;
  }
  const numUsers = header.userIds.length, numItems = header.itemIds.length;
  const history = Array.from({ length: numUsers }, () => ({ items: [] as number[], values: [] as number[] }));
  const hu = arrays.history_users, hi = arrays.history_items, hv = arrays.history_values;
  for (let r = 0; r < hu.length; r++) {
    history[hu[r]].items.push(hi[r]);
    history[hu[r]].values.push(hv[r]);
  }
  const f32 = (name: string) => arrays[name] as Float32Array;
  const s = header.scalars as Record<string, never>;
  let model: Recommender;
  switch (header.kind) {
    case 'popularity': {
      const counts = f32('counts');
      model = { scoreUser: () => counts };
      break;
    }
    case 'bias':
      model = biasRecommender({ mu: s.mu, bu: f32('bu'), bi: f32('bi') });
      break;
    case 'item-knn': {
      // item-kNN scores from the training items only, as it was evaluated.
      const train = Array.from({ length: numUsers }, () => new Set<number>());
      for (let r = 0; r < Math.min(hu.length, header.trainRows); r++) train[hu[r]].add(hi[r]);
      model = knnRecommender({ offsets: arrays.offsets as Int32Array, items: arrays.items as Int32Array, sims: f32('sims') }, train.map((x) => [...x]), numItems);
      break;
    }
    case 'factors':
      model = factorRecommender({ mu: s.mu, f: s.f, p: f32('p'), q: f32('q'), bu: f32('bu'), bi: f32('bi') }, numItems, s.userBias, s.clampLo === null ? null : [s.clampLo, s.clampHi]);
      break;
    case 'neumf': {
      const layers = s.layers as number[];
      model = neuMfRecommender({
        numUsers, numItems, factors: s.factors, layers, h0: s.h0,
        pG: f32('pG'), qG: f32('qG'), pM: f32('pM'), qM: f32('qM'), h: f32('h'),
        W: layers.slice(1).map((_, l) => f32(`W${l}`)), b: layers.slice(1).map((_, l) => f32(`b${l}`)),
      });
      break;
    }
    default:
      throw new Error(`${MODEL_JSON}: unknown model kind "${String(header.kind)}"`);
  }
  return { header, model, history };
}
