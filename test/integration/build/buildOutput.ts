/**
 * Helpers for the build-output tests: where out/ is, and what a CommonJS bundle requires,
 * read from its syntax tree (acorn) rather than by regular expression.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import * as acorn from 'acorn';

export const repo = resolve(__dirname, '../../..');
/** LAMINA_OUT_DIR lets a check run against a build made elsewhere. */
export const outDir = process.env.LAMINA_OUT_DIR ? resolve(process.env.LAMINA_OUT_DIR) : join(repo, 'out');
export const missingBuildReason = (file: string) =>
  `${file} is missing: run \`npx electron-vite build\` first (these tests check its output)`;

export interface ModuleRefs {
  /** Literal arguments of require(...) */
  requires: string[];
  /** require(...) / import(...) calls whose argument is not a string literal. */
  dynamic: number;
  /** Literal arguments of import(...) */
  imports: string[];
}

type Node = acorn.Node & Record<string, unknown>;

function walk(node: unknown, visit: (n: Node) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit));
  const n = node as Node;
  if (typeof n.type === 'string') visit(n);
  for (const key of Object.keys(n)) {
    if (key !== 'type' && key !== 'start' && key !== 'end') walk(n[key], visit);
  }
}

/** Parses as a classic script: an `import`/`export` statement is a syntax error there. */
export function parseScript(code: string): acorn.Program {
  return acorn.parse(code, {
    ecmaVersion: 'latest',
    sourceType: 'script',
    allowHashBang: true,
    allowReturnOutsideFunction: true,
  });
}

export function moduleRefs(code: string): ModuleRefs {
  const refs: ModuleRefs = { requires: [], dynamic: 0, imports: [] };
  walk(parseScript(code), (n) => {
    if (n.type === 'CallExpression') {
      const callee = n.callee as Node;
      if (callee.type === 'Identifier' && callee.name === 'require') {
        const arg = (n.arguments as Node[])[0];
        if (arg && arg.type === 'Literal' && typeof arg.value === 'string') refs.requires.push(arg.value);
        else refs.dynamic++;
      }
    } else if (n.type === 'ImportExpression') {
      const src = n.source as Node;
      if (src.type === 'Literal' && typeof src.value === 'string') refs.imports.push(src.value);
      else refs.dynamic++;
    }
  });
  return refs;
}

export interface BundleGraph {
  /** Files reached from the entry through relative requires (the entry first). */
  files: string[];
  /** Bare specifiers required anywhere in those files. */
  bare: Set<string>;
  dynamic: number;
}

/** Follows an entry's relative requires (shared chunks) and collects every bare specifier. */
export function bundleGraph(entry: string): BundleGraph {
  const graph: BundleGraph = { files: [], bare: new Set(), dynamic: 0 };
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    if (graph.files.includes(file)) continue;
    graph.files.push(file);
    const refs = moduleRefs(readFileSync(file, 'utf8'));
    graph.dynamic += refs.dynamic;
    for (const spec of [...refs.requires, ...refs.imports]) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        queue.push(existsSync(target) ? target : `${target}.js`);
      } else {
        graph.bare.add(spec);
      }
    }
  }
  return graph;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

export function isBuiltin(spec: string): boolean {
  return spec.startsWith('node:') || builtinModules.includes(spec);
}

export function readPackageJson(): {
  main: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
} {
  return JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
}
