import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ImportInputError, type ImportedTable } from '@lamina/plugin-sdk';
import { runImporter } from '@lamina/plugin-sdk/testing';
import plugin from '../src/index';
import { importInteractions } from '../src/importer';

const dir = mkdtempSync(join(tmpdir(), 'lamina-rec-import-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const logger = { info: () => {}, warn: () => {}, error: () => {} };
const load = (path: string, options: Record<string, unknown> = {}) => importInteractions(path, { options, logger });
const thrown = (fn: () => unknown): ImportInputError => {
  try {
    fn();
  } catch (e) {
    return e as ImportInputError;
  }
  throw new Error('did not throw');
};

// 4 users × a few items, times increasing with the row.
const ratings = ['userId,movieId,rating,timestamp', ...[
  [1, 10, 4], [1, 11, 5], [1, 12, 2], [1, 13, 3], [2, 10, 5], [2, 12, 1], [2, 14, 4], [3, 11, 3], [3, 13, 4], [3, 14, 5], [4, 10, 2], [4, 15, 4],
].map(([u, i, r], k) => `${u},${i},${r},${1000 + k}`)].join('\n');

describe('interactions importer', () => {
  it('guesses user, item, rating and timestamp columns and reports a summary', async () => {
    const t = (await runImporter(plugin, 'interactions', file('r.csv', ratings))) as ImportedTable;
    expect(t.columns).toEqual(['user_index', 'item_index', 'timestamp', 'value']);
    const info = (t as ReturnType<typeof load>).interactions;
    expect(info.implicit).toBe(false);
    expect(info.userIds).toEqual(['1', '2', '3', '4']);
    expect(info.itemIds).toEqual(['10', '11', '12', '13', '14', '15']);
    expect(info.summary).toMatchObject({ users: 4, items: 6, interactions: 12, duplicates: 0 });
    expect(info.summary.density).toBeCloseTo(12 / 24, 10);
    expect(info.summary.ratingHistogram).toEqual({ 1: 1, 2: 2, 3: 2, 4: 4, 5: 3 });
    expect(info.summary.itemPopularity).toEqual([3, 2, 2, 2, 2, 1]);
  });

  it('explicit column names, TSV and JSON lines read the same', () => {
    const tsv = load(file('r.tsv', 'who\twhat\tstars\nA\tx\t3\nB\tx\t4\n'), { user: 'who', item: 'what', rating: 'stars' });
    expect(tsv.rows).toEqual([[0, 0, 0, 3], [1, 0, 0, 4]]);
    const jsonl = load(file('r.jsonl', '{"user":"A","item":"x","rating":3}\n{"user":"B","item":"x","rating":4}\n'));
    expect(jsonl.rows).toEqual(tsv.rows);
    const ml1m = load(file('r.dat', 'user::item::rating\n1::7::5\n'));
    expect(ml1m.rows).toEqual([[0, 0, 0, 5]]);
  });

  it('joins item titles from a metadata file; items without one get null', () => {
    const meta = file('movies.csv', 'movieId,title,genres\n10,"Heat, the film",Action\n11,Alien,Horror\n');
    const t = load(file('r.csv', ratings), { items: meta });
    expect(t.interactions.itemTitles!.slice(0, 3)).toEqual(['Heat, the film', 'Alien', null]);
  });

  it('implicit: a threshold keeps ratings ≥ T as positives and counts the rest', () => {
    const t = load(file('r.csv', ratings), { threshold: 4 });
    expect(t.interactions.implicit).toBe(true);
    expect(t.rows.every((r) => r[3] === 1)).toBe(true);
    expect(t.rows.length).toBe(7);
    expect(t.interactions.summary.belowThreshold).toBe(5);
  });

  it('duplicate (user, item) rows: the last one is kept, and they are counted', () => {
    const t = load(file('d.csv', 'user,item,rating\na,x,1\na,y,2\na,x,5\n'));
    expect(t.rows).toEqual([[0, 0, 0, 5], [0, 1, 0, 2]]);
    expect(t.interactions.summary.duplicates).toBe(1);
  });

  it('bad input fails with file, line and column', () => {
    const e = thrown(() => load(file('bad.csv', 'user,item,rating\na,x,4\nb,y,lots\n')));
    expect(e.name).toBe('ImportInputError');
    expect(e.message).toMatch(/bad\.csv:3:3: .*"lots", not a number/);
    expect(e.location).toMatchObject({ line: 3, column: 3 });
    const empty = thrown(() => load(file('empty-user.csv', 'user,item,rating\na,x,4\n,y,3\n')));
    expect(empty.message).toMatch(/empty-user\.csv:3:1: the user column "user" is empty/);
    expect(thrown(() => load(file('cols.csv', 'a,b\n1,2\n'))).message).toMatch(/cannot tell which column holds the user/);
    expect(thrown(() => load(file('r.csv', ratings), { user: 'nobody' })).message).toMatch(/no column "nobody"/);
    expect(thrown(() => load(file('nots.csv', 'user,item\na,x\n'), { 'split-method': 'temporal' })).message).toMatch(/temporal split needs a timestamp/);
  });

  it('splits: random is seeded; temporal never trains on the future; leave-last-out holds out each user\'s last', () => {
    const path = file('r.csv', ratings);
    const a = load(path, { seed: 7 }).interactions.split, b = load(path, { seed: 7 }).interactions.split;
    expect(a).toEqual(b);
    expect(load(path, { seed: 8 }).interactions.split).not.toEqual(a);

    const temporal = load(path, { 'split-method': 'temporal', split: [0.5, 0.25, 0.25] });
    const ts = (code: number) => temporal.rows.filter((_, r) => temporal.interactions.split[r] === code).map((row) => Number(row[2]));
    expect(Math.max(...ts(0))).toBeLessThan(Math.min(...ts(1)));
    expect(Math.max(...ts(1))).toBeLessThan(Math.min(...ts(2)));
    // user 4 (index 3) appears only after the cut: counted as unseen, not an error
    expect(temporal.interactions.summary.unseenUsers.test + temporal.interactions.summary.unseenUsers.validation).toBeGreaterThan(0);

    const llo = load(path, { 'split-method': 'leave-last-out' });
    for (let u = 0; u < 4; u++) {
      const rows = llo.rows.map((row, r) => ({ row, s: llo.interactions.split[r] })).filter((x) => x.row[0] === u);
      const last = rows.reduce((m, x) => (Number(x.row[2]) > Number(m.row[2]) ? x : m));
      expect(last.s).toBe(2);
    }
    const perUser = load(path, { 'split-method': 'user' });
    for (let u = 0; u < 4; u++) expect(perUser.rows.some((row, r) => row[0] === u && perUser.interactions.split[r] === 0)).toBe(true);
  });
});
