import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../../src-main/cli/suggest';
import { attachDashValues } from '../../../src-main/cli/usageHints';
import { modelParams } from '../../../src-main/core/models/templateParams';

describe('did you mean', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('mpl', 'mlp')).toBe(1);
    expect(editDistance('trian', 'train')).toBe(1);
    expect(editDistance('epochs', 'epochs')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });
  it('suggests close names and prefixes, not far ones', () => {
    expect(closest('--epoch', ['--epochs', '--seed'])).toBe('--epochs');
    expect(closest('--optimiser', ['--optimizer', '--lr'])).toBe('--optimizer');
    expect(closest('mpl', ['mlp', 'lstm', 'lenet5'])).toBe('mlp');
    expect(closest('zebra', ['mlp', 'lstm'])).toBeUndefined();
    expect(didYouMean('mpl', ['mlp'], (c) => `template:${c}`)).toBe('; did you mean template:mlp?');
    expect(didYouMean('zzz', ['mlp'])).toBe('');
  });
});

describe('option values that start with a dash', () => {
  const options = { 'order-by': { type: 'string' as const }, json: { type: 'boolean' as const }, help: { type: 'boolean' as const, short: 'h' } };
  it('attaches them to a string option unless they are options themselves', () => {
    expect(attachDashValues(['--order-by', '-metrics.x'], options)).toEqual(['--order-by=-metrics.x']);
    expect(attachDashValues(['--order-by', '--json'], options)).toEqual(['--order-by', '--json']);
    expect(attachDashValues(['--order-by', '-h'], options)).toEqual(['--order-by', '-h']);
    expect(attachDashValues(['--json', '-x'], options)).toEqual(['--json', '-x']);
    expect(attachDashValues(['--', '--order-by', '-x'], options)).toEqual(['--', '--order-by', '-x']);
  });
});

describe("a model's parameters, read from its source", () => {
  it('finds param(name, default) calls, first default wins, and notices computed names', () => {
    const src = "const a = ctx.param('units', 32);\nconst b = ctx.param(\"act\", 'relu');\nctx.param('units', 8);";
    expect(modelParams(src)).toEqual({ params: [{ name: 'units', default: '32' }, { name: 'act', default: "'relu'" }], dynamic: false });
    expect(modelParams('ctx.param(name, 1)').dynamic).toBe(true);
    expect(modelParams('no params here').params).toEqual([]);
  });
});
