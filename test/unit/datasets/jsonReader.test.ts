import { resolve, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonTable } from '../../../src-main/core/datasets/jsonReader';
import { LaminaError } from '../../../src-main/core/util/errors';

const fixtures = resolve(__dirname, '../../fixtures/datasets');

async function read(name: string) {
  const t = await readJsonTable(join(fixtures, name));
  const rows = [];
  for await (const r of t.rows) rows.push(r);
  return { columns: t.columns, rows };
}

async function failure(name: string): Promise<LaminaError> {
  const e = await read(name).then(() => null, (err) => err);
  expect(e).toBeInstanceOf(LaminaError);
  return e as LaminaError;
}

describe('readJsonTable', () => {
  it('reads an array of flat objects with the line of each record; null/absent → empty', async () => {
    const t = await read('records.json');
    expect(t.columns).toEqual(['x1', 'x2', 'flag', 'y']);
    expect(t.rows[0]).toEqual({ cells: ['1.5', '10', 'true', 'cat'], line: 2 });
    expect(t.rows[1].cells).toEqual(['2.5', '', 'false', 'dog']);
    expect(t.rows[3]).toEqual({ cells: ['4.5', '40', '', 'dog'], line: 5 });
  });

  it('reads {columns, rows}', async () => {
    const t = await read('columns-rows.json');
    expect(t.columns).toEqual(['x1', 'x2', 'y']);
    expect(t.rows.map((r) => r.line)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(t.rows[4].cells).toEqual(['5', '6', '4.125']);
  });

  it('streams JSON Lines, skipping blank lines but counting them', async () => {
    const t = await read('records.jsonl');
    expect(t.columns).toEqual(['x1', 'x2', 'y']);
    expect(t.rows.map((r) => r.line)).toEqual([1, 2, 4, 5, 6, 7]);
  });

  it('names file, line and column of malformed JSON', async () => {
    const e = await failure('malformed.json');
    expect(e.location).toMatchObject({ file: join(fixtures, 'malformed.json'), line: 4 });
    expect(e.message).toMatch(/malformed\.json:4:\d+: malformed JSON/);
    const l = await failure('malformed.jsonl');
    expect(l.location).toMatchObject({ file: join(fixtures, 'malformed.jsonl'), line: 3 });
  });

  it('names the record line and the key of a nested value or an unexpected key', async () => {
    const n = await failure('nested.json');
    expect(n.location).toMatchObject({ line: 3, column: 'a' });
    expect(n.message).toContain('"a"');
    const k = await failure('extra-key.jsonl');
    expect(k.location).toMatchObject({ line: 3, column: 'z' });
  });
});
