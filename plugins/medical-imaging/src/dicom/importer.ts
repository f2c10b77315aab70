/**
 * The DICOM importer: a folder of DICOM files → an image dataset. Each frame is a sample,
 * windowed to 0–255 (modality LUT, then the VOI window: the file's, a preset or "C,W"),
 * MONOCHROME1 inverted, RGB kept as 3 channels, resized to `size` × `size`. Images carry their
 * PatientID as their group, so Lamina splits by patient.
 *
 * Options (`lamina import DIR --importer medical-imaging/dicom --opt k=v`): labels=FILE.csv,
 * window=file|auto|lung|mediastinum|soft-tissue|bone|brain|C,W, size (or --image-size), skip-bad=true,
 * slices=each|A-B|volume|volume:A-B (a multi-frame file's frames: see imaging/slices.ts).
 */
import { readFile } from 'node:fs/promises';
import { ImportInputError, type ImportedImages, type ImporterContext } from '@lamina/plugin-sdk';
import { labelledFiles, notAnImageName } from '../imaging/labelledFiles';
import { resizeToBytes, resizeValues } from '../imaging/resize';
import { applyWindow, parseWindow, rangeWindow } from '../imaging/window';
import { DicomFileError, readDicom, type DicomImage } from './read';
import { describeSlices, parseSlices, sliceIndices } from '../imaging/slices';

export const DEFAULT_SIZE = 64;

export function sizeOption(v: unknown): number {
  if (v === undefined || v === '') return DEFAULT_SIZE;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 4 || n > 1024) throw new ImportInputError(`size must be a whole number from 4 to 1024, got ${JSON.stringify(v)}`);
  return n;
}

export function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === '1' || v === 'yes';
}

function windowOption(v: unknown) {
  try {
    return parseWindow(v);
  } catch (e) {
    throw new ImportInputError((e as Error).message);
  }
}

/** One gray frame's modality values (stored × slope + intercept, e.g. HU); null for colour. */
export function modalityFrame(img: DicomImage, frame: number): Float64Array | null {
  if (img.samples === 3) return null;
  const v = Float64Array.from(img.data[frame]);
  for (let i = 0; i < v.length; i++) v[i] = v[i] * img.slope + img.intercept;
  return v;
}

/** One frame → display values 0–255 (h × w × samples), before resizing. */
export function displayFrame(img: DicomImage, frame: number, choice: ReturnType<typeof parseWindow>): Float64Array {
  const v = Float64Array.from(img.data[frame]);
  if (img.samples === 3) {
    if (img.bitsAllocated > 8) {
      const max = 2 ** img.bitsAllocated - 1;
      for (let i = 0; i < v.length; i++) v[i] = (v[i] / max) * 255;
    }
    if (img.photometric === 'YBR_FULL' && img.transferSyntax.encoding === 'native') ybrToRgb(v);
    return v;
  }
  for (let i = 0; i < v.length; i++) v[i] = v[i] * img.slope + img.intercept;
  const w = choice.kind === 'fixed' ? choice.window : choice.kind === 'file' && img.window ? img.window : rangeWindow(v);
  applyWindow(v, w);
  if (img.photometric === 'MONOCHROME1') for (let i = 0; i < v.length; i++) v[i] = 255 - v[i];
  return v;
}

function ybrToRgb(v: Float64Array): void {
  for (let i = 0; i < v.length; i += 3) {
    const y = v[i], cb = v[i + 1] - 128, cr = v[i + 2] - 128;
    v[i] = y + 1.402 * cr;
    v[i + 1] = y - 0.344136 * cb - 0.714136 * cr;
    v[i + 2] = y + 1.772 * cb;
  }
}

