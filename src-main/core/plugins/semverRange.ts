/**
 * A small semver range matcher for plugin `apiVersion` fields: exact versions, comparators
 * (>, >=, <, <=, =), caret (^), tilde (~), x-ranges (1.x, 1.2.*, *), hyphen ranges (1.0.0 - 1.2.0),
 * space-separated intersections and `||` unions. Prerelease tags are compared but, as in npm,
 * a prerelease version satisfies a range only if the range names a prerelease of the same x.y.z.
 */

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseVersion(text: string): SemVer | null {
  const m = VERSION.exec(text.trim());
  if (!m) return null;
  return { major: +m[1], minor: +m[2], patch: +m[3], prerelease: m[4] ? m[4].split('.') : [] };
}

export function compareVersions(a: SemVer, b: SemVer): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  // A version without prerelease tags ranks above one with them.
  if (!a.prerelease.length || !b.prerelease.length) return Math.sign(b.prerelease.length - a.prerelease.length);
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return +x < +y ? -1 : 1;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

type Op = '<' | '<=' | '>' | '>=' | '=';
interface Comparator {
  op: Op;
  v: SemVer;
}

/** A partial version: 1, 1.2, 1.2.3, with x/X/* wildcards; null parts are wildcards. */
interface Partial {
  major: number | null;
  minor: number | null;
  patch: number | null;
  prerelease: string[];
}

const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parsePartial(text: string): Partial {
  const m = PARTIAL.exec(text);
  if (!m) throw new Error(`"${text}" is not a version`);
  const part = (s: string | undefined) => (s === undefined || /^[xX*]$/.test(s) ? null : +s);
  const major = part(m[1]);
  const minor = major === null ? null : part(m[2]);
  const patch = minor === null ? null : part(m[3]);
  return { major, minor, patch, prerelease: m[4] && patch !== null ? m[4].split('.') : [] };
}

const v = (major: number, minor: number, patch: number, prerelease: string[] = []): SemVer => ({ major, minor, patch, prerelease });
const ANY: Comparator[] = [{ op: '>=', v: v(0, 0, 0) }];

function low(p: Partial): SemVer {
  return v(p.major ?? 0, p.minor ?? 0, p.patch ?? 0, p.prerelease);
}

/** The exclusive upper bound of a partial's wildcard span (1.2 → <1.3.0, 1 → <2.0.0). */
function upperOfPartial(p: Partial): SemVer | null {
  if (p.major === null) return null;
  if (p.minor === null) return v(p.major + 1, 0, 0, ['0']);
  if (p.patch === null) return v(p.major, p.minor + 1, 0, ['0']);
  return null;
}

function expand(token: string): Comparator[] {
  const m = /^(\^|~>?|>=|<=|>|<|=)?\s*(.+)$/.exec(token);
  if (!m) throw new Error(`cannot read "${token}"`);
  const op = m[1] ?? '';
  const p = parsePartial(m[2]);
  if (p.major === null) return op === '<' || op === '>' ? [{ op: '<', v: v(0, 0, 0, ['0']) }] : ANY;
  const lo = low(p);
  const hiWildcard = upperOfPartial(p);
  switch (op) {
    case '^': {
      let hi: SemVer;
      if (p.major > 0 || p.minor === null) hi = v(p.major + 1, 0, 0, ['0']);
      else if (p.minor > 0 || p.patch === null) hi = v(0, p.minor + 1, 0, ['0']);
      else hi = v(0, 0, p.patch + 1, ['0']);
      return [{ op: '>=', v: lo }, { op: '<', v: hi }];
    }
    case '~':
    case '~>': {
      const hi = p.minor === null ? v(p.major + 1, 0, 0, ['0']) : v(p.major, p.minor + 1, 0, ['0']);
      return [{ op: '>=', v: lo }, { op: '<', v: hi }];
    }
    case '>':
      return hiWildcard ? [{ op: '>=', v: hiWildcard }] : [{ op: '>', v: lo }];
    case '<=':
      return hiWildcard ? [{ op: '<', v: hiWildcard }] : [{ op: '<=', v: lo }];
    case '>=':
    case '<':
      return [{ op: op as Op, v: lo }];
    default:
      return hiWildcard ? [{ op: '>=', v: lo }, { op: '<', v: hiWildcard }] : [{ op: '=', v: lo }];
  }
}

function parseSet(text: string): Comparator[] {
  const t = text.trim();
  if (t === '') return ANY;
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(t);
  if (hyphen) {
    const from = parsePartial(hyphen[1]);
    const to = parsePartial(hyphen[2]);
    const upper = upperOfPartial(to);
    return [{ op: '>=', v: low(from) }, upper ? { op: '<', v: upper } : { op: '<=', v: low(to) }];
  }
  // Allow "> 1.0" (operator separated from its version by spaces).
  const tokens = t.replace(/(\^|~>?|>=|<=|>|<|=)\s+/g, '$1').split(/\s+/);
  return tokens.flatMap(expand);
}

function test(c: Comparator, x: SemVer): boolean {
  const d = compareVersions(x, c.v);
  switch (c.op) {
    case '<': return d < 0;
    case '<=': return d <= 0;
    case '>': return d > 0;
    case '>=': return d >= 0;
    default: return d === 0;
  }
}

export interface Range {
  sets: Comparator[][];
}

/** Parses a range; throws an Error naming the bad part. */
export function parseRange(text: string): Range {
  return { sets: text.split('||').map(parseSet) };
}

export function isValidRange(text: string): boolean {
  try {
    parseRange(text);
    return true;
  } catch {
    return false;
  }
}

export function satisfies(version: string, range: string): boolean {
  const x = parseVersion(version);
  if (!x) return false;
  let r: Range;
  try {
    r = parseRange(range);
  } catch {
    return false;
  }
  return r.sets.some((set) => {
    if (!set.every((c) => test(c, x))) return false;
    if (!x.prerelease.length) return true;
    // Prereleases only match a comparator that names the same x.y.z with a prerelease.
    return set.some((c) => c.v.prerelease.length > 0 && c.v.prerelease[0] !== '0' && c.v.major === x.major && c.v.minor === x.minor && c.v.patch === x.patch);
  });
}
