/** `dicom-stats`: a file's decoded stored-pixel statistics, to check a decode against another reader. */
import { readFile } from 'node:fs/promises';
import { DicomFileError, readDicom } from './read';

export interface DicomStats {
  transferSyntax: string;
  shape: number[];
  min: number;
  max: number;
  mean: number;
}

export async function dicomStats(file: string): Promise<DicomStats | { error: string }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    return { error: `${file}: cannot read: ${(e as Error).message}` };
  }
  try {
    const img = await readDicom(bytes);
    let min = Infinity, max = -Infinity, sum = 0, n = 0;
    for (const frame of img.data) {
      for (let i = 0; i < frame.length; i++) {
        const v = frame[i];
        if (v < min) min = v;
        if (v > max) max = v;
        sum += v;
      }
      n += frame.length;
    }
    const shape = [...(img.frames > 1 ? [img.frames] : []), img.rows, img.cols, ...(img.samples > 1 ? [img.samples] : [])];
    return { transferSyntax: img.transferSyntax.uid, shape, min, max, mean: Math.round((sum / n) * 1e4) / 1e4 };
  } catch (e) {
    if (e instanceof DicomFileError) return { error: `${file}: ${e.message}` };
    throw e;
  }
}
