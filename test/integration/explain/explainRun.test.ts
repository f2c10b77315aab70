/**
 * `lamina explain` end to end on a real workspace: a folder of PNG lesion phantoms (generated here
 * with known lesion positions) imported with the image-folder importer, a CNN trained by a real host
 * process, explanations computed in another host process, stored as artifacts, listed again after
 * reopening the workspace; the CLI's JSON shape and exit codes; clear errors for a missing model
 * and a changed dataset.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Lamina } from '../../../src-main/core/lamina';
import { LaminaError } from '../../../src-main/core/util/errors';
import { main } from '../../../src-main/cli/main';
import { dispatch } from '../../../src-main/core/api/dispatch';
import { createRng } from '../../../src-main/core/util/random';
import { sharedDatasets } from '../../helpers/cli';

const root = mkdtempSync(join(tmpdir(), 'lamina-explain-'));
const ws = join(root, 'ws');
const folder = join(root, 'phantoms');
const SIZE = 28; // the image-folder importer's default size, so pixels are stored as written
const RADIUS = 3;
/** file (relative to the folder) → lesion centre */
const truth = new Map<string, { row: number; col: number }>();

async function writePhantoms(n: number): Promise<void> {
  const rng = createRng(9);
  for (const cls of ['lesion', 'normal']) mkdirSync(join(folder, cls), { recursive: true });
  for (let i = 0; i < n; i++) {
    const lesion = i % 2 === 0;
    const cy = RADIUS + 1 + Math.floor(rng.next() * (SIZE - 2 * RADIUS - 2));
    const cx = RADIUS + 1 + Math.floor(rng.next() * (SIZE - 2 * RADIUS - 2));
    const px = Buffer.alloc(SIZE * SIZE);
    for (let r = 0; r < SIZE; r++) {
      for (let c = 0; c < SIZE; c++) {
        const inside = lesion && (r - cy) ** 2 + (c - cx) ** 2 <= RADIUS * RADIUS;
        px[r * SIZE + c] = Math.round((inside ? 0.85 : 0.3 + 0.16 * (rng.next() - 0.5)) * 255);
      }
    }
    const name = `${lesion ? 'lesion' : 'normal'}/img-${String(i).padStart(3, '0')}.png`;
    await sharp(px, { raw: { width: SIZE, height: SIZE, channels: 1 } }).png().toFile(join(folder, name));
    if (lesion) truth.set(name, { row: cy, col: cx });
  }
}

/** Runs the CLI in this process, capturing stdout. */
async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main([...args, '--workspace', ws]);
    return { code, stdout };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

