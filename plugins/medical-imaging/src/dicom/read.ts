/**
 * One DICOM Part 10 file → its frames of stored pixel values (before the modality LUT) and the
 * tags needed to display them. Parsing is dicom-parser's; compressed frames go to codecs.ts,
 * RLE to rle.ts. Anything wrong with the file is a DicomFileError naming what is wrong.
 */
import { inflateRawSync } from 'node:zlib';
import * as dicomParser from 'dicom-parser';
import { decodeJpeg2000, decodeJpegBaseline, decodeJpegLossless, decodeJpegLs, type DecodedFrame } from './codecs';
import { decodeRleFrame } from './rle';
import { transferSyntax, type TransferSyntax } from './transferSyntax';

export class DicomFileError extends Error {}

export interface DicomImage {
  transferSyntax: TransferSyntax;
  rows: number;
  cols: number;
  frames: number;
  /** Samples per pixel: 1 (gray) or 3 (colour, interleaved in `data`). */
  samples: number;
  photometric: string;
  bitsAllocated: number;
  signed: boolean;
  /** Stored values of each frame, rows × cols × samples, row-major. */
  data: Float64Array[];
  slope: number;
  intercept: number;
  window: { center: number; width: number } | null;
  modality: string;
  patientId: string | null;
  studyId: string | null;
  pixelSpacing: string | null;
}

type DataSet = dicomParser.DataSet;

const str = (ds: DataSet, tag: string): string | null => {
  const v = ds.string(tag);
  return v === undefined || v === '' ? null : v.trim();
};
const int = (ds: DataSet, tag: string, fallback?: number): number => {
  const el = ds.elements[tag];
  if (!el) {
    if (fallback !== undefined) return fallback;
    throw new DicomFileError(`missing tag (${tag.slice(1, 5)},${tag.slice(5)})`);
  }
  const v = el.length === 4 && (!el.vr || el.vr === 'UL') ? ds.uint32(tag) : ds.uint16(tag);
  if (v === undefined) throw new DicomFileError(`tag (${tag.slice(1, 5)},${tag.slice(5)}) has no value`);
  return v;
};
const float = (ds: DataSet, tag: string): number | null => {
  const s = str(ds, tag);
  if (s === null) return null;
  const v = Number(s.split('\\')[0]);
  return Number.isFinite(v) ? v : null;
};

/** Deflated transfer syntax: everything after the meta header is raw deflate (node:zlib). */
function inflater(bytes: Uint8Array, position: number): Uint8Array {
  const body = inflateRawSync(bytes.subarray(position));
  const full = new Uint8Array(position + body.length);
  full.set(bytes.subarray(0, position));
  full.set(body, position);
  return full;
}

/** Parses the file; refuses files without the 128-byte preamble + "DICM" or without a meta header. */
export function parseDicom(bytes: Uint8Array): DataSet {
  if (bytes.length < 132 || String.fromCharCode(bytes[128], bytes[129], bytes[130], bytes[131]) !== 'DICM') {
    throw new DicomFileError('no DICOM preamble ("DICM" at byte 128): not a DICOM Part 10 file');
  }
  let ds: DataSet;
  try {
    ds = dicomParser.parseDicom(bytes, { inflater });
  } catch (e) {
    const msg = typeof e === 'string' ? e : e instanceof Error ? e.message : (e as { exception?: string })?.exception ?? String(e);
    if (/buffer overrun|cannot be greater than|maxPosition/i.test(msg)) throw new DicomFileError('the file is truncated: an element (often the pixel data) runs past the end of the file');
    if (/transfer syntax/i.test(msg) || /meta/i.test(msg)) throw new DicomFileError(`bad file meta header: ${msg.replace(/^dicomParser\.\w+: /, '')}`);
    throw new DicomFileError(`cannot parse: ${msg.replace(/^dicomParser\.\w+: /, '')}`);
  }
  return ds;
}

