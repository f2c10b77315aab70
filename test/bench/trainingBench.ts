/**
 * Training throughput of four reference models (MLP, LeNet-5, and the Small CNN and LSTM templates)
 * on every contender present — wasm, wasm + native kernels, cpu, tensorflow, and PyTorch CPU at 1
 * and 2 threads — measured honestly on a shared machine:
 *   - contenders are interleaved (A B C … then B C … A, one epoch each per round), so load that comes
 *     and goes hits all of them alike; results are medians over the rounds;
 *   - CPU time (process user + system) is reported beside wall time;
 *   - thread counts are pinned: PyTorch runs with torch.set_num_threads(t) and OPENBLAS_NUM_THREADS =
 *     OMP_NUM_THREADS = t; Lamina's native kernels run OpenBLAS on one thread.
 * TensorFlow.js contenders train in this process exactly the way the training host trains (its
 * backend selection, Lamina's wasm kernels, model.fit with Adam); PyTorch runs in a long-lived
 * python3 child per thread count (test/bench/torch_reference.py --serve). Synthetic data: the
 * numbers measure compute, not learning.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../src-main/core/domain';
import { chooseBackend } from '../../src-main/core/engine/host/backends';
import { installSeededRandom } from '../../src-main/core/engine/host/determinism';
import { nativeKernelsActive, setNativeKernelsActive } from '../../src-main/core/engine/host/nativeKernels';
import { buildModelFromSource } from '../../src-main/core/models/modelSource';

export type BenchModel = 'mlp-784-256-10' | 'lenet5-28x28x1' | 'small-cnn-28x28x1' | 'lstm-28x28';

export interface TrainingBenchCase {
  model: BenchModel;
  batchSize: number;
  samples: number;
}

export type Contender = 'wasm' | 'wasm+native' | 'cpu' | 'tensorflow' | 'pytorch-1t' | 'pytorch-2t';

export interface ContenderResult {
  contender: Contender;
  /** Median over rounds of samples per wall second. */
  samplesPerSec: number;
  /** Medians over rounds, per training step. */
  wallMsPerStep: number;
  cpuMsPerStep: number;
  rounds: number;
}

export interface CaseResult extends TrainingBenchCase {
  results: ContenderResult[];
}

export function mlp(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return m;
}

/** LeNet-5 for 28×28×1 (as in PyTorch's reference script: same layers, same parameter count). */
export function lenet5(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 120, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 84, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return m;
}

const TEMPLATES = join(__dirname, '..', '..', 'resources', 'templates');

/** A model as the bench trains it, compiled with Adam (templates: their own source, defaults, Adam at lr 1e-3). */
export async function benchModel(name: BenchModel): Promise<tf.LayersModel> {
  if (name === 'mlp-784-256-10' || name === 'lenet5-28x28x1') {
    const m = name === 'mlp-784-256-10' ? mlp() : lenet5();
    m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    return m;
  }
  const file = name === 'small-cnn-28x28x1' ? 'small-cnn.ts' : 'lstm.ts';
  const built = await buildModelFromSource(tf, readFileSync(join(TEMPLATES, file), 'utf8'), {
    inputShape: [28, 28, 1],
    task: 'classification',
    classes: Array.from({ length: 10 }, (_, i) => String(i)),
    params: {},
    seed: 1,
    overrides: { optimizer: 'adam', learningRate: 1e-3 },
  }, file);
  return built.model;
}

export function inputShape(name: BenchModel): number[] {
  return name === 'mlp-784-256-10' ? [784] : [28, 28, 1];
}

