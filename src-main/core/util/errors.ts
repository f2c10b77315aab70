/**
 * Errors the core raises on purpose. `kind` maps onto the CLI's exit codes
 * (usage/input → 2, failed → 1) and onto typed API errors.
 */
export type LaminaErrorKind = 'input' | 'usage' | 'not-found' | 'failed' | 'conflict';

export interface ErrorLocation {
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column number, or a column name. */
  column?: number | string;
  /** A field of a manifest, request or config. */
  field?: string;
}

export class LaminaError extends Error {
  readonly kind: LaminaErrorKind;
  readonly location: ErrorLocation;

  constructor(kind: LaminaErrorKind, message: string, location: ErrorLocation = {}) {
    super(message);
    this.name = 'LaminaError';
    this.kind = kind;
    this.location = location;
  }

  /** Exit code under the CLI contract: 2 for bad usage or input, 1 otherwise. */
  get exitCode(): number {
    return this.kind === 'failed' || this.kind === 'conflict' ? 1 : 2;
  }
}

/** "file:line:column: message" — the form editors and terminals turn into links. */
export function formatLocation(loc: ErrorLocation): string {
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file);
  if (loc.line !== undefined) parts.push(String(loc.line));
  if (loc.column !== undefined && typeof loc.column === 'number') parts.push(String(loc.column));
  let s = parts.join(':');
  if (loc.column !== undefined && typeof loc.column === 'string') s += `${s ? ' ' : ''}(column "${loc.column}")`;
  if (loc.field) s += `${s ? ' ' : ''}(field "${loc.field}")`;
  return s;
}

export const inputError = (message: string, location: ErrorLocation = {}) =>
  new LaminaError('input', message, location);
export const notFound = (message: string) => new LaminaError('not-found', message);
