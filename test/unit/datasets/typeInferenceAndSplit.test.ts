import { describe, expect, it } from 'vitest';
import { assignSplits, splitCounts, validateSplitFractions } from '../../../src-main/core/datasets/split';
import { trainStats } from '../../../src-main/core/datasets/normalisation';
import { ColumnAccumulator, MAX_CATEGORIES, assertNumericColumn, naturalCompare, parseNumber } from '../../../src-main/core/datasets/typeInference';
import { LaminaError } from '../../../src-main/core/util/errors';

describe('parseNumber', () => {
  it('accepts decimal numbers and rejects everything else', () => {
    for (const [s, v] of [['1', 1], ['-2.5', -2.5], ['+3', 3], ['.5', 0.5], ['1e-3', 0.001], ['1e+21', 1e21], [' 7 ', 7], ['5.', 5]] as const) {
      expect(parseNumber(s)).toBe(v);
    }
    for (const s of ['', ' ', 'abc', '0x10', 'Infinity', '-Infinity', 'NaN', '1,5', '12abc', '1e', '-']) {
      expect(parseNumber(s)).toBeNaN();
    }
  });
});

describe('parseNumber fast path', () => {
  it('gives exactly what Number() gives for plain decimals of every length', () => {
    let seed = 99;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let k = 0; k < 5000; k++) {
      const intDigits = Math.floor(rand() * 12);
      const fracDigits = Math.floor(rand() * 14);
      let s = rand() < 0.3 ? '-' : '';
      for (let d = 0; d < intDigits; d++) s += Math.floor(rand() * 10);
      if (fracDigits || !intDigits) s += '.' + Array.from({ length: Math.max(1, fracDigits) }, () => Math.floor(rand() * 10)).join('');
      expect(Object.is(parseNumber(s), Number(s))).toBe(true);
    }
    for (const s of ['0.1', '0.3', '123456789012345.6', '9007199254740993', '1.7976931348623157', '0.000000000000000000000001']) {
      expect(parseNumber(s)).toBe(Number(s));
    }
  });
});

describe('naturalCompare', () => {
  it('orders digits by value and text by code point', () => {
    expect(['10', '2', '1', '9'].sort(naturalCompare)).toEqual(['1', '2', '9', '10']);
    expect(['img10', 'img2', 'img1'].sort(naturalCompare)).toEqual(['img1', 'img2', 'img10']);
    expect(['b', 'a', 'B'].sort(naturalCompare)).toEqual(['B', 'a', 'b']);
  });
});

