import { describe, expect, it } from 'vitest';
import { compileFilter, filterToSql, parseFilter, tokenize } from '../../../src-main/core/store/filterExpression';
import { LaminaError } from '../../../src-main/core/util/errors';

function errorOf(fn: () => unknown): LaminaError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LaminaError);
    return err as LaminaError;
  }
  throw new Error('expected an error');
}

describe('filter expression parser', () => {
  it('parses comparisons on metrics, params, tags and run columns', () => {
    expect(parseFilter('metrics.test_accuracy > 0.9')).toEqual({
      type: 'compare',
      field: { kind: 'metrics', key: 'test_accuracy' },
      op: '>',
      value: 0.9,
      position: 1,
    });
    const p = parseFilter(`params.optimizer = "adam"`);
    expect(p).toMatchObject({ field: { kind: 'params', key: 'optimizer' }, op: '=', value: 'adam' });
    expect(parseFilter(`tags.team == 'x'`)).toMatchObject({ field: { kind: 'tags', key: 'team' }, op: '=', value: 'x' });
    expect(parseFilter(`status != "completed"`)).toMatchObject({ field: { kind: 'column', name: 'status' }, op: '!=' });
    expect(parseFilter(`durationMs >= 1e3`)).toMatchObject({ field: { kind: 'column' }, op: '>=', value: 1000 });
    expect(parseFilter(`params.lr <= -.5`)).toMatchObject({ op: '<=', value: -0.5 });
  });

  it('honours precedence: not > and > or, and parentheses', () => {
    const n = parseFilter('status = "a" or status = "b" and not status = "c"')!;
    expect(n.type).toBe('or');
    if (n.type !== 'or') throw new Error();
    expect(n.right.type).toBe('and');
    const m = parseFilter('(status = "a" or status = "b") and status = "c"')!;
    expect(m.type).toBe('and');
    expect(parseFilter('!(seed = 1) && seed = 2 || seed = 3')!.type).toBe('or');
  });

  it('accepts keys with dots, slashes, dashes and quoted keys', () => {
    expect(parseFilter('metrics.val/loss < 1')).toMatchObject({ field: { key: 'val/loss' } });
    expect(parseFilter('metrics.train.loss<1')).toMatchObject({ field: { key: 'train.loss' }, op: '<', value: 1 });
    expect(parseFilter('params."my key" = "v"')).toMatchObject({ field: { key: 'my key' } });
    expect(parseFilter('params.`a b`="v"')).toMatchObject({ field: { key: 'a b' } });
    expect(parseFilter('tags.team-name ~ "vis"')).toMatchObject({ field: { key: 'team-name' }, op: '~' });
  });

  it('parses like, not like, ~, !~, null, booleans and escapes', () => {
    expect(parseFilter('name LIKE "abc"')).toMatchObject({ op: 'like' });
    expect(parseFilter('name not like "abc"')).toMatchObject({ op: 'not like' });
    expect(parseFilter('name !~ "abc"')).toMatchObject({ op: '!~' });
    expect(parseFilter('ended_at = null')).toMatchObject({ value: null });
    expect(parseFilter('params.shuffle = TRUE')).toMatchObject({ value: 'true' });
    expect(parseFilter(String.raw`name = "say \"hi\""`)).toMatchObject({ value: 'say "hi"' });
  });

  it('treats an empty filter as no filter', () => {
    expect(parseFilter('')).toBeNull();
    expect(parseFilter('   ')).toBeNull();
    expect(filterToSql(' ')).toBeNull();
  });
});

describe('filter expression errors name the position', () => {
  const cases: [string, number, RegExp][] = [
    ['metrics.acc >', 14, /expected a value after ">", got end of input/],
    ['metrics.acc 0.9', 13, /expected a comparison/],
    ['foo.bar = 1', 1, /unknown field "foo.bar"/],
    ['colour = "red"', 1, /unknown field "colour"/],
    ['status = "ok', 10, /unterminated string/],
    ['(status = "ok"', 15, /expected "\)" to close the "\(" at position 1/],
    ['status = "ok")', 14, /expected "and", "or" or the end/],
    ['status = "ok" and', 18, /expected a field/],
    ['metrics.acc > "high"', 15, /metrics are numbers/],
    ['params.opt = adam', 14, /quote text values/],
    ['params.lr > 0.1x', 13, /malformed number/],
    ['seed > null', 8, /null can only be compared with = or !=/],
    ['name ~ 3', 8, /needs a quoted text value/],
    ['status = "a" # x', 14, /unexpected character "#"/],
    ['params. = 1', 8, /expected a key after "params\."/],
  ];
  for (const [text, column, message] of cases) {
    it(`${text}`, () => {
      const err = errorOf(() => parseFilter(text));
      expect(err.kind).toBe('input');
      expect(err.exitCode).toBe(2);
      expect(err.location).toEqual({ field: 'filter', column });
      expect(err.message).toMatch(message);
      expect(err.message).toContain(`at position ${column}`);
    });
  }
});

describe('filter compilation', () => {
  it('binds every value and key as a parameter, never in the SQL text', () => {
    const evil = `x'); DROP TABLE runs; --`;
    const frag = filterToSql(`params."${evil}" = "${evil}" or name ~ "${evil}" or tags.t != "${evil}"`)!;
    expect(frag.sql).not.toContain('DROP');
    expect(frag.params).toContain(evil);
    // Every ? has exactly one parameter.
    expect(frag.sql.split('?').length - 1).toBe(frag.params.length);
  });

  it('compares numerically for number literals and textually for strings', () => {
    expect(compileFilter(parseFilter('params.lr <= 0.01')!).sql).toContain('x.num <= ?');
    expect(compileFilter(parseFilter('params.lr <= "0.01"')!).sql).toContain('x.value <= ?');
    expect(compileFilter(parseFilter('metrics.acc > 0.5')!).sql).toContain('x.last > ?');
  });

  it('turns substring matches into escaped LIKE patterns', () => {
    expect(filterToSql('name ~ "50%_off"')!.params).toEqual(['%50\\%\\_off%']);
    // like with a % is a user pattern, without one a substring
    expect(filterToSql('name like "exp%"')!.params).toEqual(['exp%']);
    expect(filterToSql('name like "exp_1"')!.params).toEqual(['%exp\\_1%']);
  });

  it('tokenizes positions 1-based', () => {
    const t = tokenize('  seed=1');
    expect(t.map((x) => [x.type, x.pos])).toEqual([
      ['word', 3],
      ['op', 7],
      ['number', 8],
      ['eof', 9],
    ]);
  });
});
