/**
 * Per-kernel profile of training steps on the wasm backend, without and with Lamina's native
 * kernels: where a step's time goes, kernel by kernel (tf.profile; wall ms per step, calls per step).
 * This is the profile that chose which kernels go native.
 *
 *   npx tsx test/bench/profileKernels.ts [mlp-784-256-10|lenet5-28x28x1|small-cnn-28x28x1|lstm-28x28 …] [--steps N]
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../src-main/core/engine/host/backends';
import { installSeededRandom } from '../../src-main/core/engine/host/determinism';
import { nativeKernelsActive, setNativeKernelsActive } from '../../src-main/core/engine/host/nativeKernels';
import { benchModel, inputShape, type BenchModel } from './trainingBench';

const BATCH: Record<BenchModel, number> = { 'mlp-784-256-10': 128, 'lenet5-28x28x1': 64, 'small-cnn-28x28x1': 32, 'lstm-28x28': 32 };

async function profile(name: BenchModel, steps: number, native: boolean): Promise<{ perStepMs: number; kernels: Map<string, { ms: number; calls: number }> }> {
  setNativeKernelsActive(native);
  const batch = BATCH[name];
  const model = await benchModel(name);
  const x = tf.randomUniform([batch * steps, ...inputShape(name)]);
  const y = tf.oneHot(tf.randomUniform([batch * steps], 0, 10, 'int32'), 10);
  await model.fit(x, y, { batchSize: batch, epochs: 1, verbose: 0 }); // warm-up
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await model.fit(x, y, { batchSize: batch, epochs: 1, verbose: 0 });
    return [];
  });
  const perStepMs = (performance.now() - t0) / steps;
  const kernels = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const e = kernels.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    e.calls += 1;
    kernels.set(k.name, e);
  }
  for (const e of kernels.values()) {
    e.ms /= steps;
    e.calls /= steps;
  }
  tf.dispose([x, y]);
  model.dispose();
  return { perStepMs, kernels };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const stepsAt = args.indexOf('--steps');
  const steps = stepsAt >= 0 ? Number(args[stepsAt + 1]) : 8;
  const models = args.filter((a, i) => !a.startsWith('--') && (stepsAt < 0 || i !== stepsAt + 1)) as BenchModel[];
  installSeededRandom(1);
  const choice = await chooseBackend('wasm');
  console.log(`wasm: ${choice.reason}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const modes = nativeKernelsActive() ? [false, true] : [false];
  for (const name of models.length ? models : (Object.keys(BATCH) as BenchModel[])) {
    const runs: Awaited<ReturnType<typeof profile>>[] = [];
    for (const native of modes) runs.push(await profile(name, steps, native));
    const names = [...runs[0].kernels.keys()];
    for (const r of runs.slice(1)) for (const k of r.kernels.keys()) if (!names.includes(k)) names.push(k);
    const total = (r: (typeof runs)[number]) => [...r.kernels.values()].reduce((a, e) => a + e.ms, 0);
    console.log(`\n${name}, batch ${BATCH[name]}: ${runs.map((r, i) => `${modes[i] ? 'wasm+native' : 'wasm'} ${r.perStepMs.toFixed(1)} ms/step (kernels ${total(r).toFixed(1)} ms, ${[...r.kernels.values()].reduce((a, e) => a + e.calls, 0)} calls)`).join('; ')}`);
    const rows = names
      .map((k) => {
        const row: Record<string, string> = { kernel: k };
        runs.forEach((r, i) => {
          const e = r.kernels.get(k);
          const label = modes[i] ? 'native' : 'wasm';
          row[`${label} ms/step`] = e ? e.ms.toFixed(2) : '—';
          row[`${label} %`] = e ? `${((100 * e.ms) / total(r)).toFixed(0)}%` : '—';
          row[`${label} calls`] = e ? String(e.calls) : '—';
        });
        return { row, ms: runs[0].kernels.get(k)?.ms ?? 0 };
      })
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 14)
      .map((r) => r.row);
    console.table(rows);
  }
  setNativeKernelsActive(modes.length > 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