describe('explaining runs in a workspace', () => {
  let lamina: Lamina;
  let cnnRun = '';
  let mlpRun = '';
  beforeAll(async () => {
    await writePhantoms(240);
    lamina = Lamina.open(ws);
    const images = await lamina.importDataset(folder, { name: 'phantoms' });
    const run = await lamina.train({ dataset: images.id, model: 'template:small-cnn', config: { epochs: 8, batchSize: 32, seed: 2, backend: 'wasm', params: { dropout: 0, filters: 8 } } });
    expect(run.status, run.error ?? '').toBe('completed');
    cnnRun = run.id;
    const iris = await lamina.importDataset(`${sharedDatasets}/iris.csv`, { name: 'iris', target: 'species' });
    const mlp = await lamina.train({ dataset: iris.id, model: 'template:mlp', config: { epochs: 20, seed: 1, backend: 'cpu' } });
    expect(mlp.status, mlp.error ?? '').toBe('completed');
    mlpRun = mlp.id;
  });
  afterAll(() => {
    lamina?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('Grad-CAM in a host process: overlays stored as artifacts, sources named, peaks on the lesions, progress reported', async () => {
    const progress: number[] = [];
    const r = await lamina.explainRun(cnnRun, { method: 'gradcam', selection: { split: 'test', classLabel: 'lesion', limit: 20 } }, { onProgress: (p) => progress.push(p.done) });
    expect(progress.at(-1)).toBe(r.samples.length);
    const correct = r.samples.filter((s) => s.predicted === s.truth);
    expect(correct.length).toBeGreaterThan(10);
    const hits = correct.filter((s) => {
      const t = truth.get(String(s.source))!;
      return Math.hypot(s.peak.row - t.row, s.peak.col - t.col) <= 1.5 * RADIUS;
    });
    console.log(`Grad-CAM pointing game (PNG phantoms, forked host): ${hits.length}/${correct.length}`);
    expect(hits.length / correct.length).toBeGreaterThanOrEqual(0.8);
    const artifacts = lamina.getRunDetail(cnnRun).artifacts.filter((a) => a.kind === 'explanation');
    expect(artifacts.map((a) => a.path)).toContain(`${r.dir}/${r.samples[0].overlay}`);
    expect(lamina.explanationFile(cnnRun, `${r.dir}/${r.samples[0].overlay}`).subarray(1, 4).toString()).toBe('PNG');
    expect(() => lamina.explanationFile(cnnRun, '../lamina.db')).toThrow(LaminaError);
  });

  it('saved explanations come back after the workspace is reopened', async () => {
    lamina.close();
    lamina = Lamina.open(ws);
    const saved = lamina.listExplanations(cnnRun);
    expect(saved.map((s) => s.method)).toContain('gradcam');
  });

  it('the API contract: saved explanations and overlay images validate against their schemas; bad paths are refused', async () => {
    const ctx = { checkOutput: true };
    const list = await dispatch(lamina, 'runs.explanations', { runId: cnnRun }, ctx);
    expect(list.ok).toBe(true);
    const first = list.ok ? list.value[0] : null;
    const img = await dispatch(lamina, 'runs.explanationImage', { runId: cnnRun, path: `${first!.dir}/${first!.samples[0].overlay}` }, ctx);
    expect(img.ok && img.value.dataUrl.startsWith('data:image/png;base64,')).toBe(true);
    const bad = await dispatch(lamina, 'runs.explanationImage', { runId: cnnRun, path: 'model/weights.bin' }, ctx);
    expect(!bad.ok && bad.error.code).toBe('bad-request');
    const wrongMethod = await dispatch(lamina, 'runs.explain', { runId: mlpRun, method: 'occlusion' }, ctx);
    expect(!wrongMethod.ok && wrongMethod.error.code).toBe('bad-request');
    const viaApi = await dispatch(lamina, 'runs.explain', { runId: mlpRun, method: 'ig', selection: { samples: [0, 1] } }, ctx);
    expect(viaApi.ok && viaApi.value.samples.map((s) => s.source)).toEqual([1, 2]);
  });

  it('lamina explain --json prints the documented shape and writes PNGs to --out', async () => {
    const out = join(root, 'out');
    const r = await cli(['explain', cnnRun, '--worst', '2', '--method', 'ig', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.method).toBe('ig');
    for (const s of doc.samples) {
      expect(Object.keys(s)).toEqual(expect.arrayContaining(['sample', 'source', 'predicted', 'truth', 'peak', 'overlay', 'attribution']));
      expect(s.overlay.startsWith(out)).toBe(true);
      expect(existsSync(s.overlay) && existsSync(s.attribution)).toBe(true);
      expect(s.completenessError).toBeLessThan(0.01);
    }
    const tab = await cli(['explain', mlpRun, '--method', 'permutation', '--json']);
    expect(tab.code).toBe(0);
    const t = JSON.parse(tab.stdout);
    expect(t.method).toBe('permutation');
    expect(t.features).toHaveLength(4);
    expect(Object.keys(t.features[0]).sort()).toEqual(['importance', 'name', 'std']);
    for (let i = 1; i < t.features.length; i++) expect(t.features[i - 1].importance).toBeGreaterThanOrEqual(t.features[i].importance);
  });

  it('bad usage and methods that do not fit the data exit 2', async () => {
    expect((await cli(['explain', cnnRun, '--worst', '2', '--sample', '3'])).code).toBe(2);
    expect((await cli(['explain', cnnRun, '--method', 'permutation'])).code).toBe(2);
    expect((await cli(['explain', mlpRun, '--method', 'gradcam'])).code).toBe(2);
    expect((await cli(['explain', mlpRun, '--method', 'shap'])).code).toBe(2);
  });

  it('a run whose model file is missing, or whose dataset changed, is a clear error (exit 2)', async () => {
    const modelJson = join(ws, 'artifacts', mlpRun, 'model', 'model.json');
    const saved = readFileSync(modelJson);
    rmSync(modelJson);
    await expect(lamina.explainRun(mlpRun)).rejects.toThrow(/no saved TF\.js model/);
    expect((await cli(['explain', mlpRun])).code).toBe(2);
    writeFileSync(modelJson, saved);

    const meta = lamina.getDataset('iris');
    const file = join(ws, meta.file);
    const bytes = readFileSync(file);
    writeFileSync(file, Buffer.concat([bytes, Buffer.from([0])]));
    await expect(lamina.explainRun(mlpRun)).rejects.toThrow(/missing or changed/);
    expect((await cli(['explain', mlpRun])).code).toBe(2);
    writeFileSync(file, bytes);
    expect((await lamina.explainRun(mlpRun, { method: 'permutation' })).features).toHaveLength(4);
  });
});
