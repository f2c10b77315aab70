import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cleanRunName, readableRunName } from '../../../src-main/core/runs/runNames';
import { LaminaError } from '../../../src-main/core/util/errors';

describe('run names', () => {
  it('are two words and the run number, stable for one id and varied across ids', () => {
    const id = 'a3f09c1d2e4b5f60718293a4b5c6d7e8';
    expect(readableRunName(id, 12)).toMatch(/^[a-z]+-[a-z]+-12$/);
    expect(readableRunName(id, 12)).toBe(readableRunName(id, 12));
    const names = new Set(Array.from({ length: 200 }, () => readableRunName(randomUUID().replace(/-/g, ''), 1)));
    expect(names.size).toBeGreaterThan(100);
  });

  it('typed by a person are trimmed to one line; empty or overlong names are input errors', () => {
    expect(cleanRunName('  baseline \n lr 0.01 ')).toBe('baseline lr 0.01');
    for (const bad of ['', '   ', 'x'.repeat(201)]) {
      let error: unknown;
      try {
        cleanRunName(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LaminaError);
      expect((error as LaminaError).kind).toBe('input');
    }
  });
});
