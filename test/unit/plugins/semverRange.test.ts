import { describe, expect, it } from 'vitest';
import { compareVersions, isValidRange, parseVersion, satisfies } from '../../../src-main/core/plugins/semverRange';

describe('semver range matcher', () => {
  const cases: [string, string, boolean][] = [
    ['1.0.0', '^1.0.0', true],
    ['1.9.3', '^1.0.0', true],
    ['2.0.0', '^1.0.0', false],
    ['0.9.9', '^1.0.0', false],
    ['0.2.5', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['0.0.3', '^0.0.3', true],
    ['0.0.4', '^0.0.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.9.0', '~1', true],
    ['1.0.0', '>=1.0.0', true],
    ['0.9.0', '>=1.0.0', false],
    ['1.5.0', '>=1.0.0 <2', true],
    ['2.0.0', '>=1.0.0 <2', false],
    ['1.0.0', '<1.0.0', false],
    ['1.4.0', '1.x', true],
    ['2.0.0', '1.x', false],
    ['1.2.7', '1.2.*', true],
    ['1.3.0', '1.2.*', false],
    ['7.0.0', '*', true],
    ['1.0.0', '', true],
    ['2.5.0', '^1.0.0 || ^2.0.0', true],
    ['3.0.0', '^1.0.0 || ^2.0.0', false],
    ['1.0.0', '1.0.0', true],
    ['1.0.1', '=1.0.0', false],
    ['1.5.0', '1.0.0 - 1.x', true],
    ['2.0.0', '1.0.0 - 1.x', false],
    ['1.2.0', '1.0.0 - 1.2.0', true],
    ['1.0.0', '> 0.9', true],
    ['1.1.0', '>1.0', true],
    ['1.0.5', '>1.0', false],
    ['1.0.5', '<=1.0', true],
    ['2.0.0-beta.1', '^1.0.0', false],
    ['2.0.0-beta.1', '^2.0.0', false],
    ['2.0.0-beta.2', '>=2.0.0-beta.1', true],
    ['2.0.0-alpha', '>=2.0.0-beta.1', false],
  ];
  it.each(cases)('%s satisfies "%s" → %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it('orders prereleases below releases and numerically', () => {
    const v = (s: string) => parseVersion(s)!;
    expect(compareVersions(v('1.0.0-rc.1'), v('1.0.0'))).toBe(-1);
    expect(compareVersions(v('1.0.0-rc.2'), v('1.0.0-rc.10'))).toBe(-1);
    expect(compareVersions(v('1.0.0-rc.1'), v('1.0.0-alpha'))).toBe(1);
    expect(compareVersions(v('1.0.0-1'), v('1.0.0-alpha'))).toBe(-1);
    expect(compareVersions(v('1.10.0'), v('1.9.0'))).toBe(1);
  });

  it('rejects what is not a range or a version', () => {
    expect(isValidRange('^1.0.0')).toBe(true);
    expect(isValidRange('banana')).toBe(false);
    expect(isValidRange('^1.0.0 || >=x.y')).toBe(false);
    expect(satisfies('not-a-version', '*')).toBe(false);
    expect(satisfies('1.0.0', 'nonsense')).toBe(false);
  });
});