/** Backends this machine can run, best first, with the reason others are missing. */
export async function availableBackends(): Promise<{ present: BackendName[]; missing: string[]; wasmReason: string }> {
  const present: BackendName[] = [];
  const missing: string[] = [];
  let wasmReason = '';
  for (const b of ['tensorflow', 'wasm', 'cpu'] as BackendName[]) {
    try {
      const choice = await chooseBackend(b);
      if (b === 'wasm') wasmReason = choice.reason;
      present.push(b);
    } catch (e) {
      missing.push(`${b}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { present, missing, wasmReason };
}

interface Measurement {
  wallMs: number;
  cpuMs: number;
}

/** A TensorFlow.js contender: its own model and data on its backend, warmed up once. */
interface JsContender {
  name: Contender;
  backend: BackendName;
  native: boolean;
  model: tf.LayersModel;
  x: tf.Tensor;
  y: tf.Tensor;
}

async function activate(c: { backend: BackendName; native: boolean }): Promise<void> {
  if (tf.getBackend() !== c.backend) await tf.setBackend(c.backend);
  if (c.backend === 'wasm') setNativeKernelsActive(c.native);
}

async function jsEpoch(c: JsContender, batchSize: number): Promise<Measurement> {
  await activate(c);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await c.model.fit(c.x, c.y, { batchSize, epochs: 1, verbose: 0 });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** A long-lived PyTorch process at a fixed thread count. */
class TorchServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  version = '';

  constructor(python: string, readonly threads: number) {
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    this.child = spawn(python, [join(__dirname, 'torch_reference.py'), '--serve'], { env });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
    let stderr = '';
    this.child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    this.child.on('exit', () => {
      for (const p of this.pending.splice(0)) p(JSON.stringify({ error: stderr.trim().split('\n').pop() ?? 'PyTorch exited' }));
    });
  }

  epoch(c: TrainingBenchCase): Promise<Measurement> {
    return new Promise((resolve, reject) => {
      this.pending.push((line) => {
        const r = JSON.parse(line) as Measurement & { error?: string; torch?: string };
        if (r.error) reject(new Error(`PyTorch: ${r.error}`));
        else {
          this.version = r.torch ?? this.version;
          resolve(r);
        }
      });
      this.child.stdin.write(`${JSON.stringify({ model: c.model, samples: c.samples, batch: c.batchSize, threads: this.threads })}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** python3 with torch, or why there is none. */
export function findTorchPython(): { python: string } | { skipped: string } {
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  return python ? { python } : { skipped: 'python3-torch is not installed (apt-get install python3-torch) — no PyTorch reference' };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export interface InterleavedOptions {
  rounds: number;
  /** TensorFlow.js backends to include (wasm also gives wasm+native when native kernels load). */
  backends: BackendName[];
  /** Models for which the cpu backend is included (it is slow on CNNs). */
  cpuModels?: BenchModel[];
  torchThreads?: number[];
  onProgress?: (line: string) => void;
}

/** Every case with every contender interleaved round by round; medians per contender. */
export async function benchTrainingInterleaved(cases: TrainingBenchCase[], opts: InterleavedOptions): Promise<{ cases: CaseResult[]; torch: string | null; torchSkipped?: string }> {
  installSeededRandom(1);
  const torchPy = findTorchPython();
  const servers = 'python' in torchPy ? (opts.torchThreads ?? [1, 2]).map((t) => new TorchServer(torchPy.python, t)) : [];
  let nativeAvailable = false;
  if (opts.backends.includes('wasm')) {
    await chooseBackend('wasm');
    nativeAvailable = nativeKernelsActive();
  }
  const out: CaseResult[] = [];
  try {
    for (const c of cases) {
      const js: JsContender[] = [];
      const specs: { name: Contender; backend: BackendName; native: boolean }[] = [];
      for (const b of opts.backends) {
        if (b === 'wasm') {
          specs.push({ name: 'wasm', backend: 'wasm', native: false });
          if (nativeAvailable) specs.push({ name: 'wasm+native', backend: 'wasm', native: true });
        } else if (b !== 'cpu' || (opts.cpuModels ?? []).includes(c.model)) {
          specs.push({ name: b, backend: b, native: false });
        }
      }
      for (const s of specs) {
        await activate(s);
        const model = await benchModel(c.model);
        const x = tf.randomUniform([c.samples, ...inputShape(c.model)]);
        const y = tf.oneHot(tf.randomUniform([c.samples], 0, 10, 'int32'), 10);
        const contender: JsContender = { ...s, model, x, y };
        // One warm-up epoch: kernel setup, wasm memory growth, first allocations.
        await jsEpoch(contender, c.batchSize);
        js.push(contender);
      }
      type Runner = { name: Contender; run: () => Promise<Measurement> };
      const runners: Runner[] = [
        ...js.map((j) => ({ name: j.name, run: () => jsEpoch(j, c.batchSize) })),
        ...servers.map((s) => ({ name: `pytorch-${s.threads}t` as Contender, run: () => s.epoch(c) })),
      ];
      const samples = new Map<Contender, Measurement[]>(runners.map((r) => [r.name, []]));
      for (let round = 0; round < opts.rounds + 1; round++) {
        // Rotate the order every round so no contender always runs right after the same one.
        for (let i = 0; i < runners.length; i++) {
          const r = runners[(i + round) % runners.length];
          const m = await r.run();
          // Round 0 warms PyTorch up (its server warms each model on first request) and is not counted.
          if (round > 0) samples.get(r.name)!.push(m);
        }
        opts.onProgress?.(`  ${c.model}: round ${round}/${opts.rounds}`);
      }
      const steps = Math.ceil(c.samples / c.batchSize);
      out.push({
        ...c,
        results: runners.map((r) => {
          const ms = samples.get(r.name)!;
          const wall = median(ms.map((m) => m.wallMs));
          return { contender: r.name, samplesPerSec: c.samples / (wall / 1000), wallMsPerStep: wall / steps, cpuMsPerStep: median(ms.map((m) => m.cpuMs)) / steps, rounds: ms.length };
        }),
      });
      for (const j of js) {
        await activate(j);
        tf.dispose([j.x, j.y]);
        j.model.dispose();
      }
    }
  } finally {
    for (const s of servers) s.close();
    if (opts.backends.includes('wasm')) setNativeKernelsActive(nativeAvailable);
  }
  return { cases: out, torch: servers[0]?.version || null, ...('skipped' in torchPy ? { torchSkipped: torchPy.skipped } : {}) };
}