export async function readDicom(file: Uint8Array): Promise<DicomImage> {
  const ds = parseDicom(file);
  const bytes = ds.byteArray; // inflated, for the deflated transfer syntax
  const uid = str(ds, 'x00020010');
  if (!uid) throw new DicomFileError('the file meta header has no transfer syntax (0002,0010)');
  const ts = transferSyntax(uid.replace(/\0/g, ''));
  if (!ts) throw new DicomFileError(`transfer syntax ${uid} is not supported (no decoder for it)`);
  const pe = ds.elements.x7fe00010;
  if (!pe) throw new DicomFileError('no pixel data (7FE0,0010)');

  const rows = int(ds, 'x00280010');
  const cols = int(ds, 'x00280011');
  const samples = int(ds, 'x00280002', 1);
  const bitsAllocated = int(ds, 'x00280100');
  const signed = int(ds, 'x00280103', 0) === 1;
  const planar = samples > 1 ? int(ds, 'x00280006', 0) : 0;
  const frames = Math.max(1, Number(str(ds, 'x00280008') ?? 1) || 1);
  const photometric = (str(ds, 'x00280004') ?? 'MONOCHROME2').toUpperCase();
  if (samples !== 1 && samples !== 3) throw new DicomFileError(`${samples} samples per pixel is not supported (1 or 3)`);
  const bitsStored = int(ds, 'x00280101', bitsAllocated);
  if (photometric.startsWith('YBR') && photometric.endsWith('422') && ts.encoding === 'native') {
    throw new DicomFileError(`${photometric} without compression (subsampled chroma) is not supported`);
  }
  if (![1, 8, 16, 32].includes(bitsAllocated)) throw new DicomFileError(`bits allocated ${bitsAllocated} is not supported (8, 16 or 32)`);
  if (!rows || !cols) throw new DicomFileError(`the image is ${rows}×${cols}`);

  const perFrame = rows * cols * samples;
  const data: Float64Array[] = [];
  if (ts.encoding === 'native' && bitsAllocated === 1) {
    // 1-bit (segmentations, overlays): pixels packed 8 to a byte, least significant bit first.
    const need = Math.ceil((perFrame * frames) / 8);
    if (pe.dataOffset + pe.length > bytes.length || pe.length < need) throw new DicomFileError(`pixel data is truncated: ${pe.length} bytes, expected ${need}`);
    for (let f = 0; f < frames; f++) {
      const out = new Float64Array(perFrame);
      for (let i = 0; i < perFrame; i++) {
        const bit = f * perFrame + i;
        out[i] = (bytes[pe.dataOffset + (bit >> 3)] >> (bit & 7)) & 1;
      }
      data.push(out);
    }
  } else if (ts.encoding === 'native') {
    const bytesPer = bitsAllocated / 8;
    const need = perFrame * frames * bytesPer;
    if (pe.dataOffset + pe.length > bytes.length || pe.length < need) {
      const have = Math.min(pe.length, bytes.length - pe.dataOffset);
      throw new DicomFileError(`pixel data is truncated: ${have} bytes, expected ${need} (${frames} × ${rows}×${cols}×${samples} × ${bytesPer} bytes)`);
    }
    const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + pe.dataOffset, need);
    const le = !ts.bigEndian;
    for (let f = 0; f < frames; f++) {
      const out = new Float64Array(perFrame);
      const base = f * perFrame * bytesPer;
      for (let i = 0; i < perFrame; i++) {
        const o = base + i * bytesPer;
        out[i] = bitsAllocated === 8 ? (signed ? view.getInt8(o) : view.getUint8(o))
          : bitsAllocated === 16 ? (signed ? view.getInt16(o, le) : view.getUint16(o, le))
            : (signed ? view.getInt32(o, le) : view.getUint32(o, le));
      }
      data.push(planar === 1 ? interleave(out, rows * cols) : out);
    }
  } else {
    if (!pe.encapsulatedPixelData) throw new DicomFileError(`${ts.name} pixel data must be encapsulated (fragments), but it is not`);
    for (let f = 0; f < frames; f++) {
      const frame = encapsulatedFrame(ds, pe, f, frames);
      data.push(await decodeFrame(ts, frame, { rows, cols, samples, bitsAllocated, bitsStored, signed, planar }));
    }
  }

  const wc = float(ds, 'x00281050');
  const ww = float(ds, 'x00281051');
  return {
    transferSyntax: ts, rows, cols, frames, samples, photometric, bitsAllocated, signed, data,
    slope: float(ds, 'x00281053') ?? 1,
    intercept: float(ds, 'x00281052') ?? 0,
    window: wc !== null && ww !== null && ww > 0 ? { center: wc, width: ww } : null,
    modality: str(ds, 'x00080060') ?? '',
    patientId: str(ds, 'x00100020'),
    studyId: str(ds, 'x0020000d'),
    pixelSpacing: str(ds, 'x00280030'),
  };
}

