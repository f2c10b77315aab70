/**
 * The DICOM importer through the SDK harness: labels from sub-folders or a CSV, PatientID groups,
 * the file's window vs presets vs "C,W", MONOCHROME1 inverted, RGB kept as 3 channels, multi-frame
 * files giving one sample per frame, and bad files named (stop, or skip and list with skip-bad).
 * Variants of real files are written with pydicom (/usr/bin/python3) in the setup.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isImportedImages, type ImportedImages } from '@lamina/plugin-sdk';
import { runImporter } from '@lamina/plugin-sdk/testing';
import plugin from '../src/index';

const shared = resolve(__dirname, '../../../../shared/datasets');
const pyFiles = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const ready = existsSync('/usr/bin/python3') && existsSync(pyFiles) && existsSync(join(shared, 'lesions-dicom'));

async function images(root: string, options: Record<string, unknown> = {}): Promise<ImportedImages> {
  const r = await runImporter(plugin, 'dicom', root, options);
  if (!isImportedImages(r)) throw new Error('expected images');
  return r;
}

const meanOf = (px: Uint8Array) => px.reduce((a, b) => a + b, 0) / px.length;

describe.skipIf(!ready)('DICOM importer', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'dicom-import-'));
    for (const d of ['ct', 'mr']) mkdirSync(join(root, 'folders', d), { recursive: true });
    copyFileSync(join(shared, 'dicom', 'CT_small.dcm'), join(root, 'folders', 'ct', 'a.dcm'));
    copyFileSync(join(shared, 'dicom', 'MR_small.dcm'), join(root, 'folders', 'mr', 'b.dcm'));
    copyFileSync(join(shared, 'dicom', 'MR_small_RLE.dcm'), join(root, 'folders', 'mr', 'c'));
    // A MONOCHROME1 copy of CT_small (pydicom writes it).
    execFileSync('/usr/bin/python3', ['-c', `
import pydicom, sys
ds = pydicom.dcmread(sys.argv[1]); ds.PhotometricInterpretation = 'MONOCHROME1'; ds.save_as(sys.argv[2])
`, join(shared, 'dicom', 'CT_small.dcm'), join(root, 'mono1.dcm')]);
  });

  it('labels from sub-folders (files without extension too), PatientID groups, info', async () => {
    const r = await images(join(root, 'folders'), { size: 32 });
    expect(r.shape).toEqual([32, 32, 1]);
    expect(r.labels).toEqual(['ct', 'mr', 'mr']);
    expect(r.groupKey).toBe('PatientID');
    expect(r.groups).toHaveLength(3);
    expect(r.info).toMatchObject({ format: 'DICOM', size: 32, window: 'file', files: 3, images: 3 });
    expect(String(r.info!.transferSyntaxes)).toContain('RLE Lossless (1)');
    // MR_small and its RLE copy decode to the same image.
    expect(r.pixels.subarray(32 * 32, 2 * 32 * 32)).toEqual(r.pixels.subarray(2 * 32 * 32));
  });

  it('labels from a CSV; the window: file, presets, C,W; MONOCHROME1 inverted', async () => {
    const csv = join(root, 'labels.csv');
    writeFileSync(csv, 'file,label\nfolders/ct/a.dcm,ct\nmono1.dcm,inverted\n');
    const soft = await images(root, { labels: csv, window: 'soft-tissue', size: 16 });
    expect(soft.labels).toEqual(['ct', 'inverted']);
    const a = soft.pixels.subarray(0, 256), b = soft.pixels.subarray(256);
    for (let i = 0; i < 256; i++) expect(a[i] + b[i]).toBe(255);
    const explicit = await images(root, { labels: csv, window: '40,400', size: 16 });
    expect(explicit.pixels).toEqual(soft.pixels);
    const lung = await images(root, { labels: csv, window: 'lung', size: 16 });
    expect(meanOf(lung.pixels.subarray(0, 256))).not.toBeCloseTo(meanOf(a), 0);
    expect(lung.info!.window).toBe('lung');
    await expect(runImporter(plugin, 'dicom', root, { labels: csv, window: 'sideways' })).rejects.toThrow(/window "sideways" is not file, auto, a preset/);
    await expect(runImporter(plugin, 'dicom', root, { labels: join(root, 'nope.csv') })).rejects.toThrow(/labels file .*nope\.csv: cannot read it/);
  });

  it('RGB stays 3 channels (gray images then get 3 equal channels); multi-frame gives one sample per frame', async () => {
    const dir = join(root, 'rgb');
    mkdirSync(join(dir, 'colour'), { recursive: true });
    mkdirSync(join(dir, 'gray'), { recursive: true });
    copyFileSync(join(pyFiles, 'SC_rgb_rle_2frame.dcm'), join(dir, 'colour', 'two-frames.dcm'));
    copyFileSync(join(shared, 'dicom', 'MR_small.dcm'), join(dir, 'gray', 'mr.dcm'));
    const r = await images(dir, { size: 8 });
    expect(r.shape).toEqual([8, 8, 3]);
    expect(r.labels).toEqual(['colour', 'colour', 'gray']);
    const gray = r.pixels.subarray(2 * 192);
    for (let p = 0; p < 64; p++) expect(gray[p * 3]).toBe(gray[p * 3 + 1]);
    // The colour bars: some pixel has unequal channels.
    const colour = r.pixels.subarray(0, 192);
    expect([...Array(64).keys()].some((p) => colour[p * 3] !== colour[p * 3 + 2])).toBe(true);
  });

  it('bad files stop the import naming file and reason, or are skipped and listed with skip-bad', async () => {
    const dir = join(root, 'bad');
    mkdirSync(join(dir, 'x'), { recursive: true });
    mkdirSync(join(dir, 'y'), { recursive: true });
    copyFileSync(join(shared, 'dicom', 'CT_small.dcm'), join(dir, 'x', 'ok.dcm'));
    copyFileSync(join(shared, 'dicom', 'MR_small.dcm'), join(dir, 'y', 'ok.dcm'));
    copyFileSync(join(shared, 'dicom', 'MR_truncated.dcm'), join(dir, 'y', 'truncated.dcm'));
    copyFileSync(join(pyFiles, 'no_meta.dcm'), join(dir, 'x', 'no-meta.dcm'));
    copyFileSync(join(pyFiles, 'JPGExtended.dcm'), join(dir, 'y', 'jpeg12.dcm'));
    const e = await runImporter(plugin, 'dicom', dir, {}).then(() => null, (err: Error) => err);
    expect(e?.name).toBe('ImportInputError');
    expect(e?.message).toMatch(/3 of 5 DICOM files cannot be read \(nothing imported/);
    expect(e?.message).toMatch(/y\/truncated\.dcm: the file is truncated/);
    expect(e?.message).toMatch(/x\/no-meta\.dcm: no DICOM preamble/);
    expect(e?.message).toMatch(/y\/jpeg12\.dcm: JPEG Extended \(12-bit\): 12-bit JPEG is not supported/);
    const r = await images(dir, { 'skip-bad': 'true', size: 8 });
    expect(r.labels).toEqual(['x', 'y']);
    expect(r.info).toMatchObject({ skipped: 3, files: 2 });
    expect(String(r.info!.skippedFiles)).toContain('truncated.dcm');
  });

  it('--slices on a multi-frame file: a range of frames, or the file as one sample with 3 frames as channels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dicom-slices-'));
    for (const d of ['dose', 'other']) mkdirSync(join(dir, d));
    copyFileSync(join(pyFiles, 'rtdose.dcm'), join(dir, 'dose', 'rtdose.dcm')); // 15 gray frames, 10×10
    copyFileSync(join(shared, 'dicom', 'CT_small.dcm'), join(dir, 'other', 'ct.dcm'));
    const each = await images(dir, { size: 8, window: 'auto' });
    expect(each.labels).toHaveLength(16);
    expect(each.samples!.slice(0, 3).map((m) => m.frame)).toEqual([0, 1, 2]);
    const range = await images(dir, { size: 8, window: 'auto', slices: '3-5' });
    expect(range.labels).toEqual(['dose', 'dose', 'dose']); // CT_small has one frame, outside 3-5
    expect(range.pixels.subarray(0, 64)).toEqual(each.pixels.subarray(3 * 64, 4 * 64));
    const vol = await images(dir, { size: 8, window: 'auto', slices: 'volume' });
    expect(vol.shape).toEqual([8, 8, 3]);
    expect(vol.labels).toEqual(['dose', 'other']);
    expect(vol.samples![0]).toMatchObject({ file: 'dose/rtdose.dcm', frame: '2,7,12', frames: 15 });
    expect(Array.from({ length: 64 }, (_, i) => vol.pixels[i * 3 + 1])).toEqual(Array.from(each.pixels.subarray(7 * 64, 8 * 64)));
    // Volume samples have no single window to re-apply: no pre-display values.
    expect(vol.values).toBeUndefined();
    expect(each.values).toHaveLength(16 * 64);
  });

  it('the lesion phantoms: 120 windowed 64×64 images, one group per patient', async () => {
    const r = await images(join(shared, 'lesions-dicom'));
    expect(r.shape).toEqual([64, 64, 1]);
    expect(r.labels.filter((l) => l === 'lesion')).toHaveLength(60);
    expect(new Set(r.groups).size).toBe(120);
    // Air (−1000 HU) is below the 40/400 window: the corners are black.
    expect(r.pixels[0]).toBe(0);
  });
});
