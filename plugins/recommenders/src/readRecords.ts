/**
 * Reads an interactions file into header + string cells with the line each record came from:
 * CSV/TSV/other delimited text (delimiter guessed from the header: tab, "::", comma, semicolon, pipe;
 * double-quoted cells) and JSON (an array of objects, or one object per line).
 */
import { readFileSync } from 'node:fs';
import { ImportInputError } from '@lamina/plugin-sdk';

export interface Records {
  columns: string[];
  rows: { cells: string[]; line: number }[];
}

export function readRecords(file: string): Records {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ImportInputError(`${file}: cannot read the file (${(e as Error).message})`, { file });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new ImportInputError(`${file}: the file is empty`, { file, line: 1 });
  const first = text.trimStart()[0];
  return first === '[' || first === '{' ? readJson(file, text) : readDelimited(file, text);
}

function guessDelimiter(header: string): string {
  for (const d of ['\t', '::', ',', ';', '|']) if (header.includes(d)) return d;
  return ',';
}

/** Splits one line; quoted cells may hold the delimiter and "" for a quote (no newlines inside cells). */
function splitLine(line: string, d: string): string[] {
  if (!line.includes('"')) return line.split(d).map((c) => c.trim());
  const out: string[] = [];
  let cell = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (line.startsWith(d, i)) {
      out.push(cell.trim());
      cell = '';
      i += d.length - 1;
    } else cell += ch;
  }
  out.push(cell.trim());
  return out;
}

function readDelimited(file: string, text: string): Records {
  const lines = text.split(/\r?\n/);
  const d = guessDelimiter(lines[0]);
  const columns = splitLine(lines[0], d);
  const rows: Records['rows'] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = splitLine(lines[i], d);
    if (cells.length !== columns.length) {
      throw new ImportInputError(`${file}:${i + 1}: expected ${columns.length} columns (as in the header), found ${cells.length}`, {
        file, line: i + 1, column: Math.min(cells.length, columns.length) + 1,
      });
    }
    rows.push({ cells, line: i + 1 });
  }
  return { columns, rows };
}

function readJson(file: string, text: string): Records {
  let objects: { value: unknown; line: number }[];
  if (text.trimStart()[0] === '[') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new ImportInputError(`${file}: not valid JSON (${(e as Error).message})`, { file });
    }
    // An array's records have no lines of their own: record i is reported as "line" i + 1.
    objects = (parsed as unknown[]).map((value, i) => ({ value, line: i + 1 }));
  } else {
    objects = [];
    text.split(/\r?\n/).forEach((l, i) => {
      if (l.trim() === '') return;
      try {
        objects.push({ value: JSON.parse(l), line: i + 1 });
      } catch (e) {
        throw new ImportInputError(`${file}:${i + 1}: not a JSON object (${(e as Error).message})`, { file, line: i + 1 });
      }
    });
  }
  const columns: string[] = [];
  for (const { value, line } of objects) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ImportInputError(`${file}:${line}: each record must be a JSON object`, { file, line });
    for (const k of Object.keys(value)) if (!columns.includes(k)) columns.push(k);
  }
  const rows = objects.map(({ value, line }) => ({
    cells: columns.map((c) => {
      const v = (value as Record<string, unknown>)[c];
      return v === null || v === undefined ? '' : String(v);
    }),
    line,
  }));
  return { columns, rows };
}
