/**
 * Data augmentation (core/training/augmentation.ts): the text form round-trips, bad settings are
 * refused naming the key, each change does what it says on small images, and one seed gives one
 * result (the basis of bit-for-bit replays).
 */
import { describe, expect, it } from 'vitest';
import { augment, augmentationProblem, betaSample, formatAugmentation, parseAugmentation } from '../../../src-main/core/training/augmentation';
import { createRng } from '../../../src-main/core/util/random';

const rng = (seed = 1) => {
  const r = createRng(seed);
  return () => r.next();
};
/** A 3×4 one-channel image 0..11, row by row. */
const ramp = () => Float32Array.from({ length: 12 }, (_, i) => i);

describe('augmentation settings', () => {
  it('parses the CLI form, writes it back canonically, and treats none/empty as off', () => {
    expect(parseAugmentation('rotate=10, flip ,shift=0.1')).toEqual({ rotate: 10, flip: 'horizontal', shift: 0.1 });
    expect(formatAugmentation(parseAugmentation('rotate=10,flip,shift=0.1'))).toBe('flip=horizontal,shift=0.1,rotate=10');
    expect(parseAugmentation('none')).toBeNull();
    expect(parseAugmentation('')).toBeNull();
    expect(parseAugmentation('noise=0')).toBeNull();
  });

  it('refuses unknown keys, missing numbers and out-of-range values with the key named', () => {
    expect(() => parseAugmentation('blur=2')).toThrow(/unknown augmentation "blur"/);
    expect(() => parseAugmentation('shift')).toThrow(/shift needs a number/);
    expect(() => parseAugmentation('shift=0.7')).toThrow(/shift must be a fraction of the size, 0–0.5/);
    expect(() => parseAugmentation('flip=diagonal')).toThrow(/flip must be one of horizontal, vertical, both/);
  });

  it('says why a setting does not fit the data', () => {
    expect(augmentationProblem({ rotate: 10 }, [4], true)).toMatch(/needs image samples.*\[4\]/);
    expect(augmentationProblem({ noise: 0.1 }, [4], false)).toBeNull();
    expect(augmentationProblem({ mixup: 0.2 }, [8, 8, 1], false)).toMatch(/mixup .* one-hot or binary labels/);
    expect(augmentationProblem({ mixup: 0.2, flip: 'both' }, [8, 8, 1], true)).toBeNull();
  });
});

describe('augment', () => {
  const shape = [3, 4, 1];

  it('flips exactly: a horizontal flip mirrors each row, a vertical one the rows', () => {
    // Draw until each flip happens once (probability ½ each).
    const seen = new Set<string>();
    for (let seed = 1; seen.size < 2 && seed < 50; seed++) {
      const { x } = augment({ x: ramp(), shape, n: 1 }, { flip: 'horizontal' }, rng(seed));
      seen.add(Array.from(x).join(','));
    }
    expect(seen).toEqual(new Set(['0,1,2,3,4,5,6,7,8,9,10,11', '3,2,1,0,7,6,5,4,11,10,9,8']));
    const vertical = new Set<string>();
    for (let seed = 1; vertical.size < 2 && seed < 50; seed++) vertical.add(Array.from(augment({ x: ramp(), shape, n: 1 }, { flip: 'vertical' }, rng(seed)).x).join(','));
    expect(vertical).toContain('8,9,10,11,4,5,6,7,0,1,2,3');
  });

  it('shifts by whole pixels, filling from the nearest edge, and keeps the value range under rotation', () => {
    const img = new Float32Array(25);
    img[12] = 1; // a dot in the middle of a 5×5 image
    for (let seed = 1; seed < 20; seed++) {
      const { x } = augment({ x: img, shape: [5, 5, 1], n: 1 }, { shift: 0.4 }, rng(seed));
      expect(Array.from(x).filter((v) => v === 1)).toHaveLength(1); // moved, never blurred
      expect(Array.from(x).filter((v) => v === 0)).toHaveLength(24);
      const r = augment({ x: ramp(), shape, n: 1 }, { rotate: 30, zoom: 0.2 }, rng(seed)).x;
      for (const v of r) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(11);
      }
    }
  });

  it('changes brightness and contrast relative to the sample, and cutout fills with its mean', () => {
    const bright = augment({ x: ramp(), shape, n: 1 }, { brightness: 0.5 }, rng(3)).x;
    const delta = bright[0] - 0;
    expect(Math.abs(delta)).toBeLessThanOrEqual(0.5 * 11 + 1e-6);
    bright.forEach((v, i) => expect(v - i).toBeCloseTo(delta, 5)); // one shift for the whole image
    const contrast = augment({ x: ramp(), shape, n: 1 }, { contrast: 0.5 }, rng(3)).x;
    const mean = contrast.reduce((a, b) => a + b, 0) / 12;
    expect(mean).toBeCloseTo(5.5, 4);
    const cut = augment({ x: ramp(), shape, n: 1 }, { cutout: 0.67 }, rng(5)).x; // a 2×2 square
    expect(Array.from(cut).filter((v) => v === 5.5).length).toBeGreaterThanOrEqual(1);
    expect(Array.from(cut).filter((v, i) => v !== i).length).toBeLessThanOrEqual(4);
  });

  it('adds noise of the asked spread, and leaves the input untouched', () => {
    const n = 200;
    const x = Float32Array.from({ length: n * 12 }, (_, i) => i % 12);
    const before = x.slice();
    const out = augment({ x, shape, n }, { noise: 0.5 }, rng(9)).x;
    expect(x).toEqual(before);
    const std = Math.sqrt(Array.from(out).reduce((a, v, i) => a + (v - x[i]) ** 2, 0) / out.length);
    const sampleStd = Math.sqrt(143 / 12); // std of 0..11
    expect(std / (0.5 * sampleStd)).toBeGreaterThan(0.9);
    expect(std / (0.5 * sampleStd)).toBeLessThan(1.1);
  });

  it('mixup blends samples and one-hot labels with the same λ, so labels still sum to one', () => {
    const x = Float32Array.from([0, 0, 0, 0, 10, 10, 10, 10]);
    const y = Float32Array.from([1, 0, 0, 1]);
    const out = augment({ x, shape: [2, 2, 1], n: 2, y, labelWidth: 2 }, { mixup: 0.4 }, rng(2));
    for (let i = 0; i < 2; i++) {
      const lambdaFromY = out.y![i * 2 + 1]; // the share of sample 1
      expect(out.y![i * 2] + out.y![i * 2 + 1]).toBeCloseTo(1, 6);
      expect(out.x[i * 4] / 10).toBeCloseTo(lambdaFromY, 5);
    }
  });

  it('Beta(α, α) samples have mean ½ and the right spread', () => {
    const r = rng(4);
    const alpha = 0.4;
    const draws = Array.from({ length: 4000 }, () => betaSample(alpha, r));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(mean).toBeCloseTo(0.5, 1);
    expect(variance).toBeCloseTo(1 / (4 * (2 * alpha + 1)), 1); // 0.139
  });

  it('is a function of the seed: same seed, same result; another seed, another', () => {
    const spec = { flip: 'both' as const, shift: 0.2, rotate: 15, zoom: 0.1, brightness: 0.2, contrast: 0.2, noise: 0.1, cutout: 0.3 };
    const x = Float32Array.from({ length: 10 * 12 }, (_, i) => (i * 7) % 13);
    const a = augment({ x, shape, n: 10 }, spec, rng(11)).x;
    const b = augment({ x, shape, n: 10 }, spec, rng(11)).x;
    const c = augment({ x, shape, n: 10 }, spec, rng(12)).x;
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});
