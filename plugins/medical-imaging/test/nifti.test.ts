/**
 * NIfTI-1/-2 (.nii, .nii.gz) read with nifti-reader-js, checked against nibabel's scaled voxels
 * of the files Debian's python3-nibabel ships (computed here with /usr/bin/python3); slicing along
 * each axis; and the importer: one sample per slice, a volume's slices kept in one group.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isImportedImages } from '@lamina/plugin-sdk';
import { runImporter } from '@lamina/plugin-sdk/testing';
import plugin from '../src/index';
import { readNifti, slice } from '../src/nifti/read';

const data = '/usr/lib/python3/dist-packages/nibabel/tests/data';
const files = ['anatomical.nii', 'functional.nii', 'example4d.nii.gz', 'example_nifti2.nii.gz', 'standard.nii.gz'];
const hasNibabel = existsSync('/usr/bin/python3') && existsSync(join(data, 'anatomical.nii'));

/** A temp folder with one sub-folder per class holding copies of nibabel's test volumes. */
function classFolders(prefix: string, classes: Record<string, string[]>): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [label, names] of Object.entries(classes)) {
    mkdirSync(join(root, label));
    for (const n of names) copyFileSync(join(data, n), join(root, label, n));
  }
  return root;
}

describe.skipIf(!hasNibabel)('NIfTI against nibabel', () => {
  const ref = JSON.parse(execFileSync('/usr/bin/python3', [join(__dirname, 'nibabel_stats.py'), ...files.map((f) => join(data, f))], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  })) as Record<string, { dims: number[]; min: number; max: number; mean: number; version: number }>;

  for (const f of files) {
    it(`${f}: dims, version and scaled voxel statistics match`, () => {
      const want = ref[join(data, f)];
      const vol = readNifti(new Uint8Array(readFileSync(join(data, f))));
      expect(vol.dims).toEqual(want.dims);
      expect(vol.version).toBe(want.version);
      let min = Infinity, max = -Infinity, sum = 0;
      for (const v of vol.voxels) { min = Math.min(min, v); max = Math.max(max, v); sum += v; }
      expect(min).toBeCloseTo(want.min, 3);
      expect(max).toBeCloseTo(want.max, 3);
      expect(sum / vol.voxels.length).toBeCloseTo(want.mean, 3);
    });
  }

  it('slices along x, y and z pick the voxel at (x, y, z)', () => {
    const vol = readNifti(new Uint8Array(readFileSync(join(data, 'standard.nii.gz'))));
    const [X, Y] = vol.dims;
    const at = (x: number, y: number, z: number) => vol.voxels[x + X * (y + Y * z)];
    const z = slice(vol, 2, 3);
    expect([z.rows, z.cols]).toEqual([5, 4]);
    expect(z.pixels[2 * 4 + 1]).toBe(at(1, 2, 3));
    const x = slice(vol, 0, 2);
    expect([x.rows, x.cols]).toEqual([7, 5]);
    expect(x.pixels[6 * 5 + 4]).toBe(at(2, 4, 6));
    const y = slice(vol, 1, 1);
    expect([y.rows, y.cols]).toEqual([7, 4]);
    expect(y.pixels[5 * 4 + 3]).toBe(at(3, 1, 5));
  });

  it('imports a folder of volumes as slices, one group per volume; bad files are named', async () => {
    const root = classFolders('nifti-import-', { a: ['anatomical.nii'], b: ['example_nifti2.nii.gz', 'standard.nii.gz'] });
    const r = await runImporter(plugin, 'nifti', root, { size: 16, axis: 'z' });
    expect(isImportedImages(r)).toBe(true);
    if (!isImportedImages(r)) return;
    expect(r.shape).toEqual([16, 16, 1]);
    expect(r.labels.length).toBe(25 + 12 + 7);
    expect(r.pixels.length).toBe(44 * 256);
    expect(new Set(r.groups).size).toBe(3);
    expect(r.labels.filter((l) => l === 'a').length).toBe(25);
    expect(r.info).toMatchObject({ format: 'NIfTI', axis: 'z', files: 3, images: 44 });

    const byX = await runImporter(plugin, 'nifti', root, { size: 8, axis: 'x' });
    expect((byX as { labels: string[] }).labels.length).toBe(33 + 32 + 4);

    writeFileSync(join(root, 'b', 'broken.nii'), 'not a nifti file at all');
    await expect(runImporter(plugin, 'nifti', root, {})).rejects.toThrow(/b\/broken\.nii: not a NIfTI-1\/-2 file/);
    const skipped = await runImporter(plugin, 'nifti', root, { 'skip-bad': 'true', size: 8 });
    expect((skipped as { info: Record<string, unknown> }).info).toMatchObject({ skipped: 1 });
    await expect(runImporter(plugin, 'nifti', root, { axis: 'w' })).rejects.toThrow(/axis must be x, y or z/);
  });

  it('--slices: a range of slices, or each volume as one sample with 3 slices as channels', async () => {
    const root = classFolders('nifti-slices-', { a: ['anatomical.nii'], b: ['standard.nii.gz'] });
    const each = await runImporter(plugin, 'nifti', root, { size: 8, axis: 'z' });
    const range = await runImporter(plugin, 'nifti', root, { size: 8, axis: 'z', slices: '2-4' });
    if (!isImportedImages(range) || !isImportedImages(each)) throw new Error('expected images');
    // anatomical has 25 z-slices, standard 7: slices 2, 3, 4 of each.
    expect(range.labels).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    expect(range.samples!.map((m) => m.slice)).toEqual([2, 3, 4, 2, 3, 4]);
    expect(range.pixels.subarray(0, 64)).toEqual(each.pixels.subarray(2 * 64, 3 * 64));
    const vol = await runImporter(plugin, 'nifti', root, { size: 8, axis: 'z', slices: 'volume' });
    if (!isImportedImages(vol)) throw new Error('expected images');
    expect(vol.shape).toEqual([8, 8, 3]);
    expect(vol.labels).toEqual(['a', 'b']);
    // 25 slices → 3 evenly spread: 4, 12, 20; channel k of the volume sample is that slice.
    expect(vol.samples![0]).toMatchObject({ file: 'a/anatomical.nii', slice: '4,12,20', slices: 25 });
    for (const [ch, k] of [[0, 4], [1, 12], [2, 20]]) {
      const plane = Array.from({ length: 64 }, (_, i) => vol.pixels[i * 3 + ch]);
      expect(plane).toEqual(Array.from(each.pixels.subarray(k * 64, (k + 1) * 64)));
    }
    expect(vol.info).toMatchObject({ slices: 'volume (3 slices as channels)' });
    await expect(runImporter(plugin, 'nifti', root, { slices: '5-2' })).rejects.toThrow('slices "5-2": the range ends (2) before it starts (5)');
    await expect(runImporter(plugin, 'nifti', root, { slices: 'some' })).rejects.toThrow('slices "some" is not each, A-B (e.g. 10-20), volume or volume:A-B');
  });
});
