/**
 * NIfTI-1 and NIfTI-2 volumes (.nii, .nii.gz) via nifti-reader-js: the header and the voxels of
 * the first volume (t = 0), scaled by scl_slope/scl_inter as NIfTI says (slope 0 = no scaling).
 */
import * as nifti from 'nifti-reader-js';

export class NiftiFileError extends Error {}

export interface NiftiVolume {
  version: 1 | 2;
  /** [x, y, z] voxels. */
  dims: [number, number, number];
  /** x fastest: index = x + X * (y + Y * z). */
  voxels: Float64Array;
  datatype: string;
}

const TYPES: Record<number, { name: string; bytes: number; get: (v: DataView, o: number, le: boolean) => number }> = {
  2: { name: 'uint8', bytes: 1, get: (v, o) => v.getUint8(o) },
  4: { name: 'int16', bytes: 2, get: (v, o, le) => v.getInt16(o, le) },
  8: { name: 'int32', bytes: 4, get: (v, o, le) => v.getInt32(o, le) },
  16: { name: 'float32', bytes: 4, get: (v, o, le) => v.getFloat32(o, le) },
  64: { name: 'float64', bytes: 8, get: (v, o, le) => v.getFloat64(o, le) },
  256: { name: 'int8', bytes: 1, get: (v, o) => v.getInt8(o) },
  512: { name: 'uint16', bytes: 2, get: (v, o, le) => v.getUint16(o, le) },
  768: { name: 'uint32', bytes: 4, get: (v, o, le) => v.getUint32(o, le) },
};

export function readNifti(file: Uint8Array): NiftiVolume {
  let data: ArrayBuffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  try {
    if (nifti.isCompressed(data)) data = nifti.decompress(data) as ArrayBuffer;
  } catch (e) {
    throw new NiftiFileError(`cannot decompress: ${(e as Error).message}`);
  }
  if (!nifti.isNIFTI(data)) throw new NiftiFileError('not a NIfTI-1/-2 file (no "n+1"/"n+2" magic)');
  let header: nifti.NIFTI1 | nifti.NIFTI2;
  try {
    header = nifti.readHeader(data);
  } catch (e) {
    throw new NiftiFileError(`bad header: ${(e as Error).message}`);
  }
  const type = TYPES[header.datatypeCode];
  if (!type) throw new NiftiFileError(`datatype code ${header.datatypeCode} is not supported (integers, float32, float64)`);
  const d = header.dims;
  const dims: [number, number, number] = [d[1] || 1, d[0] >= 2 ? d[2] || 1 : 1, d[0] >= 3 ? d[3] || 1 : 1];
  const n = dims[0] * dims[1] * dims[2];
  const image = nifti.readImage(header, data);
  if (image.byteLength < n * type.bytes) {
    throw new NiftiFileError(`voxel data is truncated: ${image.byteLength} bytes, expected ${n * type.bytes} (${dims.join('×')} ${type.name})`);
  }
  const view = new DataView(image);
  const slope = header.scl_slope && Number.isFinite(header.scl_slope) ? header.scl_slope : 1;
  const inter = header.scl_slope && Number.isFinite(header.scl_inter) ? header.scl_inter : 0;
  const voxels = new Float64Array(n);
  for (let i = 0; i < n; i++) voxels[i] = type.get(view, i * type.bytes, header.littleEndian) * slope + inter;
  return { version: header instanceof nifti.NIFTI2 ? 2 : 1, dims, voxels, datatype: type.name };
}

/** Slice `k` along `axis` (0 = x, 1 = y, 2 = z) as a rows × cols image; rows run along the higher axis. */
export function slice(vol: NiftiVolume, axis: 0 | 1 | 2, k: number): { pixels: Float64Array; rows: number; cols: number } {
  const [X, Y] = vol.dims;
  const [a, b] = axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
  const cols = vol.dims[a], rows = vol.dims[b];
  const pixels = new Float64Array(rows * cols);
  const at = [0, 0, 0];
  at[axis] = k;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      at[a] = c;
      at[b] = r;
      pixels[r * cols + c] = vol.voxels[at[0] + X * (at[1] + Y * at[2])];
    }
  }
  return { pixels, rows, cols };
}
