/**
 * The main-process bundles (out/main/*.js): CommonJS, native modules and TensorFlow.js left as
 * run-time requires (unpacked from asar, never inlined), every bare require resolvable in a
 * packaged app (a dependency, not a devDependency), and electron only in the app bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bundleGraph,
  isBuiltin,
  missingBuildReason,
  outDir,
  packageName,
  parseScript,
  readPackageJson,
  repo,
} from './buildOutput';

const entries = ['app', 'cli', 'trainingHost'] as const;
const files = Object.fromEntries(entries.map((e) => [e, join(outDir, 'main', `${e}.js`)])) as Record<
  (typeof entries)[number],
  string
>;
const built = entries.every((e) => existsSync(files[e]));
const NATIVE = ['better-sqlite3', 'sharp', '@img', '@tensorflow'];

describe.runIf(built)('main-process bundles', () => {
  const graphs = built ? Object.fromEntries(entries.map((e) => [e, bundleGraph(files[e])])) : {};
  const g = (e: (typeof entries)[number]) => graphs[e]!;

  it('are CommonJS (parse as classic scripts)', () => {
    for (const e of entries)
      for (const f of g(e).files) expect(() => parseScript(readFileSync(f, 'utf8')), f).not.toThrow();
  });

  it('only the app bundle requires electron (cli and trainingHost run under plain Node)', () => {
    expect(g('app').bare.has('electron')).toBe(true);
    expect([...g('cli').bare]).not.toContain('electron');
    expect([...g('trainingHost').bare]).not.toContain('electron');
  });

  it('keep better-sqlite3, sharp and @tensorflow/* external: required at run time, never inlined', () => {
    expect(g('cli').bare).toContain('better-sqlite3');
    expect(g('app').bare).toContain('better-sqlite3');
    expect([...g('trainingHost').bare].some((s) => s.startsWith('@tensorflow/'))).toBe(true);
    for (const e of entries) {
      for (const f of g(e).files) {
        const code = readFileSync(f, 'utf8');
        for (const pkg of NATIVE)
          expect(code, `${f} inlines ${pkg}`).not.toMatch(new RegExp(`^//(#region)? node_modules/${pkg}/`, 'm'));
        expect(code, `${f} inlines better-sqlite3's loader`).not.toContain("('better_sqlite3.node')");
      }
    }
  });

  it('require only builtins and production dependencies (devDependencies are not packaged)', () => {
    const pkg = readPackageJson();
    const shipped = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})]);
    for (const e of entries) {
      const strays = [...g(e).bare].filter(
        (s) => !isBuiltin(s) && !(e === 'app' && s === 'electron') && !shipped.has(packageName(s)),
      );
      expect(strays, `${e}.js requires modules a packaged app will not have`).toEqual([]);
    }
  });

  it('package.json main is the app bundle', () => {
    expect(join(repo, readPackageJson().main)).toBe(join(repo, 'out', 'main', 'app.js'));
  });
});

// Only when the build is missing: one skipped test whose name says why.
if (!built) describe('main-process bundles', () => {
  it.skip(missingBuildReason('out/main/{app,cli,trainingHost}.js'), () => {});
});