describe('ColumnAccumulator', () => {
  it('is numeric when most non-empty cells are numbers, categorical otherwise; counts missing', () => {
    const num = new ColumnAccumulator('n', 0);
    ['1', '', '2', 'x', '3'].forEach((c, i) => num.add(c, i + 2));
    expect(num.type).toBe('number');
    expect(num.missing).toBe(1);
    expect(num.firstNonNumeric).toEqual({ line: 5, value: 'x' });
    const cat = new ColumnAccumulator('c', 1);
    ['red', '1', 'blue', '', 'red'].forEach((c, i) => cat.add(c, i + 2));
    expect(cat.type).toBe('category');
    expect(cat.categories()).toEqual(['red', '1', 'blue']);
    expect([...cat.categoryCodes()]).toEqual([0, 1, 2, -1, 0]);
  });

  it('calls a categorical column with too many distinct values text', () => {
    const c = new ColumnAccumulator('id', 0);
    for (let i = 0; i <= MAX_CATEGORIES + 5; i++) c.add(`id-${i}`, i + 2);
    expect(c.type).toBe('text');
  });

  it('names file, line, column number and column name for a non-numeric cell in a numeric feature', () => {
    const c = new ColumnAccumulator('width', 2);
    ['1', '2', 'wide', '4'].forEach((v, i) => c.add(v, i + 2));
    let err: unknown;
    try { assertNumericColumn(c, 'data.csv', 'feature'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(LaminaError);
    const e = err as LaminaError;
    expect(e.location).toMatchObject({ file: 'data.csv', line: 4, column: 3, field: 'width' });
    expect(e.message).toContain('data.csv:4:3');
    expect(e.message).toContain('"width"');
    expect(e.message).toContain('"wide"');
  });
});

describe('split', () => {
  it('validates fractions', () => {
    expect(validateSplitFractions([0.8, 0.1, 0.1])).toEqual([0.8, 0.1, 0.1]);
    expect(validateSplitFractions([1, 0, 0])).toEqual([1, 0, 0]);
    for (const bad of [[0.5, 0.5, 0.5], [0.7, 0.4, -0.1], [0.7, 0.3], [0, 0.5, 0.5], [NaN, 0.5, 0.5], 'x']) {
      expect(() => validateSplitFractions(bad)).toThrow(/invalid split/);
    }
    try { validateSplitFractions([0.6, 0.6, 0.1]); } catch (e) { expect((e as LaminaError).location.field).toBe('split'); }
  });

  it('is deterministic per seed, differs across seeds, and keeps the class balance in every split', () => {
    const n = 1000;
    // Imbalanced: 80% class 0, 15% class 1, 5% class 2.
    const strata = Int32Array.from({ length: n }, (_, i) => (i % 20 === 0 ? 2 : i % 20 < 4 ? 1 : 0));
    const a = assignSplits(n, [0.7, 0.15, 0.15], 7, strata);
    const b = assignSplits(n, [0.7, 0.15, 0.15], 7, strata);
    const c = assignSplits(n, [0.7, 0.15, 0.15], 8, strata);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    expect(splitCounts(a)).toEqual({ train: 700, validation: 150, test: 150 });
    for (const code of [0, 1, 2]) {
      const rows = [...a.keys()].filter((i) => a[i] === code);
      const share = (k: number) => rows.filter((i) => strata[i] === k).length / rows.length;
      expect(share(0)).toBeCloseTo(0.8, 2);
      expect(share(1)).toBeCloseTo(0.15, 2);
      expect(share(2)).toBeCloseTo(0.05, 2);
    }
  });

  it('shuffles rather than cutting in file order', () => {
    const s = assignSplits(100, [0.7, 0.15, 0.15], 1, null);
    expect(splitCounts(s)).toEqual({ train: 70, validation: 15, test: 15 });
    expect([...s.subarray(0, 70)].every((v) => v === 0)).toBe(false);
  });
});

describe('trainStats', () => {
  it('uses train rows only, ignores missing, and stores std 0 as 1', () => {
    const split = Uint8Array.from([0, 0, 0, 1, 2]);
    expect(trainStats(Float64Array.from([1, 3, NaN, 100, -100]), split)).toEqual({ mean: 2, std: 1, min: 1, max: 3, count: 2 });
    expect(trainStats(Float64Array.from([5, 5, 5, 1, 1]), split)).toMatchObject({ mean: 5, std: 1 });
  });
});

describe('split of many small classes', () => {
  it('keeps every class within one row of its exact share, and the totals within one row of the fractions', () => {
    const sizes = [1, 2, 3, 4, 5, 7, 11, 13, 1, 2, 30];
    const strata = Int32Array.from(sizes.flatMap((s, k) => Array<number>(s).fill(k)));
    const f: [number, number, number] = [0.6, 0.25, 0.15];
    const split = assignSplits(strata.length, f, 3, strata);
    const totals = splitCounts(split);
    const n = strata.length;
    expect(Math.abs(totals.train - n * f[0])).toBeLessThan(1);
    expect(Math.abs(totals.validation - n * f[1])).toBeLessThan(1);
    expect(Math.abs(totals.test - n * f[2])).toBeLessThan(1);
    sizes.forEach((size, k) => {
      for (const s of [0, 1, 2]) {
        const got = [...split.keys()].filter((i) => strata[i] === k && split[i] === s).length;
        expect(Math.abs(got - size * f[s])).toBeLessThanOrEqual(1);
      }
    });
  });
});

describe('split: randomised class sizes and fractions', () => {
  it('always keeps each class within one row of its share per split and the totals at the apportioned counts', async () => {
    const { createRng } = await import('../../../src-main/core/util/random');
    const { apportion } = await import('../../../src-main/core/datasets/split');
    const rng = createRng(123);
    for (let trial = 0; trial < 300; trial++) {
      const k = 1 + Math.floor(rng.next() * 12);
      const sizes = Array.from({ length: k }, () => 1 + Math.floor(rng.next() * 40));
      const a = 0.05 + rng.next() * 0.9;
      const b = rng.next() * (1 - a);
      const f: [number, number, number] = [a, b, 1 - a - b];
      const strata = Int32Array.from(sizes.flatMap((s, c) => Array<number>(s).fill(c)));
      const split = assignSplits(strata.length, f, trial, strata);
      const counts = sizes.map(() => [0, 0, 0]);
      for (let i = 0; i < strata.length; i++) counts[strata[i]][split[i]]++;
      sizes.forEach((size, c) => [0, 1, 2].forEach((s) => expect(Math.abs(counts[c][s] - size * f[s])).toBeLessThan(1 + 1e-9)));
      const t = splitCounts(split);
      expect([t.train, t.validation, t.test]).toEqual(apportion(strata.length, f));
    }
  });
});
