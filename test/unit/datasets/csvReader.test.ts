import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvRows, sniffDelimiter, type CsvRow } from '../../../src-main/core/datasets/csvReader';
import { LaminaError } from '../../../src-main/core/util/errors';

const fixtures = resolve(__dirname, '../../fixtures/datasets');
const tmp = mkdtempSync(join(tmpdir(), 'lamina-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function rows(file: string, delimiter?: string, chunkSize?: number): Promise<CsvRow[]> {
  const out: CsvRow[] = [];
  for await (const r of readCsvRows(file, { delimiter, chunkSize })) out.push(r);
  return out;
}

function write(name: string, text: string | Buffer): string {
  const f = join(tmp, name);
  writeFileSync(f, text);
  return f;
}

/** Reference: a whole-string RFC 4180 parse, to check the streaming parser against on big inputs. */
function naiveParse(text: string, d: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === d) { row.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') continue;
    else if (c === '\n') { row.push(field); out.push(row); row = []; field = ''; }
    else field += c;
  }
  if (field || row.length) { row.push(field); out.push(row); }
  // Blank lines are not records.
  return out.filter((r) => !(r.length === 1 && r[0] === ''));
}

describe('readCsvRows', () => {
  it('parses quoted fields with delimiters, doubled quotes and embedded newlines, with the line each record starts on', async () => {
    const r = await rows(join(fixtures, 'quoted.csv'));
    expect(r.map((x) => x.line)).toEqual([1, 2, 4, 5, 8, 9, 10]);
    expect(r[1].cells).toEqual(['Smith, John', 'said "hi"\nthen left', '1.5', 'a']);
    expect(r[3].cells).toEqual(['Bob', 'multi\nline\nnote', '3', 'a']);
    expect(r[4].cells).toEqual(['Amy', 'x,y', '4', 'b']);
    expect(r[5].cells).toEqual(['Eve', '', '5', 'a']);
    expect(r[6].cells).toEqual(['Max', '', '6', 'b']);
  });

  it('strips a UTF-8 BOM, handles CRLF and sniffs a semicolon delimiter', async () => {
    const r = await rows(join(fixtures, 'semicolon-bom-crlf.csv'));
    expect(r[0]).toEqual({ cells: ['a', 'b', 'label'], line: 1 });
    expect(r[1]).toEqual({ cells: ['1.5', '2', 'x'], line: 2 });
    expect(r).toHaveLength(5);
  });

  it('takes tab from a .tsv extension and keeps commas inside cells', async () => {
    const f = write('t.tsv', 'a,b\tc\n1,2\t3\n');
    expect((await rows(f)).map((x) => x.cells)).toEqual([['a,b', 'c'], ['1,2', '3']]);
  });

  it('skips blank lines but counts them, handles lone CR and a missing final newline', async () => {
    const f = write('blank.csv', 'a,b\n\n1,2\r\r\n3,4\r5,6');
    const r = await rows(f);
    expect(r.map((x) => [x.line, ...x.cells])).toEqual([[1, 'a', 'b'], [3, '1', '2'], [5, '3', '4'], [6, '5', '6']]);
  });

  it('reports an unterminated quote with the file and the line it opened on', async () => {
    const file = join(fixtures, 'unterminated-quote.csv');
    const err = await rows(file).catch((e) => e);
    expect(err).toBeInstanceOf(LaminaError);
    expect(err.kind).toBe('input');
    expect(err.location).toMatchObject({ file, line: 3 });
    expect(err.message).toContain(`${file}:3`);
    expect(err.message).toMatch(/unterminated/);
  });

  it('rejects text after a closing quote, naming line and column', async () => {
    const f = write('after.csv', 'a,b\n1,"x"y\n');
    const err = await rows(f).catch((e) => e);
    expect(err.location).toMatchObject({ file: f, line: 2, column: 2 });
  });

  it('matches a whole-string parse on a multi-chunk file with quotes, newlines and multi-byte text across chunk edges', async () => {
    const parts: string[] = ['id,text,value\n'];
    for (let i = 0; i < 20000; i++) {
      const t = i % 7 === 0 ? `"line ${i}\nnext ""q"" é€😀, done"` : i % 5 === 0 ? `"é€😀${i}"` : `plain${i}`;
      parts.push(`${i},${t},${(i * 0.25).toFixed(2)}\n`);
    }
    const text = parts.join('');
    const f = write('big.csv', text);
    const r = await rows(f);
    expect(r.map((x) => x.cells)).toEqual(naiveParse(text, ','));
    // Lines: each record starts one line after the previous one ends.
    let line = 1;
    for (const x of r) {
      expect(x.line).toBe(line);
      line += 1 + x.cells.join(',').split('\n').length - 1;
    }
  });

  it('gives the same rows and lines whatever the chunk size (quotes, CRLF and multi-byte characters split across reads)', async () => {
    const text = 'a,b,c\r\n"x ""y""\r\nz",\u00e9\u20ac\u{1F600},1\r\n"",",",""""\r\n"q"\r\n\r\nlast,"\u{1F600}\n",2';
    const f = write('edges.csv', text);
    const expected = naiveParse(text, ',');
    const reference = await rows(f);
    expect(reference.map((x) => x.cells)).toEqual(expected);
    expect(reference.map((x) => x.line)).toEqual([1, 2, 4, 5, 7]);
    for (const size of [1, 2, 3, 5, 7, 11]) {
      expect(await rows(f, undefined, size)).toEqual(reference);
    }
  });

  it('sniffs the delimiter from the header line only, ignoring quoted text', () => {
    expect(sniffDelimiter('a\tb\tc\n1,2,3')).toBe('\t');
    expect(sniffDelimiter('"x,y,z";b;c\n')).toBe(';');
    expect(sniffDelimiter('single\n1')).toBe(',');
  });
});
