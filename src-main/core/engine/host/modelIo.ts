/**
 * Save and load LayersModels in the TF.js layers format (model.json + weights.bin) using plain
 * files, without tfjs-node's file:// handler (which needs libtensorflow). Checkpoints add the
 * optimizer's slots (optimizer.json + optimizer.bin) so training continues exactly.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { installAdadelta } from '../../models/adadelta';
import { writeFileAtomicSync } from '../../util/atomicWrite';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
const OPTIMIZER_JSON = 'optimizer.json';
const OPTIMIZER_BIN = 'optimizer.bin';

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/** Write `model` to `dir` as model.json + weights.bin; returns the files written (relative). */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      writeFileAtomicSync(join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      writeFileAtomicSync(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
  return [MODEL_JSON, WEIGHTS_BIN];
}

/** model.json and the weights it names, as ModelArtifacts. */
export function readModelArtifacts(dir: string): tf.io.ModelArtifacts {
  const json = JSON.parse(readFileSync(join(dir, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    specs.push(...group.weights);
    for (const path of group.paths) buffers.push(toArrayBuffer(readFileSync(join(dir, path))));
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata,
    weightSpecs: specs,
    weightData: tf.io.CompositeArrayBuffer.join(buffers),
  };
}

/** Load a model saved by saveModel (or any TF.js layers model folder). */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  installAdadelta(tf); // a saved Adadelta config deserialises to the correct optimizer
  const artifacts = readModelArtifacts(dir);
  return tf.loadLayersModel({ load: async () => artifacts });
}

/** Decoded weights in spec order (the order model.weights / optimizer.getWeights() use). */
function decodeInOrder(data: ArrayBuffer, specs: tf.io.WeightsManifestEntry[]): { name: string; tensor: tf.Tensor }[] {
  const map = tf.io.decodeWeights(data, specs);
  return specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
}

/** Overwrite `model`'s weights with those saved in `dir` (same architecture, matched by position). */
export function restoreModelWeights(model: tf.LayersModel, dir: string): void {
  const artifacts = readModelArtifacts(dir);
  const specs = (artifacts.weightSpecs ?? []).filter((s) => s.group !== 'optimizer');
  const named = decodeInOrder(tf.io.CompositeArrayBuffer.join(artifacts.weightData), artifacts.weightSpecs ?? []).slice(0, specs.length);
  if (named.length !== model.weights.length) {
    throw new Error(`checkpoint has ${named.length} weight tensors but the model has ${model.weights.length}: the model source changed`);
  }
  named.forEach((w, i) => {
    const expected = model.weights[i].shape.join('×');
    if (w.tensor.shape.join('×') !== expected) {
      throw new Error(`checkpoint weight ${w.name} has shape ${w.tensor.shape.join('×')}, the model's ${model.weights[i].name} has ${expected}: the model source changed`);
    }
  });
  model.setWeights(named.map((w) => w.tensor));
  named.forEach((w) => w.tensor.dispose());
}

/**
 * Variables an optimizer keeps outside getWeights(), e.g. Adam's running β₁ᵗ and β₂ᵗ. setWeights
 * recomputes them with pow(), which differs in the last bits from the running product, so a
 * resumed run would drift; saving them keeps resume bit-exact.
 */
function hiddenVariables(optimizer: tf.Optimizer): [string, tf.Variable][] {
  return Object.entries(optimizer).filter((e): e is [string, tf.Variable] => e[1] instanceof tf.Variable);
}

export async function saveOptimizerState(optimizer: tf.Optimizer, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const { data, specs } = await tf.io.encodeWeights(await optimizer.getWeights());
  const hidden = Object.fromEntries(hiddenVariables(optimizer).map(([k, v]) => [k, { shape: v.shape, values: Array.from(v.dataSync()) }]));
  writeFileAtomicSync(join(dir, OPTIMIZER_BIN), new Uint8Array(data));
  writeFileAtomicSync(join(dir, OPTIMIZER_JSON), JSON.stringify({ className: optimizer.getClassName(), specs, hidden }));
  return [OPTIMIZER_JSON, OPTIMIZER_BIN];
}

export async function restoreOptimizerState(optimizer: tf.Optimizer, dir: string): Promise<void> {
  const meta = JSON.parse(readFileSync(join(dir, OPTIMIZER_JSON), 'utf8')) as {
    className: string;
    specs: tf.io.WeightsManifestEntry[];
    hidden?: Record<string, { shape: number[]; values: number[] }>;
  };
  if (meta.className !== optimizer.getClassName()) {
    throw new Error(`checkpoint was trained with ${meta.className} but the model now uses ${optimizer.getClassName()}`);
  }
  const data = toArrayBuffer(readFileSync(join(dir, OPTIMIZER_BIN)));
  const decoded = decodeInOrder(data, meta.specs);
  await optimizer.setWeights(decoded);
  // setWeights made variables of them; the decoded tensors themselves are ours to free.
  tf.dispose(decoded.map((w) => w.tensor));
  for (const [key, variable] of hiddenVariables(optimizer)) {
    const saved = meta.hidden?.[key];
    if (saved) tf.tidy(() => variable.assign(tf.tensor(saved.values, saved.shape, variable.dtype)));
  }
}

export function folderBytes(dir: string, files: string[]): number {
  return files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}
