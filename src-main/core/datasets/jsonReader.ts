/**
 * JSON datasets, turned into the same rows of string cells the CSV reader yields:
 *  - a document: an array of flat objects, or `{ "columns": [...], "rows": [[...], ...] }`;
 *  - JSON Lines (.jsonl / .ndjson): one flat object per line, streamed.
 * Cells: numbers and booleans become their text, null/absent → '' (missing). Nested values
 * are an input error naming file, line and key. Columns come from the first record; a later
 * record with a key the first lacks is an error (silently widening the table hides typos).
 */
import { PassThrough } from 'node:stream';
import { StrictTextDecoder, decodeText, type TextEncoding } from './textDecoding';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { inputError } from '../util/errors';
import type { CsvRow } from './csvReader';

export interface JsonTable {
  columns: string[];
  rows: AsyncIterable<CsvRow>;
}

export interface JsonReadOptions {
  displayName?: string;
  onBytes?: (bytesRead: number) => void;
  /** utf8 (strict) or latin1; see textDecoding.ts. */
  encoding?: TextEncoding;
}

export function isJsonLinesFile(file: string): boolean {
  const ext = extname(file).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson';
}

/** Line and column (1-based) of a UTF-16 offset in `text`. */
function lineColumnAt(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  }
  return { line, column: pos - lineStart + 1 };
}

function parseError(name: string, text: string, err: unknown, baseLine = 1): never {
  const msg = err instanceof Error ? err.message : String(err);
  const m = /at position (\d+)/.exec(msg);
  const at = m ? lineColumnAt(text, Number(m[1])) : lineColumnAt(text, text.length);
  const line = baseLine + at.line - 1;
  throw inputError(`${name}:${line}:${at.column}: malformed JSON: ${msg}`, { file: name, line, column: at.column });
}

function cellText(value: unknown, name: string, line: number, key: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw inputError(`${name}:${line}: value of "${key}" is ${Array.isArray(value) ? 'an array' : 'an object'}; datasets need flat records (numbers, strings, booleans or null)`, { file: name, line, column: key });
}

/** Maps one flat object onto the column order fixed by the first record. */
function objectToCells(obj: unknown, columns: string[], index: Map<string, number>, name: string, line: number, what: string): string[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw inputError(`${name}:${line}: ${what} is not an object`, { file: name, line });
  }
  const cells = new Array<string>(columns.length).fill('');
  for (const [key, value] of Object.entries(obj as Record<string, unknown>)) {
    const j = index.get(key);
    if (j === undefined) {
      throw inputError(`${name}:${line}: ${what} has key "${key}", which the first record lacks (columns: ${columns.join(', ')})`, { file: name, line, column: key });
    }
    cells[j] = cellText(value, name, line, key);
  }
  return cells;
}

/**
 * Lines where the elements of the record array start, found by a light scan of the text
 * (strings and nesting only) so errors can point at a line rather than a record number.
 * For an array document these are the depth-1 elements; for `{columns, rows}` the elements
 * of the array under the top-level key "rows".
 */
function recordLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let topIsArray = false;
  let lastKey = '';
  let inRows = false;
  let expectValueAt = -1; // depth at which the next non-space token starts a record
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') { line++; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === ',' || c === ':') continue;
    if (c === '"') {
      const start = i + 1;
      for (i = start; i < text.length; i++) {
        const d = text[i];
        if (d === '\\') i++;
        else if (d === '"') break;
        else if (d === '\n') line++;
      }
      if (depth === 1 && !topIsArray) lastKey = text.slice(start, i);
      if (depth === expectValueAt) lines.push(line);
      continue;
    }
    if (c === '[' || c === '{') {
      if (depth === expectValueAt) lines.push(line);
      if (depth === 0) { topIsArray = c === '['; if (topIsArray) expectValueAt = 1; }
      else if (depth === 1 && !topIsArray && lastKey === 'rows' && c === '[') { inRows = true; expectValueAt = 2; }
      depth++;
      continue;
    }
    if (c === ']' || c === '}') {
      depth--;
      if (inRows && depth === 1) { inRows = false; expectValueAt = -1; }
      continue;
    }
    // A bare scalar (number, true, false, null): skip to its end.
    if (depth === expectValueAt) lines.push(line);
    while (i + 1 < text.length && !',]} \t\r\n'.includes(text[i + 1])) i++;
  }
  return lines;
}

