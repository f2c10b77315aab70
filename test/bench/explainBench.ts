/**
 * Explanation benchmarks: time per explained sample for each method on a small CNN (24×24×1
 * synthetic lesion images) and per table for permutation importance on an MLP (10 features),
 * on each backend present. The in-run reference is integrated gradients unbatched (one path point
 * per pass) against batched (32 per pass). Standalone: `npx tsx test/bench/explainBench.ts [--quick]`.
 */
import { join } from 'node:path';
import { runExplain } from '../../src-main/core/engine/host/explain/explainRunner';
import type { ExplainMethod, ExplainOptions } from '../../src-main/core/explain/types';
import type { BackendName } from '../../src-main/core/domain';
import { runInProcess, template } from '../unit/engine/helpers/runInProcess';
import { lesionImages, twoFeatureTable } from '../unit/explain/syntheticData';

export interface ExplainBenchRow {
  model: string;
  backend: BackendName;
  method: string;
  samples: number;
  msPerSample: number;
}

interface Case {
  label: string;
  method: ExplainMethod;
  options: ExplainOptions;
}

const IMAGE_CASES: Case[] = [
  { label: 'saliency', method: 'saliency', options: {} },
  { label: 'smoothgrad (16 copies)', method: 'smoothgrad', options: { noiseSamples: 16 } },
  { label: 'ig 64 steps, batch 32', method: 'ig', options: { steps: 64, batchSize: 32 } },
  { label: 'ig 64 steps, batch 1 (reference)', method: 'ig', options: { steps: 64, batchSize: 1 } },
  { label: 'gradcam', method: 'gradcam', options: {} },
  { label: 'occlusion 4×4 / 2', method: 'occlusion', options: { window: 4, stride: 2 } },
];

async function time(modelDir: string, ds: ReturnType<typeof lesionImages> | ReturnType<typeof twoFeatureTable>, backend: BackendName, c: Case, samples: number) {
  const t0 = performance.now();
  const out = await runExplain(
    {
      type: 'explain', runId: 'bench', modelDir, dataset: ds.meta, datasetFile: '', seed: 1, backend, method: c.method,
      selection: { samples: Array.from({ length: samples }, (_, i) => i) }, options: c.options,
      outDir: join(modelDir, '..', 'explain', `${backend}-${c.method}-${c.options.batchSize ?? ''}`), dir: 'explain/bench', sources: null,
    },
    { emit: () => {}, cancelled: () => false, loadData: async () => ds.data },
  );
  return { ms: performance.now() - t0, out };
}

export async function benchExplain(backends: BackendName[], quick: boolean): Promise<ExplainBenchRow[]> {
  const rows: ExplainBenchRow[] = [];
  const samples = quick ? 4 : 16;
  const images = lesionImages(200);
  const table = twoFeatureTable(600);
  for (const backend of backends) {
    const cnn = await runInProcess(images, template('small-cnn'), { epochs: 2, batchSize: 32, seed: 1, backend, params: { dropout: 0, filters: 8 } });
    if (cnn.error) throw cnn.error;
    const cnnDir = join(cnn.artifactsDir, 'model');
    await time(cnnDir, images, backend, IMAGE_CASES[0], 1); // warm-up (kernels, first-use costs)
    for (const c of IMAGE_CASES) {
      const { ms } = await time(cnnDir, images, backend, c, samples);
      rows.push({ model: 'small-cnn 24×24×1', backend, method: c.label, samples, msPerSample: ms / samples });
    }
    const mlp = await runInProcess(table, template('mlp'), { epochs: 5, batchSize: 32, seed: 1, backend });
    if (mlp.error) throw mlp.error;
    const mlpDir = join(mlp.artifactsDir, 'model');
    const perm = await time(mlpDir, table, backend, { label: 'permutation', method: 'permutation', options: { repeats: 5 } }, 0);
    rows.push({ model: 'mlp 10 features', backend, method: 'permutation (5 repeats, 120 test rows; whole table)', samples: 1, msPerSample: perm.ms });
    const ig = await time(mlpDir, table, backend, { label: 'ig', method: 'ig', options: { steps: 64 } }, samples);
    rows.push({ model: 'mlp 10 features', backend, method: 'ig 64 steps, batch 32', samples, msPerSample: ig.ms / samples });
  }
  return rows;
}

export function printExplainBench(rows: ExplainBenchRow[]): void {
  console.log('\nExplanations (ms per explained sample; permutation: per table)');
  console.table(rows.map((r) => ({ model: r.model, backend: r.backend, method: r.method, samples: r.samples, 'ms/sample': r.msPerSample.toFixed(1) })));
  for (const backend of new Set(rows.map((r) => r.backend))) {
    const batched = rows.find((r) => r.backend === backend && r.method === 'ig 64 steps, batch 32' && r.model.startsWith('small-cnn'));
    const single = rows.find((r) => r.backend === backend && r.method.startsWith('ig 64 steps, batch 1'));
    if (batched && single) console.log(`  ${backend}: batching IG path points (32 per pass) is ${(single.msPerSample / batched.msPerSample).toFixed(1)}× faster than one per pass`);
  }
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  const backends = (process.argv.find((a) => a.startsWith('--backends='))?.slice(11).split(',') ?? ['wasm', 'cpu']) as BackendName[];
  benchExplain(backends, quick).then(printExplainBench, (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
