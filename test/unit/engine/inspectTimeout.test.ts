import { describe, expect, it } from 'vitest';
import { INSPECT_TIMEOUT_MS, inspectTimeoutMs } from '../../../src-main/core/engine/inspectTimeout';

describe('the model check limit', () => {
  it('is the default without $LAMINA_INSPECT_TIMEOUT_MS', () => {
    expect(inspectTimeoutMs({})).toBe(INSPECT_TIMEOUT_MS);
    expect(inspectTimeoutMs({ LAMINA_INSPECT_TIMEOUT_MS: '  ' })).toBe(INSPECT_TIMEOUT_MS);
  });
  it('takes $LAMINA_INSPECT_TIMEOUT_MS in milliseconds', () => {
    expect(inspectTimeoutMs({ LAMINA_INSPECT_TIMEOUT_MS: '60000' })).toBe(60_000);
  });
  it('refuses a value that is not a positive number, naming the variable', () => {
    expect(() => inspectTimeoutMs({ LAMINA_INSPECT_TIMEOUT_MS: 'soon' })).toThrow(/LAMINA_INSPECT_TIMEOUT_MS.*"soon"/);
    expect(() => inspectTimeoutMs({ LAMINA_INSPECT_TIMEOUT_MS: '-5' })).toThrow(/positive/);
  });
});
