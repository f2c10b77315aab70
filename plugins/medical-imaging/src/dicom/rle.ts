/**
 * DICOM RLE Lossless (PS3.5 Annex G), written here because no maintained npm package decodes it
 * on its own (it lives inside viewer toolkits). A frame is a 64-byte header (segment count and
 * up to 15 offsets) and one PackBits-coded segment per byte plane: for each sample, the most
 * significant byte plane first. The output is the native little-endian, sample-interleaved layout.
 */
export function decodeRleFrame(frame: Uint8Array, rows: number, cols: number, samples: number, bytesPerSample: number): Uint8Array {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.byteLength < 64) throw new Error(`RLE frame is ${frame.byteLength} bytes, shorter than its 64-byte header`);
  const segments = view.getUint32(0, true);
  const expected = samples * bytesPerSample;
  if (segments !== expected) throw new Error(`RLE frame has ${segments} segments, expected ${expected} (${samples} samples × ${bytesPerSample} bytes)`);
  const pixels = rows * cols;
  const out = new Uint8Array(pixels * expected);
  for (let seg = 0; seg < segments; seg++) {
    const start = view.getUint32(4 + seg * 4, true);
    const end = seg + 1 < segments ? view.getUint32(8 + seg * 4, true) : frame.byteLength;
    if (start < 64 || start > frame.byteLength || end > frame.byteLength || end < start) {
      throw new Error(`RLE segment ${seg + 1} lies outside the frame (offset ${start}, frame ${frame.byteLength} bytes)`);
    }
    const sample = Math.floor(seg / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (seg % bytesPerSample); // MSB plane first → little-endian position
    const stride = expected;
    let o = sample * bytesPerSample + byteInSample;
    let n = 0;
    let i = start;
    while (n < pixels && i < end) {
      const h = frame[i++];
      if (h < 128) {
        for (let k = 0; k <= h && n < pixels; k++, n++, o += stride) out[o] = frame[i++];
      } else if (h > 128) {
        const v = frame[i++];
        for (let k = 0; k < 257 - h && n < pixels; k++, n++, o += stride) out[o] = v;
      }
    }
    if (n < pixels) throw new Error(`RLE segment ${seg + 1} ends after ${n} of ${pixels} pixels (truncated)`);
  }
  return out;
}
