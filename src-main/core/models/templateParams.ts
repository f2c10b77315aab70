/**
 * The parameters a model source reads, found without running it: every `param('name', default)`
 * call (the ModelContext's `ctx.param`). Lets the CLI list a template's parameters and catch a
 * mistyped `--param` before a run records it.
 */
export interface ModelParam {
  name: string;
  /** The default as written in the source (e.g. `32`, `'relu'`, `true`). */
  default: string;
}

export interface ModelParams {
  params: ModelParam[];
  /** True when some `param(…)` call names its parameter with an expression: the list may be incomplete. */
  dynamic: boolean;
}

export function modelParams(source: string): ModelParams {
  const params = new Map<string, string>();
  let dynamic = false;
  for (const m of source.matchAll(/\bparam\s*\(\s*([^,)]*)\s*(?:,\s*([^)\n]*?))?\s*\)/g)) {
    const literal = m[1]!.trim().match(/^(['"`])([^'"`]+)\1$/);
    if (!literal) {
      dynamic = true;
      continue;
    }
    const name = literal[2]!;
    // Nested calls in the default (`ctx.param('loss', ctx.task === … ? 'a' : 'b')`) are kept as written.
    if (!params.has(name)) params.set(name, (m[2] ?? '').trim());
  }
  return { params: [...params].map(([name, def]) => ({ name, default: def })), dynamic };
}
