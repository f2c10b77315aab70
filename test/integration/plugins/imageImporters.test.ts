/**
 * Plugin API 1.1.0: an importer that returns images (not a table) with a group per image. The
 * core stores an image dataset and splits by group (no patient in two splits), records the
 * grouping and the importer's info, and passes `options` to the importer. A malformed answer
 * disables the plugin with a clear error and leaves no dataset behind.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../../src-main/core/lamina';

const fixtures = resolve(__dirname, '../../fixtures/plugins');
let dir: string;
let core: Lamina;
const savedEnv = process.env.LAMINA_PLUGINS_DIR;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lamina-image-importer-'));
  const userPlugins = join(dir, 'user-plugins');
  cpSync(join(fixtures, 'image-importer'), join(userPlugins, 'image-importer'), { recursive: true });
  process.env.LAMINA_PLUGINS_DIR = userPlugins;
  core = Lamina.open(join(dir, 'ws'));
});
afterAll(async () => {
  await core.shutdown();
  if (savedEnv === undefined) delete process.env.LAMINA_PLUGINS_DIR;
  else process.env.LAMINA_PLUGINS_DIR = savedEnv;
  rmSync(dir, { recursive: true, force: true });
});

describe('image importers (plugin API 1.1.0)', () => {
  it('stores images as an image dataset split by group, with the grouping and info recorded', async () => {
    // 30 patients with 1–3 images each; a patient's images share a label.
    const lines: string[] = [];
    for (let p = 0; p < 30; p++) for (let k = 0; k <= p % 3; k++) lines.push(`P${p},${p % 2 ? 'bright' : 'dark'}`);
    const file = join(dir, 'scans.squares');
    writeFileSync(file, lines.join('\n'));
    const meta = await core.importDataset(file, { options: { size: 6, note: 'hi' } });
    expect(meta.kind).toBe('image');
    expect(meta.rows).toBe(lines.length);
    expect(meta.inputShape).toEqual([6, 6, 1]);
    expect(meta.classes).toEqual(['bright', 'dark']);
    expect(meta.grouping).toEqual({ key: 'PatientID', groups: 30 });
    expect(meta.importInfo).toMatchObject({ importer: 'image-importer/squares', size: 6, note: 'hi' });
    expect(meta.splits.train + meta.splits.validation + meta.splits.test).toBe(lines.length);
    expect(meta.splits.test).toBeGreaterThan(0);
    expect(core.getDataset(meta.id).grouping).toEqual({ key: 'PatientID', groups: 30 });

    // No patient has images in two splits, and the pixels are the importer's.
    const t = tableFromIPC(readFileSync(join(core.paths.root, meta.file)));
    const split = t.getChild('__split')!.toArray() as Uint8Array;
    const seen = new Map<string, number>();
    lines.forEach((l, i) => {
      const patient = l.split(',')[0];
      if (seen.has(patient)) expect(split[i], patient).toBe(seen.get(patient));
      seen.set(patient, split[i]);
    });
    const first = t.getChild('pixels')!.get(0) as Uint8Array;
    expect(first.length).toBe(36);
    expect(first[0]).toBe(20);
  });

  it('an importer that rejects its input gives an input error and stays enabled', async () => {
    const file = join(dir, 'x.rejects');
    writeFileSync(file, 'x');
    const e = await core.importDataset(file).then(() => new Error('expected the import to fail'), (err: Error & { kind?: string }) => err);
    expect(e.message).toContain('no pixel data (fixture)');
    expect((e as { kind?: string }).kind).toBe('input');
    expect(core.listPlugins().find((x) => x.id === 'image-importer')!.enabled).toBe(true);
  });

  it('a malformed answer disables the plugin, names what is wrong and leaves no dataset', async () => {
    const file = join(dir, 'x.broken');
    writeFileSync(file, 'x');
    const before = core.listDatasets().length;
    const e = await core.importDataset(file).then(() => new Error('expected the import to fail'), (err: Error) => err);
    expect(e.message).toContain('image-importer');
    expect(e.message).toMatch(/pixels has 7 values, expected 2 images × 4×4×1 = 32/);
    expect(core.listDatasets().length).toBe(before);
    expect(readdirSync(join(core.paths.root, 'datasets')).filter((f) => f.includes('.part'))).toEqual([]);
    const p = core.listPlugins().find((x) => x.id === 'image-importer')!;
    expect(p.enabled).toBe(false);
    expect(p.error).toMatch(/^importer: /);
  });
});
