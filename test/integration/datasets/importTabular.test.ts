import { readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetMeta } from '../../../src-main/core/domain';
import { readColumnarFile } from '../../../src-main/core/datasets/columnarFile';
import { importDataset } from '../../../src-main/core/datasets/importDataset';
import { loadDatasetTensors, selectSplit, verifyDatasetFile } from '../../../src-main/core/datasets/loadDataset';
import { classBalance, previewDataset } from '../../../src-main/core/datasets/preview';
import type { WorkspacePaths } from '../../../src-main/core/workspace/workspace';
import { expectNothingLeft, fixtures, importFailure, makeWorkspace, removeWorkspaces, sharedDatasets } from './workspaceHelpers';

afterAll(removeWorkspaces);

const iris = join(sharedDatasets, 'iris.csv');
const fileOf = (paths: WorkspacePaths, meta: DatasetMeta) => join(paths.root, meta.file);

/** Every split within one row of its exact share, overall and per class. */
async function expectStratified(paths: WorkspacePaths, meta: DatasetMeta, fractions = [0.7, 0.15, 0.15]) {
  const n = meta.rows;
  expect(meta.splits.train + meta.splits.validation + meta.splits.test).toBe(n);
  (['train', 'validation', 'test'] as const).forEach((s, k) => expect(Math.abs(meta.splits[s] - n * fractions[k])).toBeLessThan(1));
  const balance = await classBalance(fileOf(paths, meta), meta);
  expect(balance.classes).toEqual(meta.classes);
  meta.classes.forEach((_, c) => {
    const total = balance.counts.train[c] + balance.counts.validation[c] + balance.counts.test[c];
    (['train', 'validation', 'test'] as const).forEach((s, k) => expect(Math.abs(balance.counts[s][c] - total * fractions[k])).toBeLessThanOrEqual(1));
  });
}