function encapsulatedFrame(ds: DataSet, pe: dicomParser.Element, f: number, frames: number): Uint8Array {
  const fragments = pe.fragments ?? [];
  try {
    if (frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, pe, 0, fragments.length);
    if (pe.basicOffsetTable && pe.basicOffsetTable.length) return dicomParser.readEncapsulatedImageFrame(ds, pe, f);
    if (fragments.length === frames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, pe, f, 1);
    return dicomParser.readEncapsulatedImageFrame(ds, pe, f, dicomParser.createJPEGBasicOffsetTable(ds, pe));
  } catch (e) {
    throw new DicomFileError(`cannot read frame ${f + 1} of ${frames}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

interface Layout {
  rows: number;
  cols: number;
  samples: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  planar: number;
}

async function decodeFrame(ts: TransferSyntax, frame: Uint8Array, l: Layout): Promise<Float64Array> {
  const perFrame = l.rows * l.cols * l.samples;
  let decoded: DecodedFrame;
  try {
    if (ts.encoding === 'rle') {
      const bytesPer = l.bitsAllocated / 8;
      const raw = decodeRleFrame(frame, l.rows, l.cols, l.samples, bytesPer);
      return native(raw, perFrame, l.bitsAllocated, l.signed);
    }
    if (ts.encoding === 'jpeg-lossless') decoded = decodeJpegLossless(frame, l.bitsAllocated, l.signed, l.rows, l.cols, l.samples);
    else if (ts.encoding === 'jpeg-ls') decoded = await decodeJpegLs(frame, l.signed);
    else if (ts.encoding === 'jpeg2000') decoded = await decodeJpeg2000(frame, l.signed);
    else {
      if (jpegPrecision(frame) > 8) throw new DicomFileError(`${ts.name}: ${jpegPrecision(frame)}-bit JPEG is not supported (no maintained decoder for 12-bit lossy JPEG)`);
      decoded = await decodeJpegBaseline(frame, l.signed);
    }
  } catch (e) {
    if (e instanceof DicomFileError) throw e;
    throw new DicomFileError(`${ts.name}: cannot decode: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (decoded.data.length < perFrame) {
    throw new DicomFileError(`${ts.name}: decoded ${decoded.data.length} samples, expected ${perFrame} (${l.rows}×${l.cols}×${l.samples})`);
  }
  const out = new Float64Array(perFrame);
  for (let i = 0; i < perFrame; i++) out[i] = decoded.data[i];
  if (l.signed && l.bitsStored < 32) {
    // Codecs may hand back signed samples as unsigned BitsStored-bit values: two's complement them.
    const half = 2 ** (l.bitsStored - 1), full = 2 ** l.bitsStored;
    for (let i = 0; i < perFrame; i++) if (out[i] >= half) out[i] -= full;
  }
  return out;
}

/** Sample precision from a JPEG stream's start-of-frame marker (8 for baseline). */
function jpegPrecision(frame: Uint8Array): number {
  for (let i = 2; i + 4 < frame.length;) {
    if (frame[i] !== 0xff) return 8;
    const marker = frame[i + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return frame[i + 4];
    i += 2 + ((frame[i + 2] << 8) | frame[i + 3]);
  }
  return 8;
}

function native(raw: Uint8Array, n: number, bitsAllocated: number, signed: boolean): Float64Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = bitsAllocated === 8 ? (signed ? view.getInt8(i) : view.getUint8(i))
      : bitsAllocated === 16 ? (signed ? view.getInt16(i * 2, true) : view.getUint16(i * 2, true))
        : (signed ? view.getInt32(i * 4, true) : view.getUint32(i * 4, true));
  }
  return out;
}

/** Planar configuration 1 (RRR…GGG…BBB…) → interleaved RGBRGB…. */
function interleave(planes: Float64Array, pixels: number): Float64Array {
  const out = new Float64Array(planes.length);
  for (let p = 0; p < pixels; p++) for (let s = 0; s < 3; s++) out[p * 3 + s] = planes[s * pixels + p];
  return out;
}
