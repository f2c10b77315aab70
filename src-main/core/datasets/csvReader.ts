/**
 * Streaming CSV/TSV reader (RFC 4180): quoted fields, doubled quotes, delimiters and
 * newlines inside quotes, CRLF / LF / lone CR line ends, UTF-8 BOM. The file is read as
 * a byte stream and decoded incrementally, so it is never held as one string.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { inputError } from '../util/errors';
import { StrictTextDecoder, type TextEncoding } from './textDecoding';

export interface CsvRow {
  cells: string[];
  /** 1-based line of the source file where the record starts. */
  line: number;
}

export interface CsvReadOptions {
  /** Forced delimiter; otherwise .tsv/.tab → tab, else sniffed from the header line. */
  delimiter?: string;
  /** Called with the bytes read so far after each chunk. */
  onBytes?: (bytesRead: number) => void;
  /** Display name for errors (defaults to the path). */
  displayName?: string;
  /** Bytes per read (default 256 KiB); tiny values let tests hit every chunk-boundary case. */
  chunkSize?: number;
  /** utf8 (strict: invalid bytes are an error naming line and byte) or latin1; see textDecoding.ts. */
  encoding?: TextEncoding;
}

const SNIFF_CANDIDATES = [',', '\t', ';', '|'];
const QUOTE = 34; // "
const LF = 10;
const CR = 13;

/** Delimiter from the extension, else the candidate that appears most often (outside quotes) in the first line. */
export async function detectDelimiter(file: string): Promise<string> {
  const ext = extname(file).toLowerCase();
  if (ext === '.tsv' || ext === '.tab') return '\t';
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    // Delimiters are ASCII: reading the bytes as Latin-1 finds them in any encoding, invalid UTF-8 included.
    return sniffDelimiter(buf.subarray(0, bytesRead).toString('latin1').replace(/\0/g, ''));
  } finally {
    await fh.close();
  }
}

export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>(SNIFF_CANDIDATES.map((c) => [c, 0]));
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) break;
    else if (!inQuotes && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const c of SNIFF_CANDIDATES) {
    if (counts.get(c)! > bestCount) { best = c; bestCount = counts.get(c)!; }
  }
  return best;
}

/**
 * Yields every non-blank record. A record made of one empty field (a blank line) is skipped.
 * Throws an input error naming the file and line for an unterminated quote or for text
 * between a closing quote and the next delimiter.
 */
export async function* readCsvRows(file: string, opts: CsvReadOptions = {}): AsyncGenerator<CsvRow> {
  const name = opts.displayName ?? file;
  const delimiter = opts.delimiter ?? (await detectDelimiter(file));
  if (delimiter.length !== 1) throw inputError(`delimiter must be one character, got ${JSON.stringify(delimiter)}`);
  const delim = delimiter.charCodeAt(0);

  const decoder = new StrictTextDecoder(name, opts.encoding);
  let bytesRead = 0;
  let first = true;

  // Parser state, carried across chunks.
  let line = 1; // current line in the source
  let recordLine = 1; // line where the current record started
  let cells: string[] = [];
  let field = '';
  let inQuotes = false;
  let afterQuote = false; // just closed a quoted field
  let fieldQuoted = false;
  let quoteLine = 0;
  let pendingCR = false; // last chunk ended with CR: swallow a leading LF
  let quotedCR = false; // inside quotes, the previous character was CR (CRLF counts once)
  let carry = ''; // a quote at the very end of a chunk, decided with the next chunk
  let out: CsvRow[] = [];

  const endRecord = () => {
    cells.push(field);
    // A blank line yields one empty unquoted field: skip it.
    if (!(cells.length === 1 && cells[0] === '' && !fieldQuoted)) out.push({ cells, line: recordLine });
    cells = [];
    field = '';
    fieldQuoted = false;
    afterQuote = false;
  };

  const parse = (text: string) => {
    let i = 0;
    const n = text.length;
    if (pendingCR && n > 0) {
      pendingCR = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    while (i < n) {
      if (inQuotes) {
        // Copy everything up to the next quote in one slice.
        const q = text.indexOf('"', i);
        const end = q === -1 ? n : q;
        for (let k = i; k < end; k++) {
          const c = text.charCodeAt(k);
          if (c === CR) line++;
          else if (c === LF && !quotedCR) line++;
          quotedCR = c === CR;
        }
        if (q !== -1) quotedCR = false;
        field += text.slice(i, end);
        if (q === -1) return;
        // A quote: either the closing quote or the first of a doubled quote.
        if (q + 1 >= n) {
          // Can't tell yet: leave the quote for the next chunk.
          carry = '"';
          return;
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          field += '"';
          i = q + 2;
        } else {
          inQuotes = false;
          afterQuote = true;
          i = q + 1;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === delim) {
        cells.push(field);
        field = '';
        fieldQuoted = false;
        afterQuote = false;
        i++;
        continue;
      }
      if (c === LF || c === CR) {
        endRecord();
        if (c === CR) {
          if (i + 1 < n) { if (text.charCodeAt(i + 1) === LF) i++; } else pendingCR = true;
        }
        i++;
        line++;
        recordLine = line;
        continue;
      }
      if (afterQuote) {
        throw inputError(`${name}:${line}: unexpected text after a closing quote (a quote inside a quoted field must be doubled)`, { file: name, line, column: cells.length + 1 });
      }
      if (c === QUOTE && field === '' && !fieldQuoted) {
        inQuotes = true;
        fieldQuoted = true;
        quoteLine = line;
        i++;
        continue;
      }
      // Plain run of an unquoted field: slice up to the next delimiter or line end.
      let k = i + 1;
      while (k < n) {
        const d = text.charCodeAt(k);
        if (d === delim || d === LF || d === CR) break;
        k++;
      }
      field += text.slice(i, k);
      i = k;
    }
  };

  const stream = createReadStream(file, { highWaterMark: opts.chunkSize ?? 256 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      let text = decoder.write(chunk);
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      if (carry) { text = carry + text; carry = ''; }
      parse(text);
      opts.onBytes?.(bytesRead);
      if (out.length) {
        const batch = out;
        out = [];
        for (const row of batch) yield row;
      }
    }
  } finally {
    stream.destroy();
  }
  const rest = decoder.end();
  if (carry || rest) { const t = carry + rest; carry = ''; parse(t); }
  if (carry === '"') {
    // File ends right after a quote: it closes the field.
    carry = '';
    inQuotes = false;
    afterQuote = true;
  }
  if (inQuotes) {
    throw inputError(`${name}:${quoteLine}: unterminated quoted field (opened on line ${quoteLine}, never closed before the end of the file)`, { file: name, line: quoteLine });
  }
  if (field !== '' || cells.length > 0 || fieldQuoted) endRecord();
  for (const row of out) yield row;
}
