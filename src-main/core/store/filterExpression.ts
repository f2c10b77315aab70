/**
 * The run-list filter language, e.g.
 *
 *   metrics.test_accuracy > 0.9 and (params.optimizer = "adam" or params.lr <= 0.01)
 *   not status = "failed" and tags.team ~ "vision"
 *
 * Grammar (keywords case-insensitive):
 *   expr       := andExpr ( ('or' | '||') andExpr )*
 *   andExpr    := unary ( ('and' | '&&') unary )*
 *   unary      := ('not' | '!') unary | '(' expr ')' | comparison
 *   comparison := field op literal
 *   field      := metrics.KEY | params.KEY | tags.KEY | a run column (status, experiment, name, …)
 *                 KEY is a bare word (letters, digits, _ . - / :) or a quoted string
 *   op         := = | == | != | <> | < | <= | > | >= | like | not like | ~ | !~
 *   literal    := number | "string" | 'string' | true | false | null
 *
 * Semantics: a number literal compares numerically (params and tags whose value reads as a
 * number); a string compares as text. `~` is a case-insensitive substring match; `like` is
 * the same unless the pattern contains `%`, in which case it is an SQL LIKE pattern.
 * `= null` / `!= null` test absence / presence. A comparison on a metric uses its last
 * value; a run without that metric (or param, or tag) never matches a comparison.
 *
 * Parsed into an AST, then compiled into parameterised SQL: values and keys are always
 * bound parameters, never spliced into the SQL text.
 */
import { LaminaError } from '../util/errors';
import { escapeLike, namespaceOf, runColumn, runColumnNames, type Namespace, type RunColumn } from './runColumns';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like' | 'not like' | '~' | '!~';
export type Literal = string | number | null;

export type FilterField = { kind: Namespace; key: string } | { kind: 'column'; name: string; column: RunColumn };

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'compare'; field: FilterField; op: CompareOp; value: Literal; position: number };

export interface SqlFragment {
  sql: string;
  params: (string | number)[];
}

// ---------------------------------------------------------------- tokens

type TokenType = 'field' | 'word' | 'string' | 'number' | 'op' | '(' | ')' | 'and' | 'or' | 'not' | 'eof';

interface Token {
  type: TokenType;
  /** 1-based column in the expression. */
  pos: number;
  text: string;
  /** field: namespace (undefined for a bare word); string/number: the value. */
  namespace?: string;
  key?: string;
  value?: string | number;
}

function filterError(message: string, pos: number): LaminaError {
  return new LaminaError('input', `filter: ${message} at position ${pos}`, { field: 'filter', column: pos });
}

const KEY_CHAR = /[A-Za-z0-9_.\-/:@]/;
const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_]/;