async function readJsonDocument(file: string, opts: JsonReadOptions): Promise<JsonTable> {
  const name = opts.displayName ?? file;
  const buf = await readFile(file);
  opts.onBytes?.(buf.length);
  const text = decodeText(buf, name, opts.encoding);
  if (text.trim() === '') throw inputError(`${name}: the file is empty`, { file: name });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    parseError(name, text, err);
  }
  const lines = recordLines(text);
  const lineOf = (i: number) => lines[i] ?? 1;

  let columns: string[];
  let rows: CsvRow[];
  if (Array.isArray(doc)) {
    if (doc.length === 0) throw inputError(`${name}: the JSON array holds no records`, { file: name, line: 1 });
    const first = doc[0];
    if (first === null || typeof first !== 'object' || Array.isArray(first)) {
      throw inputError(`${name}:${lineOf(0)}: record 1 is not an object; expected an array of flat objects or {"columns": [...], "rows": [[...]]}`, { file: name, line: lineOf(0) });
    }
    columns = Object.keys(first);
    const index = new Map(columns.map((c, j) => [c, j]));
    rows = doc.map((rec, i) => ({ cells: objectToCells(rec, columns, index, name, lineOf(i), `record ${i + 1}`), line: lineOf(i) }));
  } else if (doc !== null && typeof doc === 'object' && Array.isArray((doc as { columns?: unknown }).columns) && Array.isArray((doc as { rows?: unknown }).rows)) {
    const d = doc as { columns: unknown[]; rows: unknown[] };
    columns = d.columns.map((c, j) => {
      if (typeof c !== 'string') throw inputError(`${name}: "columns" entry ${j + 1} is not a string`, { file: name, field: 'columns' });
      return c;
    });
    rows = d.rows.map((r, i) => {
      const line = lineOf(i);
      if (!Array.isArray(r)) throw inputError(`${name}:${line}: row ${i + 1} is not an array`, { file: name, line, field: 'rows' });
      if (r.length !== columns.length) {
        throw inputError(`${name}:${line}: row ${i + 1} has ${r.length} values, expected ${columns.length} (one per column)`, { file: name, line });
      }
      return { cells: r.map((v, j) => cellText(v, name, line, columns[j])), line };
    });
  } else {
    throw inputError(`${name}: expected an array of flat objects or {"columns": [...], "rows": [[...]]}`, { file: name, line: 1 });
  }
  return { columns, rows: (async function* () { yield* rows; })() };
}

async function readJsonLines(file: string, opts: JsonReadOptions): Promise<JsonTable> {
  const name = opts.displayName ?? file;
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  let bytes = 0;
  stream.on('data', (chunk) => { bytes += chunk.length; opts.onBytes?.(bytes); });
  // Strictly decoded lines: an invalid byte fails the import naming its line instead of becoming U+FFFD.
  const decoder = new StrictTextDecoder(name, opts.encoding);
  let decodeError: unknown = null;
  const decoded = new PassThrough({ encoding: 'utf8' });
  stream.on('data', (chunk) => {
    if (decodeError) return;
    try {
      if (!decoded.write(decoder.write(chunk as Buffer))) {
        stream.pause();
        decoded.once('drain', () => stream.resume());
      }
    } catch (err) {
      decodeError = err;
      stream.destroy();
      decoded.end();
    }
  });
  stream.on('end', () => {
    try {
      decoded.end(decoder.end());
    } catch (err) {
      decodeError = err;
      decoded.end();
    }
  });
  stream.on('error', (err) => decoded.destroy(err));
  const rl = createInterface({ input: decoded, crlfDelay: Infinity });
  const it = rl[Symbol.asyncIterator]();
  let lineNo = 0;

  const parseLine = (text: string, line: number): unknown => {
    try {
      return JSON.parse(text);
    } catch (err) {
      return parseError(name, text, err, line);
    }
  };

  // The first non-blank line fixes the columns.
  let columns: string[] | null = null;
  let index = new Map<string, number>();
  let firstRow: CsvRow | null = null;
  const close = () => { rl.close(); stream.destroy(); };
  try {
    for (;;) {
      const r = await it.next();
      if (decodeError) throw decodeError;
      if (r.done) break;
      lineNo++;
      let text = r.value;
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim() === '') continue;
      const obj = parseLine(text, lineNo);
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
        throw inputError(`${name}:${lineNo}: record is not an object`, { file: name, line: lineNo });
      }
      columns = Object.keys(obj);
      index = new Map(columns.map((c, j) => [c, j]));
      firstRow = { cells: objectToCells(obj, columns, index, name, lineNo, 'record'), line: lineNo };
      break;
    }
  } catch (err) {
    close();
    throw err;
  }
  if (!columns || !firstRow) {
    close();
    throw inputError(`${name}: the file is empty`, { file: name });
  }
  const cols = columns;
  const first = firstRow;
  async function* rest(): AsyncGenerator<CsvRow> {
    try {
      yield first;
      for (;;) {
        const r = await it.next();
        if (decodeError) throw decodeError;
        if (r.done) break;
        lineNo++;
        if (r.value.trim() === '') continue;
        const obj = parseLine(r.value, lineNo);
        yield { cells: objectToCells(obj, cols, index, name, lineNo, 'record'), line: lineNo };
      }
    } finally {
      close();
    }
  }
  return { columns: cols, rows: rest() };
}

export function readJsonTable(file: string, opts: JsonReadOptions = {}): Promise<JsonTable> {
  return isJsonLinesFile(file) ? readJsonLines(file, opts) : readJsonDocument(file, opts);
}
