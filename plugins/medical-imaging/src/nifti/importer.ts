/**
 * The NIfTI importer: a folder of .nii/.nii.gz volumes (one sub-folder per class, or a labels
 * CSV) → an image dataset of slices along `axis` (x, y or z; default z). A volume's slices share
 * its file as their group, so all of them land in one split. Intensities: `window=C,W` or a
 * preset, else each volume's range. Options: axis, window, size, skip-bad, labels, min-fraction
 * (skip slices whose non-zero area is below it; default 0), slices (each, A-B, volume, volume:A-B: see
 * imaging/slices.ts).
 */
import { readFile } from 'node:fs/promises';
import { ImportInputError, type ImportedImages, type ImporterContext } from '@lamina/plugin-sdk';
import { sizeOption, truthy } from '../dicom/importer';
import { labelledFiles } from '../imaging/labelledFiles';
import { resizeToBytes } from '../imaging/resize';
import { applyWindow, parseWindow, rangeWindow } from '../imaging/window';
import { NiftiFileError, readNifti, slice } from './read';
import { VOLUME_CHANNELS, describeSlices, parseSlices, sliceIndices, stackChannels } from '../imaging/slices';

function axisOption(v: unknown): 0 | 1 | 2 {
  if (v === undefined || v === '') return 2;
  const s = String(v).toLowerCase();
  const axis = s === 'x' || s === '0' ? 0 : s === 'y' || s === '1' ? 1 : s === 'z' || s === '2' ? 2 : -1;
  if (axis < 0) throw new ImportInputError(`axis must be x, y or z (0, 1, 2), got ${JSON.stringify(v)}`);
  return axis as 0 | 1 | 2;
}

export async function importNifti(root: string, ctx: ImporterContext): Promise<ImportedImages> {
  const o = ctx.options;
  const size = sizeOption(o.size);
  const axis = axisOption(o.axis);
  let choice;
  try {
    choice = parseWindow(o.window ?? 'auto');
  } catch (e) {
    throw new ImportInputError((e as Error).message);
  }
  const minFraction = Number(o['min-fraction'] ?? 0);
  const slices = parseSlices(o.slices);
  const files = labelledFiles(root, (n) => /\.nii(\.gz)?$/i.test(n), o.labels);
  const pixels: Uint8Array[] = [];
  const labels: string[] = [];
  const groups: string[] = [];
  const facts: Record<string, string | number | boolean>[] = [];
  const bad: string[] = [];
  let done = 0;
  for (const f of files) {
    let vol;
    try {
      vol = readNifti(new Uint8Array(await readFile(f.path)));
    } catch (e) {
      if (!(e instanceof NiftiFileError)) throw e;
      bad.push(`${f.name}: ${e.message}`);
      continue;
    }
    const w = choice.kind === 'fixed' ? choice.window : rangeWindow(vol.voxels);
    const indices = sliceIndices(slices, vol.dims[axis]);
    const planes: Uint8Array[] = [];
    for (const k of indices) {
      const s = slice(vol, axis, k);
      if (!slices.volume && minFraction > 0 && s.pixels.filter((v) => v !== 0).length / s.pixels.length < minFraction) continue;
      applyWindow(s.pixels, w);
      const plane = resizeToBytes(s.pixels, s.rows, s.cols, 1, size, size);
      if (slices.volume) {
        planes.push(plane);
        continue;
      }
      pixels.push(plane);
      labels.push(f.label);
      groups.push(f.name);
      facts.push({ file: f.name, slice: k, slices: vol.dims[axis], axis: 'xyz'[axis] });
    }
    if (slices.volume && planes.length) {
      // One sample per volume: its chosen slices as channels.
      pixels.push(stackChannels(planes));
      labels.push(f.label);
      groups.push(f.name);
      facts.push({ file: f.name, slice: indices.join(','), slices: vol.dims[axis], axis: 'xyz'[axis] });
    }
    ctx.progress(++done, files.length);
  }
  if (bad.length && !truthy(o['skip-bad'])) {
    throw new ImportInputError(`${bad.length} of ${files.length} NIfTI files cannot be read (nothing imported; --opt skip-bad=true imports the rest): ${bad.slice(0, 10).join('; ')}`);
  }
  if (!labels.length) throw new ImportInputError(`${root}: no NIfTI slices to import`);
  const channels = slices.volume ? VOLUME_CHANNELS : 1;
  const per = size * size * channels;
  const all = new Uint8Array(labels.length * per);
  pixels.forEach((p, i) => all.set(p, i * per));
  return {
    kind: 'images',
    shape: [size, size, channels],
    pixels: all,
    labels,
    groups,
    groupKey: 'volume',
    samples: facts,
    info: { format: 'NIfTI', size, axis: 'xyz'[axis], slices: describeSlices(slices), window: choice.kind === 'fixed' ? choice.name : 'volume range', files: files.length - bad.length, images: labels.length, ...(bad.length ? { skipped: bad.length, skippedFiles: bad.slice(0, 20).join('; ') } : {}) },
  };
}
