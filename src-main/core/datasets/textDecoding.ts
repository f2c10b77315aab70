/**
 * Text files are decoded strictly: UTF-8 unless the user says otherwise, and bytes that are not valid
 * UTF-8 are an error naming the line and byte — never turned silently into U+FFFD. The choices:
 * - a UTF-8 byte-order mark is skipped;
 * - a UTF-16 byte-order mark (FF FE / FE FF) is decoded as UTF-16 (it says so unambiguously);
 * - NUL bytes in a file without a mark mean UTF-16 without one: an error says to save it as UTF-8;
 * - `encoding: 'latin1'` (`lamina import --encoding latin1`) reads every byte as ISO-8859-1, the one
 *   fallback, used only when asked for.
 */
import { inputError } from '../util/errors';

export const TEXT_ENCODINGS = ['utf8', 'latin1'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

/** Length of the valid UTF-8 prefix of `b` (stopping before an incomplete sequence at the end), and where it is invalid. */
function scanUtf8(b: Uint8Array): { valid: number; invalidAt: number | null } {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0) return { valid: i, invalidAt: i };
    const min = len === 2 ? 0x80 : len === 3 ? 0x800 : 0x10000;
    if (i + len > n) {
      // Possibly cut by the chunk boundary: valid so far if every byte present is a continuation byte.
      for (let k = i + 1; k < n; k++) if ((b[k] & 0xc0) !== 0x80) return { valid: i, invalidAt: i };
      return { valid: i, invalidAt: null };
    }
    let cp = c & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const d = b[i + k];
      if ((d & 0xc0) !== 0x80) return { valid: i, invalidAt: i };
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return { valid: i, invalidAt: i };
    i += len;
  }
  return { valid: n, invalidAt: null };
}

/**
 * Streaming decoder: feed it chunks, get strings. Tracks lines and bytes so an error can say
 * "data.csv:12: byte 4,711 (0xE9) is not valid UTF-8".
 */
export class StrictTextDecoder {
  private tail: Uint8Array = new Uint8Array(0);
  private offset = 0; // bytes consumed before `tail`
  private line = 1;
  private started = false;
  private utf16: 'utf16le' | 'utf16be' | null = null;
  private utf16Carry: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly name: string,
    private readonly encoding: TextEncoding = 'utf8',
  ) {}

  write(chunk: Uint8Array): string {
    let bytes = chunk;
    if (!this.started) {
      if (this.tail.length + bytes.length < 3 && bytes.length > 0) {
        // Too short to tell a mark yet: keep it.
        this.tail = concat(this.tail, bytes);
        return '';
      }
      bytes = concat(this.tail, bytes);
      this.tail = new Uint8Array(0);
      this.started = true;
      if (bytes[0] === 0xff && bytes[1] === 0xfe) this.utf16 = 'utf16le';
      else if (bytes[0] === 0xfe && bytes[1] === 0xff) this.utf16 = 'utf16be';
      if (this.utf16) return this.decodeUtf16(bytes.subarray(2));
      if (this.encoding === 'utf8' && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        bytes = bytes.subarray(3);
        this.offset = 3;
      }
      const nul = bytes.subarray(0, 4096).indexOf(0);
      if (nul !== -1) {
        throw inputError(`${this.name}: byte ${this.offset + nul + 1} is a NUL: this looks like UTF-16 without a byte-order mark (or a binary file); save it as UTF-8`, {
          file: this.name,
          line: 1,
        });
      }
    }
    if (this.utf16) return this.decodeUtf16(bytes);
    if (this.encoding === 'latin1') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    const all = this.tail.length ? concat(this.tail, bytes) : bytes;
    const { valid, invalidAt } = scanUtf8(all);
    if (invalidAt !== null) this.fail(all, invalidAt);
    const text = Buffer.from(all.buffer, all.byteOffset, valid).toString('utf8');
    for (let k = 0; k < valid; k++) if (all[k] === 10) this.line++;
    this.offset += valid;
    this.tail = all.slice(valid);
    return text;
  }

  /** Call at the end: a sequence cut off by the end of the file is an error too. */
  end(): string {
    if (!this.started && this.tail.length) {
      this.started = true;
      const t = this.tail;
      this.tail = new Uint8Array(0);
      return this.write(t);
    }
    if (this.utf16Carry.length) this.fail(this.utf16Carry, 0);
    if (this.tail.length && this.encoding === 'utf8' && !this.utf16) this.fail(this.tail, 0);
    return '';
  }

  private decodeUtf16(bytes: Uint8Array): string {
    const all = concat(this.utf16Carry, bytes);
    const even = all.length - (all.length % 2);
    this.utf16Carry = all.slice(even);
    const buf = Buffer.from(all.subarray(0, even));
    if (this.utf16 === 'utf16be') buf.swap16();
    return buf.toString('utf16le');
  }

  private fail(bytes: Uint8Array, at: number): never {
    let line = this.line;
    for (let k = 0; k < at; k++) if (bytes[k] === 10) line++;
    const b = bytes[at];
    const hex = `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
    throw inputError(
      `${this.name}:${line}: byte ${(this.offset + at + 1).toLocaleString('en-US')} (${hex}) is not valid UTF-8; save the file as UTF-8, or import it with --encoding latin1 if it is Latin-1 / Windows-1252`,
      { file: this.name, line },
    );
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Decodes a whole buffer strictly (JSON documents). */
export function decodeText(bytes: Uint8Array, name: string, encoding: TextEncoding = 'utf8'): string {
  const d = new StrictTextDecoder(name, encoding);
  return d.write(bytes) + d.end();
}
