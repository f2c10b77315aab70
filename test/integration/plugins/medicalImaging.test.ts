/**
 * The first-party medical-imaging plugin through the core, with real host processes: found in
 * plugins/ and enabled by default; `dicom-stats` as a plugin command; the CT lesion phantoms
 * imported from DICOM (split by PatientID, said on the dataset) and trained end to end with the
 * plugin's medical CNN and its defaults, reaching a test ROC AUC ≥ 0.9 with sensitivity and
 * specificity recorded; a damaged file stops the import with an input error naming it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../../src-main/core/lamina';

const repo = resolve(__dirname, '../../..');
const lesions = resolve(repo, '..', 'shared', 'datasets', 'lesions-dicom');
const dicom = resolve(repo, '..', 'shared', 'datasets', 'dicom');
let dir: string;
let core: Lamina;

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
  }, 1_200_000);
});