export async function importDicom(root: string, ctx: ImporterContext): Promise<ImportedImages> {
  const o = ctx.options;
  const size = sizeOption(o.size);
  const choice = windowOption(o.window);
  const skipBad = truthy(o['skip-bad'] ?? o.skipBad);
  const slices = parseSlices(o.slices);
  const files = labelledFiles(root, (name) => !notAnImageName(name), o.labels);

  interface Sample { pixels: Float64Array; values: Float64Array | null; h: number; w: number; c: number; label: string; group: string; facts: Record<string, string | number | boolean> }
  const samples: Sample[] = [];
  const bad: string[] = [];
  const syntaxes = new Map<string, number>();
  let withPatient = 0;
  let done = 0;
  for (const f of files) {
    let img: DicomImage;
    try {
      img = await readDicom(new Uint8Array(await readFile(f.path)));
    } catch (e) {
      if (!(e instanceof DicomFileError)) throw e;
      bad.push(`${f.name}: ${e.message}`);
      continue;
    }
    syntaxes.set(img.transferSyntax.name, (syntaxes.get(img.transferSyntax.name) ?? 0) + 1);
    if (img.patientId) withPatient++;
    const group = img.patientId ?? `file:${f.name}`;
    const frames = sliceIndices(slices, img.frames);
    if (slices.volume && frames.length) {
      if (img.samples !== 1) {
        bad.push(`${f.name}: slices=volume stacks gray frames as channels; this file is colour (${img.photometric})`);
        continue;
      }
      // One sample per file: the chosen frames as its channels.
      const planes = frames.map((k) => displayFrame(img, k, choice));
      const px = new Float64Array(planes[0].length * planes.length);
      planes.forEach((p, ch) => { for (let i = 0; i < p.length; i++) px[i * planes.length + ch] = p[i]; });
      samples.push({ pixels: px, values: null, h: img.rows, w: img.cols, c: planes.length, label: f.label, group, facts: { ...sampleFacts(img, f.name, frames[0], size), frame: frames.join(',') } });
    } else {
      for (const k of frames) {
        samples.push({
          pixels: displayFrame(img, k, choice), values: modalityFrame(img, k), h: img.rows, w: img.cols, c: img.samples, label: f.label, group,
          facts: sampleFacts(img, f.name, k, size),
        });
      }
    }
    ctx.progress(++done, files.length);
  }
  if (bad.length && !skipBad) {
    const list = bad.slice(0, 10).join('; ') + (bad.length > 10 ? `; and ${bad.length - 10} more` : '');
    throw new ImportInputError(`${bad.length} of ${files.length} DICOM files cannot be read (nothing imported; --opt skip-bad=true imports the rest): ${list}`);
  }
  if (!samples.length) throw new ImportInputError(`${root}: no readable DICOM images (${bad.length} files failed: ${bad.slice(0, 3).join('; ')})`);

  const channels = samples.some((s) => s.c === 3) ? 3 : 1;
  const per = size * size * channels;
  const pixels = new Uint8Array(samples.length * per);
  // Modality values (HU for CT) for viewers to window again; kept for gray datasets only.
  const values = channels === 1 ? new Float32Array(samples.length * per) : null;
  if (values) samples.forEach((s, i) => values.set(resizeValues(s.values!, s.h, s.w, 1, size, size), i * per));
  samples.forEach((s, i) => {
    let src = s.pixels;
    if (channels === 3 && s.c === 1) {
      src = new Float64Array(s.pixels.length * 3);
      for (let p = 0; p < s.pixels.length; p++) src[p * 3] = src[p * 3 + 1] = src[p * 3 + 2] = s.pixels[p];
    }
    pixels.set(resizeToBytes(src, s.h, s.w, channels, size, size), i * per);
  });

  const info: Record<string, string | number | boolean> = {
    format: 'DICOM',
    size,
    window: choice.kind === 'fixed' ? choice.name : choice.kind,
    files: files.length - bad.length,
    images: samples.length,
    slices: describeSlices(slices),
    transferSyntaxes: [...syntaxes].map(([name, n]) => `${name} (${n})`).join(', '),
  };
  if (bad.length) {
    info.skipped = bad.length;
    info.skippedFiles = bad.slice(0, 20).join('; ');
  }
  return {
    kind: 'images',
    shape: [size, size, channels],
    pixels,
    labels: samples.map((s) => s.label),
    ...(withPatient ? { groups: samples.map((s) => s.group), groupKey: 'PatientID' } : {}),
    info,
    // Plugin API 1.2: per-image tags and the values before windowing, for the DICOM viewer.
    samples: samples.map((s) => s.facts),
    ...(values ? { values, valuesUnit: samples.some((s) => s.facts.Modality === 'CT') ? 'HU' : 'modality value' } : {}),
  };
}

/** The tags a viewer shows for one image (patient and study ids are personal data: the viewer hides them until asked). */
export function sampleFacts(img: DicomImage, file: string, frame: number, size: number): Record<string, string | number | boolean> {
  const facts: Record<string, string | number | boolean> = {
    file, frame, frames: img.frames, Modality: img.modality, Rows: img.rows, Columns: img.cols,
    TransferSyntax: img.transferSyntax.name, PhotometricInterpretation: img.photometric,
    RescaleSlope: img.slope, RescaleIntercept: img.intercept,
  };
  if (img.pixelSpacing) {
    facts.PixelSpacing = img.pixelSpacing;
    // Spacing of the stored (resized) image: the original spacing × original size / stored size.
    const [r, c] = img.pixelSpacing.split('\\').map(Number);
    if (Number.isFinite(r) && Number.isFinite(c)) facts.StoredSpacing = `${+(r * img.rows / size).toFixed(4)}\\${+(c * img.cols / size).toFixed(4)}`;
  }
  if (img.window) { facts.WindowCenter = img.window.center; facts.WindowWidth = img.window.width; }
  if (img.patientId) facts.PatientID = img.patientId;
  if (img.studyId) facts.StudyID = img.studyId;
  return facts;
}
