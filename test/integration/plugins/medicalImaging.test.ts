/**
 * The first-party medical-imaging plugin through the core, with real host processes: found in
 * plugins/ and enabled by default; `dicom-stats` as a plugin command; the CT lesion phantoms
 * imported from DICOM (split by PatientID, said on the dataset) and trained end to end with the
 * plugin's medical CNN and its defaults, reaching a test ROC AUC ≥ 0.9 with sensitivity and
 * specificity recorded; a damaged file stops the import with an input error naming it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../../src-main/core/lamina';
import { dispatch } from '../../../src-main/core/api/dispatch';

const repo = resolve(__dirname, '../../..');
const lesions = resolve(repo, '..', 'shared', 'datasets', 'lesions-dicom');
const dicom = resolve(repo, '..', 'shared', 'datasets', 'dicom');
let dir: string;
let core: Lamina;
let trainedRun: string | null = null;

beforeAll(() => {
  // npm test builds every plugin first; a lone run of this file builds the one it needs.
  if (!existsSync(join(repo, 'plugins', 'medical-imaging', 'dist', 'index.js'))) {
    const r = spawnSync(process.execPath, [join(repo, 'plugins', 'build.mjs'), 'medical-imaging'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  }
  dir = mkdtempSync(join(tmpdir(), 'lamina-medical-'));
  core = Lamina.open(join(dir, 'ws'));
});
afterAll(async () => {
  await core.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(lesions))('medical-imaging plugin', () => {
  it('ships enabled, with its importers, metrics and template', () => {
    const p = core.listPlugins().find((x) => x.id === 'medical-imaging');
    expect(p).toMatchObject({ enabled: true, error: null, origin: 'builtin' });
    const t = core.listTemplates().find((x) => x.id.includes('medical'));
    expect(t).toMatchObject({ id: 'medical-cnn', origin: 'medical-imaging', defaults: { epochs: 25, batchSize: 16 } });
  });

  it('dicom-stats runs as a plugin command', async () => {
    const r = await core.runPluginCommand('medical-imaging', 'dicom-stats', { file: join(dicom, 'MR_small_RLE.dcm') });
    expect(r.result).toEqual({ transferSyntax: '1.2.840.10008.1.2.5', shape: [64, 64], min: 127, max: 2145, mean: 518.8813 });
    const bad = await core.runPluginCommand('medical-imaging', 'dicom-stats', { file: join(dicom, 'MR_truncated.dcm') });
    expect((bad.result as { error: string }).error).toMatch(/MR_truncated\.dcm: the file is truncated/);
  });

  it('a damaged file stops the import with an input error naming it; nothing is stored; the plugin stays enabled', async () => {
    const folder = join(dir, 'damaged');
    cpSync(lesions, folder, { recursive: true });
    cpSync(join(dicom, 'MR_truncated.dcm'), join(folder, 'lesion', 'zz-truncated.dcm'));
    const before = core.listDatasets().length;
    const e = await core.importDataset(folder, { importer: 'medical-imaging/dicom' }).then(() => null, (err: Error & { kind?: string }) => err);
    expect(e?.kind).toBe('input');
    expect(e?.message).toMatch(/lesion\/zz-truncated\.dcm: the file is truncated/);
    expect(core.listDatasets()).toHaveLength(before);
    expect(core.listPlugins().find((x) => x.id === 'medical-imaging')!.enabled).toBe(true);
    const skipped = await core.importDataset(folder, { importer: 'medical-imaging/dicom', options: { 'skip-bad': 'true' }, name: 'skipped' });
    expect(skipped.rows).toBe(120);
    expect(skipped.importInfo).toMatchObject({ skipped: 1 });
  });

  it('imports the lesion phantoms split by patient and trains the medical CNN to a test AUC ≥ 0.9', async () => {
    const meta = await core.importDataset(lesions, { importer: 'medical-imaging/dicom', name: 'lesions' });
    expect(meta).toMatchObject({ kind: 'image', rows: 120, inputShape: [64, 64, 1], classes: ['lesion', 'normal'], grouping: { key: 'PatientID', groups: 120 } });
    expect(meta.importInfo).toMatchObject({ importer: 'medical-imaging/dicom', size: 64, window: 'file', files: 120 });

    const run = await core.train({ dataset: 'lesions', model: 'template:medical-cnn', config: { seed: 1 } });
    expect(run.status, run.error ?? '').toBe('completed');
    const detail = core.getRunDetail(run.id);
    const metric = (k: string) => detail.metrics.find((m) => m.key === k)?.last;
    expect(JSON.parse(JSON.stringify(run.config))).toMatchObject({ epochs: 25, batchSize: 16 });
    expect(metric('test_auc')).toBeGreaterThanOrEqual(0.9);
    expect(metric('test_sensitivity')).toBeGreaterThan(0.5);
    expect(metric('test_specificity')).toBeGreaterThan(0.5);
    // Plugin API 1.2: one metric, several named values → test_auc_<class>.
    expect(metric('test_auc_lesion')).toBeCloseTo(metric('test_auc')!, 10);
    expect(metric('test_auc_normal')).toBeCloseTo(metric('test_auc')!, 10);
    // The core keeps ROC / PR curves for every classification run; its AUC agrees with the plugin's.
    const curves = detail.report!.curves!;
    expect(curves.n).toBe(meta.splits.test);
    const lesion = curves.perClass.find((c) => c.label === 'lesion')!;
    expect(lesion.auc).toBeCloseTo(metric('test_auc')!, 6);
    expect(lesion.roc[0]).toEqual([0, 0, 1]);
    expect(lesion.roc.at(-1)!.slice(0, 2)).toEqual([1, 1]);
    console.log(`medical-cnn on lesions-dicom (seed 1, defaults): test_auc ${metric('test_auc')!.toFixed(4)}, accuracy ${metric('test_accuracy')!.toFixed(4)}, AP(lesion) ${lesion.averagePrecision!.toFixed(4)}`);
    trainedRun = run.id;
  }, 1_200_000);

  it('keeps each image’s DICOM tags and Hounsfield values for the dataset view (datasets.imageSamples)', async () => {
    const ctx = { checkOutput: true };
    const page = await dispatch(core, 'datasets.imageSamples', { dataset: 'lesions', label: 'lesion', limit: 4 }, ctx);
    expect(page.ok, JSON.stringify(page)).toBe(true);
    if (!page.ok) return;
    expect(page.value).toMatchObject({ total: 60, shape: [64, 64, 1], classes: ['lesion', 'normal'], hasValues: true, valuesUnit: 'HU' });
    const s = page.value.samples[0];
    expect(s.label).toBe('lesion');
    expect(s.meta).toMatchObject({ Modality: 'CT', Rows: 64, Columns: 64, WindowCenter: 40, WindowWidth: 400, frame: 0 });
    expect(String(s.meta.file)).toMatch(/^lesion\/lesion-\d{4}\.dcm$/);
    expect(typeof s.meta.PatientID).toBe('string');
    // Values are HU: the corner is air (about −1000), the stored pixel there is black under the 40/400 window.
    const hu = new Float32Array(Buffer.from(s.values!, 'base64').buffer.slice(0));
    const px = Buffer.from(s.pixels, 'base64');
    expect(hu).toHaveLength(64 * 64);
    expect(hu[0]).toBeLessThan(-900);
    expect(px[0]).toBe(0);
    const bad = await dispatch(core, 'datasets.imageSamples', { dataset: 'lesions', label: 'tumour' }, ctx);
    expect(!bad.ok && bad.error.message).toBe('dataset "lesions" has no class "tumour" (classes: lesion, normal)');
    // The viewer is a dataset view of the plugin, for its importers' datasets.
    expect(core.listPluginViews('dataset')).toContainEqual({
      pluginId: 'medical-imaging', viewId: 'dicom-viewer', title: 'DICOM viewer', location: 'dataset', importers: ['medical-imaging/dicom', 'medical-imaging/nifti'],
    });
    expect(core.getPluginView('medical-imaging', 'dicom-viewer').html).toContain('dicom-viewer');
  });

  it('Grad-CAM of the trained medical CNN points at the lesions (pointing game against truth.csv)', async () => {
    expect(trainedRun, 'the training test ran first').toBeTruthy();
    const truth = new Map(readFileSync(join(lesions, 'truth.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
      const [file, , cx, cy, r] = l.split(',');
      return [file, { cx: Number(cx), cy: Number(cy), r: Number(r) }] as const;
    }));
    const result = await core.explainRun(trainedRun!, { method: 'gradcam', selection: { split: 'test', classLabel: 'lesion', limit: 60 } });
    const correct = result.samples.filter((s) => s.predicted === 'lesion' && s.truth === 'lesion');
    expect(correct.length).toBeGreaterThan(0);
    const hits = correct.filter((s) => {
      const t = truth.get(String(s.source));
      expect(t, `truth for ${s.source}`).toBeDefined();
      return Math.hypot(s.peak.row - t!.cy, s.peak.col - t!.cx) <= 1.5 * t!.r;
    });
    const rate = hits.length / correct.length;
    console.log(`Grad-CAM pointing game (lesions-dicom, medical-cnn, seed 1): ${hits.length}/${correct.length} = ${(100 * rate).toFixed(1)} % of correctly classified test lesions within 1.5 r`);
    expect(rate).toBeGreaterThanOrEqual(0.8);
  }, 600_000);

  it('deleting the dataset removes its sample facts and values too', () => {
    const meta = core.getDataset('lesions');
    const base = join(core.paths.root, meta.file).replace(/\.arrow$/, '');
    expect(existsSync(`${base}.samples.json`)).toBe(true);
    expect(existsSync(`${base}.values.f32`)).toBe(true);
    core.deleteDataset('lesions');
    expect(existsSync(`${base}.samples.json`)).toBe(false);
    expect(existsSync(`${base}.values.f32`)).toBe(false);
  });
});