function readQuoted(src: string, start: number): { value: string; end: number } {
  const quote = src[start];
  let out = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\' && i + 1 < src.length) {
      out += src[i + 1];
      i += 2;
      continue;
    }
    if (c === quote) return { value: out, end: i + 1 };
    out += c;
    i++;
  }
  throw filterError(`unterminated string (missing closing ${quote})`, start + 1);
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const pos = i + 1;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ type: c, pos, text: c });
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      tokens.push({ type: two === '&&' ? 'and' : 'or', pos, text: two });
      i += 2;
      continue;
    }
    if (['==', '!=', '<>', '<=', '>=', '!~'].includes(two)) {
      const op = two === '==' ? '=' : two === '<>' ? '!=' : two;
      tokens.push({ type: 'op', pos, text: op });
      i += 2;
      continue;
    }
    if ('=<>~'.includes(c)) {
      tokens.push({ type: 'op', pos, text: c });
      i++;
      continue;
    }
    if (c === '!') {
      tokens.push({ type: 'not', pos, text: c });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const { value, end } = readQuoted(src, i);
      tokens.push({ type: 'string', pos, text: src.slice(i, end), value });
      i = end;
      continue;
    }
    const num = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(src.slice(i));
    if (num && (c !== '-' && c !== '+' ? true : /[\d.]/.test(src[i + 1] ?? ''))) {
      const after = src[i + num[0].length];
      if (after !== undefined && WORD_CHAR.test(after)) throw filterError(`malformed number "${num[0]}${after}"`, pos);
      tokens.push({ type: 'number', pos, text: num[0], value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    if (WORD_START.test(c)) {
      let j = i;
      while (j < src.length && WORD_CHAR.test(src[j])) j++;
      const word = src.slice(i, j);
      if (src[j] !== '.') {
        const lower = word.toLowerCase();
        const type: TokenType = lower === 'and' || lower === 'or' || lower === 'not' ? lower : 'word';
        tokens.push({ type, pos, text: word });
        i = j;
        continue;
      }
      // namespace.key — the key runs to the first character that cannot be in a key, or is quoted.
      j++;
      let key: string;
      if (src[j] === '"' || src[j] === "'" || src[j] === '`') {
        const { value, end } = readQuoted(src, j);
        key = value;
        j = end;
      } else {
        const k0 = j;
        while (j < src.length && KEY_CHAR.test(src[j])) j++;
        key = src.slice(k0, j);
      }
      if (key === '') throw filterError(`expected a key after "${word}."`, j + 1);
      tokens.push({ type: 'field', pos, text: src.slice(i, j), namespace: word, key });
      i = j;
      continue;
    }
    throw filterError(`unexpected character "${c}"`, pos);
  }
  tokens.push({ type: 'eof', pos: src.length + 1, text: 'end of input' });
  return tokens;
}

// ---------------------------------------------------------------- parser

function describe(t: Token): string {
  return t.type === 'eof' ? 'end of input' : `"${t.text}"`;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i];
  }
  private next(): Token {
    return this.tokens[this.i++];
  }

  parse(): FilterNode {
    const node = this.orExpr();
    const t = this.peek();
    if (t.type !== 'eof') {
      throw filterError(`expected "and", "or" or the end of the filter, got ${describe(t)}`, t.pos);
    }
    return node;
  }

  private orExpr(): FilterNode {
    let left = this.andExpr();
    while (this.peek().type === 'or') {
      this.next();
      left = { type: 'or', left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): FilterNode {
    let left = this.unary();
    while (this.peek().type === 'and') {
      this.next();
      left = { type: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): FilterNode {
    const t = this.peek();
    if (t.type === 'not') {
      this.next();
      return { type: 'not', operand: this.unary() };
    }
    if (t.type === '(') {
      this.next();
      const inner = this.orExpr();
      const close = this.peek();
      if (close.type !== ')') throw filterError(`expected ")" to close the "(" at position ${t.pos}, got ${describe(close)}`, close.pos);
      this.next();
      return inner;
    }
    return this.comparison();
  }

  private comparison(): FilterNode {
    const t = this.next();
    const field = this.field(t);
    const opTok = this.next();
    let op: CompareOp;
    if (opTok.type === 'op') {
      op = opTok.text as CompareOp;
    } else if (opTok.type === 'word' && opTok.text.toLowerCase() === 'like') {
      op = 'like';
    } else if (opTok.type === 'not' && this.peek().type === 'word' && this.peek().text.toLowerCase() === 'like') {
      this.next();
      op = 'not like';
    } else {
      throw filterError(`expected a comparison (=, !=, <, <=, >, >=, like, ~) after ${describe(t)}, got ${describe(opTok)}`, opTok.pos);
    }
    const v = this.next();
    let value: Literal;
    if (v.type === 'string' || v.type === 'number') value = v.value as string | number;
    else if (v.type === 'word' && ['true', 'false'].includes(v.text.toLowerCase())) value = v.text.toLowerCase();
    else if (v.type === 'word' && v.text.toLowerCase() === 'null') value = null;
    else if (v.type === 'word' || v.type === 'field') {
      throw filterError(`expected a value after "${opTok.text}", got ${describe(v)} (quote text values: "${v.text}")`, v.pos);
    } else throw filterError(`expected a value after "${opTok.text}", got ${describe(v)}`, v.pos);

    const node: FilterNode = { type: 'compare', field, op, value, position: t.pos };
    checkComparison(node, v.pos);
    return node;
  }

  private field(t: Token): FilterField {
    if (t.type === 'field') {
      const ns = namespaceOf(t.namespace!);
      if (!ns) {
        throw filterError(`unknown field "${t.text}": use metrics.<key>, params.<key>, tags.<key> or a run column`, t.pos);
      }
      return { kind: ns, key: t.key! };
    }
    if (t.type === 'word') {
      const column = runColumn(t.text);
      if (!column) {
        throw filterError(
          `unknown field "${t.text}": use metrics.<key>, params.<key>, tags.<key> or one of ${runColumnNames.join(', ')}`,
          t.pos,
        );
      }
      return { kind: 'column', name: t.text, column };
    }
    throw filterError(`expected a field (e.g. metrics.accuracy, params.lr, status), got ${describe(t)}`, t.pos);
  }
}

function checkComparison(node: Extract<FilterNode, { type: 'compare' }>, valuePos: number): void {
  const { field, op, value } = node;
  const isLike = op === 'like' || op === 'not like' || op === '~' || op === '!~';
  if (value === null && op !== '=' && op !== '!=') {
    throw filterError(`null can only be compared with = or !=`, valuePos);
  }
  if (isLike && typeof value !== 'string') {
    throw filterError(`"${op}" needs a quoted text value`, valuePos);
  }
  if (field.kind === 'metrics' && typeof value === 'string') {
    throw filterError(`metrics are numbers: compare metrics.${field.key} with a number`, valuePos);
  }
}

/** Parses a filter; an empty or blank filter is `null` (matches every run). */
export function parseFilter(text: string): FilterNode | null {
  if (text.trim() === '') return null;
  return new Parser(tokenize(text)).parse();
}

// ---------------------------------------------------------------- SQL

function likePattern(op: CompareOp, value: string): string {
  if (op === 'like' || op === 'not like') {
    return value.includes('%') ? value : `%${escapeLike(value)}%`;
  }
  return `%${escapeLike(value)}%`;
}

const sqlOp: Record<'=' | '!=' | '<' | '<=' | '>' | '>=', string> = { '=': '=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

function likeSql(expr: string, op: CompareOp): string {
  const negate = op === 'not like' || op === '!~';
  return `${expr} ${negate ? 'NOT LIKE' : 'LIKE'} ? ESCAPE '\\'`;
}

function compileCompare(node: Extract<FilterNode, { type: 'compare' }>): SqlFragment {
  const { field, op, value } = node;
  const isLike = op === 'like' || op === 'not like' || op === '~' || op === '!~';

  if (field.kind === 'column') {
    const col = field.column.sql;
    if (value === null) return { sql: `${col} IS ${op === '=' ? '' : 'NOT '}NULL`, params: [] };
    if (isLike) return { sql: likeSql(col, op), params: [likePattern(op, value as string)] };
    // != is null-safe on columns: `name != "x"` includes unnamed runs.
    if (op === '!=') return { sql: `${col} IS NOT ?`, params: [value] };
    return { sql: `${col} ${sqlOp[op as keyof typeof sqlOp]} ?`, params: [value] };
  }

  const table = field.kind === 'metrics' ? 'metric_summaries' : field.kind;
  const exists = (cond: string, params: (string | number)[]): SqlFragment => ({
    sql: `EXISTS (SELECT 1 FROM ${table} x WHERE x.run_id = r.id AND x.key = ?${cond})`,
    params: [field.key, ...params],
  });
  if (value === null) {
    const e = exists('', []);
    return op === '=' ? { sql: `NOT ${e.sql}`, params: e.params } : e;
  }
  if (field.kind === 'metrics') return exists(` AND x.last ${sqlOp[op as keyof typeof sqlOp]} ?`, [value]);
  if (isLike) return exists(` AND ${likeSql('x.value', op)}`, [likePattern(op, value as string)]);
  const target = typeof value === 'number' ? 'x.num' : 'x.value';
  return exists(` AND ${target} ${sqlOp[op as keyof typeof sqlOp]} ?`, [value]);
}

/** Compiles an AST into a WHERE fragment over `runs r JOIN experiments e`. */
export function compileFilter(node: FilterNode): SqlFragment {
  switch (node.type) {
    case 'compare':
      return compileCompare(node);
    case 'not': {
      const inner = compileFilter(node.operand);
      return { sql: `NOT (${inner.sql})`, params: inner.params };
    }
    case 'and':
    case 'or': {
      const l = compileFilter(node.left);
      const r = compileFilter(node.right);
      return { sql: `(${l.sql}) ${node.type.toUpperCase()} (${r.sql})`, params: [...l.params, ...r.params] };
    }
  }
}

/** parse + compile; `null` for an empty filter. */
export function filterToSql(text: string): SqlFragment | null {
  const node = parseFilter(text);
  return node ? compileFilter(node) : null;
}
