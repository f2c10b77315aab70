/**
 * Compressed frames → raw sample bytes, with maintained npm decoders, each loaded only when a
 * file needs it (a training run that loads this plugin for its metrics pays for none of them):
 * libjpeg-turbo (JPEG baseline, 8-bit), jpeg-lossless-decoder-js (JPEG lossless), CharLS (JPEG-LS)
 * and OpenJPEG (JPEG 2000), the Cornerstone builds in their pure-JS form (no .wasm file to ship).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Decoder as LosslessDecoder } from 'jpeg-lossless-decoder-js';

/** What a codec gives back: samples as stored (8 or 16 bits each), interleaved. */
export interface DecodedFrame {
  data: Uint8Array | Uint16Array | Int16Array;
  width: number;
  height: number;
  components: number;
}

interface EmscriptenDecoder {
  getEncodedBuffer(n: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  getDecodedBuffer(): Uint8Array;
  delete?(): void;
}
type CodecModule = Record<string, new () => EmscriptenDecoder>;
type CodecFactory = (opts?: object) => Promise<CodecModule>;

const loaded = new Map<string, Promise<CodecModule>>();
// Emscripten modules print progress (OpenJPEG's "[INFO] …") on stdout; keep command output clean.
const quiet = { print: () => {}, printErr: () => {} };

// The codecs are large (≈ 1.5 MB of asm.js, seconds to parse): the plugin's build.mjs ships them as
// separate files in dist/codecs/, so loading the plugin (every classification run does, for the
// metrics) does not parse them. From sources (tests) they come from node_modules.
const CODECS = {
  jpeg: { file: 'libjpeg-turbo-8bit.js', pkg: '@cornerstonejs/codec-libjpeg-turbo-8bit/decode' },
  'jpeg-ls': { file: 'charls.js', pkg: '@cornerstonejs/codec-charls/decode' },
  jpeg2000: { file: 'openjpeg.js', pkg: '@cornerstonejs/codec-openjpeg/decode' },
} as const;

function codec(name: keyof typeof CODECS): Promise<CodecModule> {
  let p = loaded.get(name);
  if (!p) {
    const shipped = join(__dirname, 'codecs', CODECS[name].file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const factory = require(existsSync(shipped) ? shipped : CODECS[name].pkg) as CodecFactory | { default: CodecFactory };
    p = (typeof factory === 'function' ? factory : factory.default)(quiet);
    loaded.set(name, p);
  }
  return p;
}

async function emscripten(name: keyof typeof CODECS, cls: string, frame: Uint8Array, signed: boolean): Promise<DecodedFrame> {
  const lib = await codec(name);
  const d = new lib[cls]();
  try {
    d.getEncodedBuffer(frame.length).set(frame);
    d.decode();
    const info = d.getFrameInfo();
    const raw = d.getDecodedBuffer();
    const bytes = new Uint8Array(raw); // copy out of the codec's heap
    const data = info.bitsPerSample > 8
      ? (signed ? new Int16Array(bytes.buffer, 0, bytes.length >> 1) : new Uint16Array(bytes.buffer, 0, bytes.length >> 1))
      : bytes;
    return { data, width: info.width, height: info.height, components: info.componentCount };
  } finally {
    d.delete?.();
  }
}

export function decodeJpegBaseline(frame: Uint8Array, signed: boolean): Promise<DecodedFrame> {
  return emscripten('jpeg', 'JPEGDecoder', frame, signed);
}

export function decodeJpegLs(frame: Uint8Array, signed: boolean): Promise<DecodedFrame> {
  return emscripten('jpeg-ls', 'JpegLSDecoder', frame, signed);
}

export function decodeJpeg2000(frame: Uint8Array, signed: boolean): Promise<DecodedFrame> {
  return emscripten('jpeg2000', 'J2KDecoder', frame, signed);
}

export function decodeJpegLossless(frame: Uint8Array, bitsAllocated: number, signed: boolean, rows: number, cols: number, samples: number): DecodedFrame {
  const bytes = bitsAllocated <= 8 ? 1 : 2;
  const copy = frame.slice();
  const out = new LosslessDecoder().decode(copy.buffer, 0, copy.byteLength, bytes) as Uint8Array | Uint16Array;
  const data = bytes === 2 && signed ? new Int16Array(out.buffer, out.byteOffset, out.length) : out;
  return { data, width: cols, height: rows, components: samples };
}