/** Train-split features are normalised to mean ≈ 0, std ≈ 1 (non-constant columns). */
function expectNormalisedTrain(x: Float32Array, n: number, width: number) {
  for (let j = 0; j < width; j++) {
    let sum = 0, sq = 0;
    for (let i = 0; i < n; i++) { const v = x[i * width + j]; sum += v; sq += v * v; }
    const mean = sum / n;
    const std = Math.sqrt(sq / n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    if (std > 1e-6) expect(std).toBeCloseTo(1, 3);
  }
}

describe('importDataset: real datasets', () => {
  it('imports iris: rows, classes, shape, stratified splits, train-normalised tensors, a verifiable hash', async () => {
    const paths = makeWorkspace();
    const phases: string[] = [];
    let lastRead = { done: 0, total: 0 as number | null };
    const meta = await importDataset(iris, {
      id: 'iris1',
      onProgress: (p) => { phases.push(p.phase); if (p.phase === 'read') lastRead = p; },
    }, paths);
    expect(meta).toMatchObject({
      id: 'iris1', name: 'iris', kind: 'tabular', source: iris, rows: 150, target: 'species', task: 'classification',
      classes: ['setosa', 'versicolor', 'virginica'], inputShape: [4], splitSeed: 42, file: 'datasets/iris1.arrow',
      features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    });
    expect(meta.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(meta.bytes).toBe(statSync(fileOf(paths, meta)).size);
    expect(Number.isNaN(Date.parse(meta.createdAt))).toBe(false);
    expect(meta.columns.map((c) => [c.name, c.type])).toEqual([
      ['sepal_length', 'number'], ['sepal_width', 'number'], ['petal_length', 'number'], ['petal_width', 'number'], ['species', 'category'],
    ]);
    expect(phases[0]).toBe('read');
    expect(phases).toContain('write');
    expect(phases.at(-1)).toBe('done');
    expect(lastRead.done).toBe(statSync(iris).size);
    expect(lastRead.total).toBe(statSync(iris).size);
    await expectStratified(paths, meta);

    const t = await loadDatasetTensors(fileOf(paths, meta), meta);
    expect(t.n).toBe(150);
    expect(t.inputShape).toEqual([4]);
    expect(t.x.length).toBe(600);
    expect(new Set(t.y)).toEqual(new Set([0, 1, 2]));
    const train = selectSplit(t, 'train');
    expect(train.n).toBe(meta.splits.train);
    expectNormalisedTrain(train.x, train.n, 4);
    // Row 0 of the file is 5.1,3.5,1.4,0.2,setosa.
    const sl = meta.columns[0];
    expect(t.x[0]).toBeCloseTo((5.1 - sl.mean!) / sl.std!, 5);
    expect(t.y[0]).toBe(0);
    expect(selectSplit(t, 'validation').n + selectSplit(t, 'test').n + train.n).toBe(150);

    expect(await verifyDatasetFile(fileOf(paths, meta), meta.hash)).toBe(true);
    expect(await verifyDatasetFile(fileOf(paths, meta), '0'.repeat(64))).toBe(false);
    expect(await verifyDatasetFile(join(paths.datasets, 'nope.arrow'), meta.hash)).toBe(false);
    expect(statSync(paths.tmp).isDirectory()).toBe(true);
  });

  it('gives the same bytes for the same data and seed, and a different split and hash for another seed', async () => {
    const paths = makeWorkspace();
    const a = await importDataset(iris, { id: 'a', seed: 7 }, paths);
    const b = await importDataset(iris, { id: 'b', seed: 7 }, paths);
    const c = await importDataset(iris, { id: 'c', seed: 8 }, paths);
    expect(b.hash).toBe(a.hash);
    expect(readFileSync(fileOf(paths, b)).equals(readFileSync(fileOf(paths, a)))).toBe(true);
    expect(c.hash).not.toBe(a.hash);
    const sa = (await loadDatasetTensors(fileOf(paths, a), a)).split;
    const sc = (await loadDatasetTensors(fileOf(paths, c), c)).split;
    expect(Buffer.from(sa).equals(Buffer.from(sc))).toBe(false);
  });

  it('imports digits: 10 integer classes in numeric order, 64 features, constant columns kept with std 1', async () => {
    const paths = makeWorkspace();
    const meta = await importDataset(join(sharedDatasets, 'digits-8x8.csv'), { id: 'digits' }, paths);
    expect(meta.rows).toBe(1797);
    expect(meta.task).toBe('classification');
    expect(meta.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(meta.inputShape).toEqual([64]);
    expect(meta.target).toBe('digit');
    await expectStratified(paths, meta);
    const p0 = meta.columns.find((c) => c.name === 'p0')!;
    expect(p0).toMatchObject({ type: 'number', min: 0, max: 0, std: 1, missing: 0 });
    const t = await loadDatasetTensors(fileOf(paths, meta), meta);
    expect(t.x.every((v) => Number.isFinite(v))).toBe(true);
    const train = selectSplit(t, 'train');
    expectNormalisedTrain(train.x, train.n, 64);
  });

  it('imports breast cancer with its string labels sorted', async () => {
    const paths = makeWorkspace();
    const meta = await importDataset(join(sharedDatasets, 'breast-cancer-wisconsin.csv'), {}, paths);
    expect(meta.id).toMatch(/^[0-9a-f]{32}$/);
    expect(meta).toMatchObject({ rows: 569, inputShape: [30], classes: ['benign', 'malignant'], target: 'diagnosis' });
    await expectStratified(paths, meta);
    const balance = await classBalance(fileOf(paths, meta), meta);
    const malignant = balance.counts.train[1] + balance.counts.validation[1] + balance.counts.test[1];
    expect(malignant).toBe(212);
  });

  it('takes --target and infers regression for a float target; custom fractions', async () => {
    const paths = makeWorkspace();
    const meta = await importDataset(iris, { id: 'pw', target: 'petal_width', split: [0.8, 0.2, 0] }, paths);
    expect(meta.task).toBe('regression');
    expect(meta.classes).toEqual([]);
    expect(meta.features).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'species=setosa', 'species=versicolor', 'species=virginica']);
    expect(meta.splits).toEqual({ train: 120, validation: 30, test: 0 });
    const t = await loadDatasetTensors(fileOf(paths, meta), meta);
    expect(t.y[0]).toBeCloseTo(0.2, 6);
    // One-hot columns are not normalised.
    expect([t.x[3], t.x[4], t.x[5]]).toEqual([1, 0, 0]);
  });
});

describe('a dataset file changed after import', () => {
  it('is refused by training and preview, naming the file and both hashes', async () => {
    const paths = makeWorkspace();
    const meta = await importDataset(iris, { id: 'iris-damaged' }, paths);
    const file = fileOf(paths, meta);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0xff; // one flipped byte in the middle
    writeFileSync(file, bytes);
    const message = `${file}: the dataset file no longer matches the hash recorded when it was imported (${meta.hash.slice(0, 12)}…`;
    await expect(loadDatasetTensors(file, meta)).rejects.toThrow(message);
    await expect(previewDataset(file, meta, { offset: 0, limit: 5 })).rejects.toThrow(message);
    await expect(classBalance(file, meta)).rejects.toThrow('import the data again');
  });
});

describe('importDataset: formats', () => {
  it('reads a TSV with a space in a header, one-hot encodes a categorical feature with a (missing) category', async () => {
    const paths = makeWorkspace();
    const meta = await importDataset(join(fixtures, 'flowers.tsv'), { id: 'flowers', split: [0.5, 0.25, 0.25] }, paths);
    // "green" occurs only in validation/test rows: it maps to the "(other)" slot, as a new value would.
    expect(meta.features).toEqual(['sepal length', 'colour=red', 'colour=blue', 'colour=(missing)', 'colour=(other)']);
    expect(meta.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(meta.columns.find((c) => c.name === 'colour')).toEqual({ name: 'colour', type: 'category', missing: 1, categories: ['red', 'blue', '(missing)', '(other)'] });
    const t = await loadDatasetTensors(fileOf(paths, meta), meta);
    // Row 4 (5.8, missing colour, virginica).
    expect(Array.from(t.x.subarray(3 * 5 + 1, 3 * 5 + 5))).toEqual([0, 0, 1, 0]);
    const preview = await previewDataset(fileOf(paths, meta), meta, { offset: 2, limit: 3 });
    expect(preview.columns).toEqual(['sepal length', 'colour', 'species']);
    expect(preview.rows).toEqual([[6.3, 'red', 'virginica'], [5.8, null, 'virginica'], [7.1, '(other)', 'virginica']]);
    expect(preview.total).toBe(8);
    expect(preview.splits).toHaveLength(3);
  });

  it('reads a JSON array: booleans as categories, null as missing numbers imputed with the train mean', async () => {
    const paths = makeWorkspace();
    const meta = await importDataset(join(fixtures, 'records.json'), { id: 'rec', split: [0.5, 0.5, 0], seed: 3 }, paths);
    expect(meta.features).toEqual(['x1', 'x2', 'flag=true', 'flag=false', 'flag=(missing)']);
    expect(meta.classes).toEqual(['cat', 'dog']);
    const x2 = meta.columns.find((c) => c.name === 'x2')!;
    expect(x2.missing).toBe(1);
    const t = await loadDatasetTensors(fileOf(paths, meta), meta);
    // Train mean of x2 from the rows the split put in train (row 1 is the missing one).
    const raw = [10, NaN, 30, 40, 50, 60];
    const trainVals = raw.filter((v, i) => t.split[i] === 0 && !Number.isNaN(v));
    expect(x2.mean).toBeCloseTo(trainVals.reduce((a, b) => a + b, 0) / trainVals.length, 9);
    expect(t.x[1 * 5 + 1]).toBe(0); // imputed mean → 0 after normalisation
    const preview = await previewDataset(fileOf(paths, meta), meta, { offset: 0, limit: 10 });
    expect(preview.rows[1]).toEqual([2.5, null, 'false', 'dog']);
    expect(preview.rows[3]).toEqual([4.5, 40, null, 'dog']);
  });

  it('reads {columns, rows} JSON as a regression dataset', async () => {
    const paths = makeWorkspace();
    const meta = await importDataset(join(fixtures, 'columns-rows.json'), { id: 'cr' }, paths);
    expect(meta).toMatchObject({ task: 'regression', features: ['x1', 'x2'], target: 'y', rows: 6 });
    const t = await loadDatasetTensors(fileOf(paths, meta), meta);
    expect(Array.from(t.y)).toEqual([0.5, 1.25, 2.75, 3.5, 4.125, 5.5]);
  });

  it('streams JSON Lines', async () => {
    const paths = makeWorkspace();
    const meta = await importDataset(join(fixtures, 'records.jsonl'), { id: 'jl' }, paths);
    expect(meta).toMatchObject({ rows: 6, task: 'classification', classes: ['a', 'b'], features: ['x1', 'x2'] });
  });

  it('reads quoted CSV with embedded delimiters, quotes and newlines, and previews the original strings', async () => {
    const paths = makeWorkspace();
    const meta = await importDataset(join(fixtures, 'quoted.csv'), { id: 'q' }, paths);
    expect(meta.rows).toBe(6);
    const name = meta.columns.find((c) => c.name === 'name')!;
    // Categories come from the training rows; Eve and Max are only in validation/test: one "(other)" slot.
    expect(name.categories).toEqual(['Smith, John', 'Doe, Jane', 'Bob', 'Amy', '(other)']);
    const note = meta.columns.find((c) => c.name === 'note')!;
    expect(note).toMatchObject({ type: 'category', missing: 2 });
    expect(note.categories).toContain('said "hi"\nthen left');
    expect(meta.features).toContain('note=x,y');
    const preview = await previewDataset(fileOf(paths, meta), meta, { offset: 0, limit: 100 });
    expect(preview.columns).toEqual(['name', 'note', 'size', 'label']);
    expect(preview.rows[0]).toEqual(['Smith, John', 'said "hi"\nthen left', 1.5, 'a']);
    expect(preview.rows[2]).toEqual(['Bob', 'multi\nline\nnote', 3, 'a']);
    expect(preview.rows[4]).toEqual(['(other)', null, 5, 'a']); // Eve: what the model sees
  });

  it('handles a regression target with missing features, a BOM and CRLF, and numeric-aware integer classes', async () => {
    const paths = makeWorkspace();
    const houses = await importDataset(join(fixtures, 'houses.csv'), { id: 'h' }, paths);
    expect(houses.task).toBe('regression');
    expect(houses.columns.find((c) => c.name === 'area')).toMatchObject({ type: 'number', missing: 2 });
    expect(houses.columns.find((c) => c.name === 'city')).toMatchObject({ type: 'category', missing: 1 });
    expect(houses.columns.at(-1)).toMatchObject({ name: 'price', type: 'number', missing: 0 });

    const semi = await importDataset(join(fixtures, 'semicolon-bom-crlf.csv'), { id: 's', split: [0.5, 0.5, 0] }, paths);
    expect(semi).toMatchObject({ features: ['a', 'b'], classes: ['x', 'y'], rows: 4 });

    // Integer labels 1..12 → classification with classes in numeric order; forced regression also allowed.
    // (f repeats: a 0…47 sequence would be left out as a row number.)
    const lines = ['f,label', ...Array.from({ length: 48 }, (_, i) => `${i % 10},${(i % 12) + 1}`)];
    const f = join(paths.root, 'ints.csv');
    writeFileSync(f, lines.join('\n'));
    const ints = await importDataset(f, { id: 'ints' }, paths);
    expect(ints.task).toBe('classification');
    expect(ints.classes).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
    const t = await loadDatasetTensors(fileOf(paths, ints), ints);
    expect(t.y[9]).toBe(9); // label "10" is class index 9
    const reg = await importDataset(f, { id: 'ints-reg', task: 'regression' }, paths);
    expect(reg.task).toBe('regression');
    // 25 distinct integers → regression unless told otherwise.
    appendFileSync(f, '\n' + Array.from({ length: 13 }, (_, i) => `${i},${i + 13}`).join('\n'));
    expect((await importDataset(f, { id: 'ints2' }, paths)).task).toBe('regression');
    expect((await importDataset(f, { id: 'ints3', task: 'classification' }, paths)).classes).toHaveLength(25);
  });
});

describe('importDataset: errors name the file and line, and leave nothing behind', () => {
  it('ragged row', async () => {
    const paths = makeWorkspace();
    const file = join(fixtures, 'ragged.csv');
    const e = await importFailure(importDataset(file, { id: 'x' }, paths));
    expect(e.kind).toBe('input');
    expect(e.location).toMatchObject({ file, line: 4 });
    expect(e.message).toContain(`${file}:4`);
    expect(e.message).toMatch(/expected 4 columns.*found 3/);
    expectNothingLeft(paths);
  });

  it('non-numeric cell in a numeric feature: line, column number and name', async () => {
    const paths = makeWorkspace();
    const file = join(fixtures, 'non-numeric.csv');
    const e = await importFailure(importDataset(file, { id: 'x' }, paths));
    expect(e.location).toMatchObject({ file, line: 4, column: 2, field: 'b' });
    expect(e.message).toContain(`${file}:4:2`);
    expect(e.message).toContain('column 2 "b"');
    expect(e.message).toContain('"eight"');
    expectNothingLeft(paths);
  });

  it('unknown target lists the columns', async () => {
    const paths = makeWorkspace();
    const e = await importFailure(importDataset(iris, { id: 'x', target: 'colour' }, paths));
    expect(e.message).toContain(iris);
    expect(e.message).toContain('"colour"');
    expect(e.message).toContain('sepal_length, sepal_width, petal_length, petal_width, species');
    expectNothingLeft(paths);
  });

  it('empty file and header-only file', async () => {
    const paths = makeWorkspace();
    const empty = join(fixtures, 'empty.csv');
    const e1 = await importFailure(importDataset(empty, { id: 'x' }, paths));
    expect(e1.message).toContain(empty);
    expect(e1.message).toMatch(/empty/);
    expect(e1.location).toMatchObject({ file: empty, line: 1 });
    const header = join(fixtures, 'header-only.csv');
    const e2 = await importFailure(importDataset(header, { id: 'x' }, paths));
    expect(e2.message).toContain(header);
    expect(e2.message).toMatch(/no data rows/);
    expect(e2.location).toMatchObject({ file: header, line: 2 });
    expectNothingLeft(paths);
  });

  it('unterminated quote', async () => {
    const paths = makeWorkspace();
    const file = join(fixtures, 'unterminated-quote.csv');
    const e = await importFailure(importDataset(file, { id: 'x' }, paths));
    expect(e.location).toMatchObject({ file, line: 3 });
    expect(e.message).toContain(`${file}:3`);
    expectNothingLeft(paths);
  });

  it('bad split fractions', async () => {
    const paths = makeWorkspace();
    for (const split of [[0.7, 0.2, 0.2], [1.2, -0.1, -0.1], [0, 0.5, 0.5]] as [number, number, number][]) {
      const e = await importFailure(importDataset(iris, { id: 'x', split }, paths));
      expect(e.kind).toBe('input');
      expect(e.location.field).toBe('split');
      expect(e.message).toMatch(/invalid split/);
    }
    expectNothingLeft(paths);
  });

  it('malformed JSON and JSON Lines', async () => {
    const paths = makeWorkspace();
    const file = join(fixtures, 'malformed.json');
    const e = await importFailure(importDataset(file, { id: 'x' }, paths));
    expect(e.location).toMatchObject({ file, line: 4 });
    expect(e.message).toContain(`${file}:4:`);
    const lines = join(fixtures, 'malformed.jsonl');
    const e2 = await importFailure(importDataset(lines, { id: 'x' }, paths));
    expect(e2.location).toMatchObject({ file: lines, line: 3 });
    expectNothingLeft(paths);
  });

  it('missing target cell, and regression over a categorical target', async () => {
    const paths = makeWorkspace();
    const file = join(fixtures, 'missing-target.csv');
    const e = await importFailure(importDataset(file, { id: 'x' }, paths));
    expect(e.location).toMatchObject({ file, line: 3, column: 3 });
    expect(e.message).toContain(`${file}:3`);
    const e2 = await importFailure(importDataset(iris, { id: 'x', task: 'regression' }, paths));
    expect(e2.message).toMatch(/regression needs a numeric target/);
    expect(e2.message).toContain('"species"');
    expect(e2.location).toMatchObject({ file: iris, line: 2, column: 5 });
    expectNothingLeft(paths);
  });

  it('unknown importer, missing file, and an existing dataset id', async () => {
    const paths = makeWorkspace();
    expect((await importFailure(importDataset(iris, { importer: 'parquet' }, paths))).kind).toBe('usage');
    const missing = join(paths.root, 'nope.csv');
    expect((await importFailure(importDataset(missing, {}, paths))).message).toContain(missing);
    expectNothingLeft(paths);
    await importDataset(iris, { id: 'same' }, paths);
    expect((await importFailure(importDataset(iris, { id: 'same' }, paths))).kind).toBe('conflict');
    const table = await readColumnarFile(join(paths.datasets, 'same.arrow'));
    expect(table.numRows).toBe(150);
  });
});
