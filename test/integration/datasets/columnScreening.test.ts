import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importDataset, trainCategories } from '../../../src-main/core/datasets/importDataset';
import { loadDatasetTensors } from '../../../src-main/core/datasets/loadDataset';
import { previewDataset } from '../../../src-main/core/datasets/preview';
import { importFailure, makeWorkspace, removeWorkspaces } from './workspaceHelpers';

afterAll(removeWorkspaces);

const WORDS = ['patient', 'reported', 'mild', 'pain', 'after', 'the', 'second', 'visit', 'with', 'no', 'fever', 'noted'];

/**
 * 300 rows as a practitioner's export looks: a row id, a UUID-ish code, a free-text notes column,
 * two real features, a small categorical feature and the label. Before screening, this became
 * 604+ one-hot features (every id and note its own column).
 */
function messyCsv(dir: string): string {
  const lines = ['id,customer_uuid,notes,age,dose,site,label'];
  for (let i = 0; i < 300; i++) {
    const note = Array.from({ length: 6 + (i % 5) }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ') + ` #${i}`;
    const site = ['north', 'south', 'east'][i % 3];
    lines.push([1000 + i, `c-${(i * 7919).toString(16)}`, `"${note}"`, 20 + (i % 50), ((i * 37) % 100) / 10, site, i % 2 ? 'yes' : 'no'].join(','));
  }
  const file = join(dir, 'messy.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('import: identifier and free-text columns', () => {
  it('leaves out an integer row id, a mostly-unique *_uuid column and free text, saying why', async () => {
    const paths = makeWorkspace();
    const meta = await importDataset(messyCsv(paths.root), { id: 'messy' }, paths);
    expect(meta.features).toEqual(['age', 'dose', 'site=north', 'site=south', 'site=east']);
    const why = Object.fromEntries(meta.columns.filter((c) => c.excluded).map((c) => [c.name, c.excluded]));
    expect(Object.keys(why)).toEqual(['id', 'customer_uuid', 'notes']);
    expect(why.id).toMatch(/identifier: named "id"/);
    expect(why.customer_uuid).toMatch(/identifier: named "customer_uuid" and 100% of values unique/);
    expect(why.notes).toMatch(/^free text: \d+ characters per value/);
    // The stored tensors hold only the kept features.
    const t = await loadDatasetTensors(join(paths.root, meta.file), meta);
    expect(t.x.length).toBe(meta.rows * 5);
    // The preview shows the kept features and never reads a left-out column.
    const preview = await previewDataset(join(paths.root, meta.file), meta, { offset: 0, limit: 2 });
    expect(preview.columns).toEqual(['age', 'dose', 'site', 'label']);
  });

  it('detects an integer sequence under any name, but not a numeric measurement that happens to be unique', async () => {
    const paths = makeWorkspace();
    const lines = ['n,weight,y'];
    for (let i = 0; i < 50; i++) lines.push(`${i + 1},${(50 + i * 1.37).toFixed(2)},${i % 2}`);
    const file = join(paths.root, 'seq.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const meta = await importDataset(file, { id: 'seq' }, paths);
    expect(meta.features).toEqual(['weight']);
    expect(meta.columns[0].excluded).toBe('identifier: integer sequence 1…50, one value per row');
  });

  it('--keep-column and --drop-column override the detection; bad names are clear errors that leave nothing', async () => {
    const paths = makeWorkspace();
    const file = messyCsv(paths.root);
    const meta = await importDataset(file, { id: 'kept', keepColumns: ['id'], dropColumns: ['site'] }, paths);
    expect(meta.features).toEqual(['id', 'age', 'dose']);
    expect(meta.columns.find((c) => c.name === 'site')!.excluded).toBe('dropped on request (--drop-column)');
    expect(meta.columns.find((c) => c.name === 'id')!.excluded).toBeUndefined();

    const unknown = await importFailure(importDataset(file, { id: 'bad1', keepColumns: ['nope'] }, paths));
    expect(unknown.message).toContain('--keep-column "nope": no such column; columns are: id, customer_uuid, notes, age, dose, site, label');
    const target = await importFailure(importDataset(file, { id: 'bad2', dropColumns: ['label'] }, paths));
    expect(target.message).toContain('"label" is the target column');
    const both = await importFailure(importDataset(file, { id: 'bad3', keepColumns: ['age'], dropColumns: ['age'] }, paths));
    expect(both.message).toContain('column "age" is both kept and dropped');
  });

  it('a dropped column may hold anything (no numeric check on it)', async () => {
    const paths = makeWorkspace();
    const lines = ['a,b,y'];
    for (let i = 0; i < 30; i++) lines.push(`${i % 7},${i === 5 ? 'oops' : i % 4},${i % 2}`);
    const file = join(paths.root, 'dirty.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    await expect(importDataset(file, { id: 'dirty1' }, paths)).rejects.toThrow(/non-numeric value "oops"/);
    const meta = await importDataset(file, { id: 'dirty2', dropColumns: ['b'] }, paths);
    expect(meta.features).toEqual(['a']);
  });
});

describe('import: categories come from the training rows', () => {
  it('maps a value seen only in validation/test to one "(other)" slot', () => {
    // values: 0 = red, 1 = blue, 2 = violet (only in test), -1 = missing
    const codes = Int32Array.from([0, 1, 0, 2, -1, 1]);
    const split = Uint8Array.from([0, 0, 1, 2, 0, 2]);
    const { categories, slots } = trainCategories(codes, ['red', 'blue', 'violet'], split);
    expect(categories).toEqual(['red', 'blue', '(missing)', '(other)']);
    expect(Array.from(slots)).toEqual([0, 1, 0, 3, 2, 1]);
  });

  it('on import, a category that only occurs outside the training split is never its own feature', async () => {
    const paths = makeWorkspace();
    const lines = ['x,colour,y'];
    // "violet" on one row: with 40 rows and a 0.5/0.25/0.25 split, find where it lands from the stored split.
    for (let i = 0; i < 40; i++) lines.push(`${i % 9},${i === 39 ? 'violet' : i % 2 ? 'red' : 'blue'},${i % 2}`);
    const file = join(paths.root, 'colours.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const meta = await importDataset(file, { id: 'colours', split: [0.5, 0.25, 0.25], seed: 1 }, paths);
    const t = await loadDatasetTensors(join(paths.root, meta.file), meta);
    const violetInTrain = t.split[39] === 0;
    const cats = meta.columns.find((c) => c.name === 'colour')!.categories!;
    if (violetInTrain) expect(cats).toContain('violet');
    else {
      expect(cats).not.toContain('violet');
      expect(cats.at(-1)).toBe('(other)');
    }
  });
});
