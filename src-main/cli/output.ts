/**
 * CLI output under the contract: with --json, stdout holds exactly one JSON document and
 * everything human goes to stderr; without it, human text goes to stdout. Progress bars
 * draw only on a terminal.
 */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {}

  /** The command's result: the JSON document, or a human rendering of it. */
  result(data: unknown, human: () => string): void {
    if (this.json) this.stdout.write(JSON.stringify(data, jsonSafe, 2) + '\n');
    else this.stdout.write(human() + '\n');
  }

  /** Human information that is not the result. */
  info(text: string): void {
    (this.json ? this.stderr : this.stdout).write(text + '\n');
  }

  warn(text: string): void {
    this.stderr.write(text + '\n');
  }

  get interactive(): boolean {
    return Boolean(this.stderr.isTTY);
  }

  progress(label: string): ProgressBar {
    return new ProgressBar(this.interactive ? this.stderr : null, label);
  }
}

/** Infinity and NaN are not JSON: write them as strings rather than silently as null. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

export class ProgressBar {
  private lastDraw = 0;
  constructor(
    private readonly stream: NodeJS.WriteStream | null,
    private readonly label: string,
  ) {}

  update(fraction: number, detail = ''): void {
    if (!this.stream) return;
    const now = Date.now();
    if (now - this.lastDraw < 80 && fraction < 1) return;
    this.lastDraw = now;
    const width = 28;
    const f = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(f * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    this.stream.write(`\r${this.label} ${bar} ${(f * 100).toFixed(0).padStart(3)}% ${detail}`.slice(0, (this.stream.columns || 100) - 1).padEnd(Math.min(this.stream.columns || 100, 100) - 1));
  }

  done(): void {
    if (this.stream) this.stream.write('\n');
  }
}

export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function formatMetric(v: number | undefined): string {
  if (v === undefined) return '';
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4);
}
