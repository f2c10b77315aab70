import { describe, expect, it } from 'vitest';
import { downsampleMinMax, type SeriesPoint } from '../../../src-main/core/store/downsample';

function series(n: number, f: (i: number) => number, stepOf: (i: number) => number = (i) => i): SeriesPoint[] {
  return Array.from({ length: n }, (_, i) => ({ step: stepOf(i), value: f(i) }));
}

function checkInvariants(input: SeriesPoint[], out: readonly SeriesPoint[], maxPoints: number): void {
  expect(out.length).toBeLessThanOrEqual(maxPoints + 2);
  expect(out[0]).toBe(input[0]);
  expect(out[out.length - 1]).toBe(input[input.length - 1]);
  for (let i = 1; i < out.length; i++) {
    expect(out[i].step).toBeGreaterThanOrEqual(out[i - 1].step);
    expect(out[i]).not.toBe(out[i - 1]); // no duplicates
  }
  // Every output point is an input point (no synthesised values).
  const set = new Set(input);
  for (const p of out) expect(set.has(p)).toBe(true);
}

describe('downsampleMinMax', () => {
  it('returns short series untouched (same array)', () => {
    const s = series(100, Math.sin);
    expect(downsampleMinMax(s, 100)).toBe(s);
    expect(downsampleMinMax(s, 500)).toBe(s);
    expect(downsampleMinMax([], 10)).toEqual([]);
    const one = series(1, () => 3);
    expect(downsampleMinMax(one, 2)).toBe(one);
  });

  it('keeps a single-point spike and a single-point dip anywhere in a long series', () => {
    for (const at of [1, 12_345, 50_000, 99_998]) {
      const s = series(100_000, (i) => 1 + 0.001 * Math.sin(i / 50));
      s[at] = { step: at, value: 1000 };
      s[(at + 777) % 99_999] = { step: (at + 777) % 99_999, value: -1000 };
      const out = downsampleMinMax(s, 200);
      checkInvariants(s, out, 200);
      expect(out.some((p) => p.value === 1000)).toBe(true);
      expect(out.some((p) => p.value === -1000)).toBe(true);
    }
  });

  it('preserves the global min and max and each bucket envelope', () => {
    const s = series(10_000, (i) => Math.sin(i / 37) * (1 + i / 1000) + ((i * 7919) % 13) / 13);
    const maxPoints = 64;
    const out = downsampleMinMax(s, maxPoints);
    checkInvariants(s, out, maxPoints);
    const vals = s.map((p) => p.value);
    expect(Math.max(...out.map((p) => p.value))).toBe(Math.max(...vals));
    expect(Math.min(...out.map((p) => p.value))).toBe(Math.min(...vals));
    // Per bucket of the step range, the bucket's min and max are present.
    const buckets = maxPoints / 2;
    const span = s[s.length - 1].step - s[0].step;
    for (let b = 0; b < buckets; b++) {
      const inBucket = s.filter((p) => Math.min(buckets - 1, Math.floor(((p.step - s[0].step) / span) * buckets)) === b);
      const lo = Math.min(...inBucket.map((p) => p.value));
      const hi = Math.max(...inBucket.map((p) => p.value));
      expect(out.some((p) => p.value === lo)).toBe(true);
      expect(out.some((p) => p.value === hi)).toBe(true);
    }
  });

  it('stays within maxPoints + 2 for every size, odd maxPoints included', () => {
    for (const maxPoints of [2, 3, 5, 7, 10, 33, 100, 101]) {
      for (const n of [maxPoints + 1, maxPoints * 3 + 1, 5000]) {
        const s = series(n, (i) => ((i * 2654435761) % 1000) / 1000);
        const out = downsampleMinMax(s, maxPoints);
        checkInvariants(s, out, maxPoints);
        expect(out.length).toBeLessThanOrEqual(n);
        if (n > maxPoints + 2) expect(out.length).toBeLessThan(n);
      }
    }
  });

  it('buckets by step, not by index: uneven step spacing', () => {
    // Dense early steps, sparse late steps: a spike among the sparse ones must survive.
    const s = series(
      5000,
      (i) => (i === 4990 ? 50 : 0),
      (i) => (i < 4000 ? i : 4000 + (i - 4000) * 100),
    );
    const out = downsampleMinMax(s, 20);
    checkInvariants(s, out, 20);
    expect(out.some((p) => p.value === 50)).toBe(true);
  });

  it('handles repeated steps and a constant series', () => {
    const s = series(1000, () => 2, (i) => Math.floor(i / 10));
    const out = downsampleMinMax(s, 10);
    checkInvariants(s, out, 10);
    const same = series(1000, () => 5, () => 7);
    const outSame = downsampleMinMax(same, 10);
    checkInvariants(same, outSame, 10);
    expect(outSame.length).toBeLessThanOrEqual(3);
  });

  it('never lets NaN win min/max, but keeps NaN first/last points', () => {
    const s = series(1000, (i) => (i % 3 === 0 ? NaN : i));
    const out = downsampleMinMax(s, 10);
    checkInvariants(s, out, 10);
    expect(out.slice(1, -1).every((p) => !Number.isNaN(p.value))).toBe(true);
    expect(Number.isNaN(out[0].value)).toBe(true);
  });

  it('rejects a maxPoints below 2', () => {
    expect(() => downsampleMinMax(series(10, (i) => i), 1)).toThrow(RangeError);
    expect(() => downsampleMinMax(series(10, (i) => i), 2.5)).toThrow(RangeError);
  });
});
