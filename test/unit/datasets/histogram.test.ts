import { describe, expect, it } from 'vitest';
import { histogram, valueCounts } from '../../../src-main/core/datasets/histogram';
import { squareImageSide } from '../../../src-main/core/datasets/imageLike';
import { worstMistakes } from '../../../src-main/core/engine/host/testEvaluation';

describe('histogram', () => {
  it('bins floats into equal-width bins (Sturges), the maximum in the last bin, NaN counted as missing', () => {
    const h = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9.5, NaN]);
    // n = 10 → ⌈log2 10⌉ + 1 = 5 bins of width 1.9
    expect(h.counts).toHaveLength(5);
    expect(h.edges[0]).toBe(0);
    expect(h.edges[5]).toBe(9.5);
    expect(h.counts).toEqual([2, 2, 2, 2, 2]);
    expect(h.missing).toBe(1);
  });
  it('gives small integer ranges one bin per value', () => {
    const h = histogram([0, 0, 16, 3, 3, 3]);
    expect(h.counts).toHaveLength(17);
    expect(h.counts[0]).toBe(2);
    expect(h.counts[3]).toBe(3);
    expect(h.counts[16]).toBe(1);
    expect(h.edges[17]).toBe(17);
  });
  it('handles a constant column and an empty one', () => {
    expect(histogram([2, 2, 2])).toEqual({ edges: [2, 2], counts: [3], missing: 0 });
    expect(histogram([NaN])).toEqual({ edges: [], counts: [], missing: 1 });
  });
  it('counts every value exactly once', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 100);
    expect(histogram(xs).counts.reduce((a, b) => a + b, 0)).toBe(1000);
  });
});

describe('valueCounts', () => {
  it('most frequent first, missing named, the tail folded into (other)', () => {
    expect(valueCounts(['a', 'b', 'a', null])).toEqual([
      { value: 'a', count: 2 },
      { value: 'b', count: 1 },
      { value: '(missing)', count: 1 },
    ]);
    const many = valueCounts(['a', 'a', 'b', 'c', 'd'], 3);
    expect(many).toEqual([
      { value: 'a', count: 2 },
      { value: 'b', count: 1 },
      { value: '(other)', count: 2 },
    ]);
  });
});

describe('squareImageSide', () => {
  const num = (n: number, name = (i: number) => `p${i}`) => ({ kind: 'tabular', features: Array.from({ length: n }, (_, i) => name(i)), columns: Array.from({ length: n }, (_, i) => ({ name: name(i), type: 'number' })) });
  it('sees the 8×8 digits table as 8×8 images and other tables not', () => {
    expect(squareImageSide(num(64))).toBe(8);
    expect(squareImageSide(num(4))).toBeNull();
    expect(squareImageSide(num(63))).toBeNull();
    expect(squareImageSide(num(64, (i) => `feature_${String.fromCharCode(97 + (i % 26))}`))).toBeNull();
    expect(squareImageSide({ ...num(64), kind: 'image' })).toBeNull();
  });
});

describe('worstMistakes', () => {
  it('keeps the wrong predictions, most confident first, with the true class probability', () => {
    const rows = [10, 11, 12, 13];
    const targets = [0, 1, 2, 0];
    const values = [0.9, 0.05, 0.05, 0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.2, 0.1, 0.7];
    const predicted = [0, 0, 2, 2];
    const m = worstMistakes(rows, targets, predicted, values, 3, false);
    expect(m.map((x) => x.row)).toEqual([11, 13]);
    expect(m[0]).toMatchObject({ actual: 1, predicted: 0, confidence: 0.7, actualProbability: 0.2 });
    expect(m[1]!.confidence).toBeCloseTo(0.7);
    expect(worstMistakes(rows, targets, predicted, values, 3, false, 1)).toHaveLength(1);
  });
  it('binary: one sigmoid output p is class 1, class 0 has 1 − p', () => {
    const m = worstMistakes([0, 1], [0, 1], [1, 1], [0.8, 0.9], 1, true);
    expect(m).toHaveLength(1);
    expect(m[0]!.confidence).toBeCloseTo(0.8);
    expect(m[0]!.actualProbability).toBeCloseTo(0.2);
  });
});
