/**
 * electron-builder.yml: valid by electron-builder's own schema, and its asarUnpack globs
 * really match the native files of the installed modules (a packaged app cannot dlopen or
 * spawn from inside app.asar).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo, readPackageJson } from './buildOutput';

const requireHere = createRequire(__filename);
const yaml = requireHere('js-yaml') as { load(text: string): unknown };
const { minimatch } = requireHere('minimatch') as { minimatch(path: string, pattern: string, opts?: object): boolean };

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  win: { target: { target: string }[] };
  mac: { target: { target: string }[] };
  linux: { target: { target: string }[] };
}

const config = yaml.load(readFileSync(join(repo, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

function filesUnder(dir: string, keep: (f: string) => boolean, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) filesUnder(p, keep, out);
    else if (keep(p)) out.push(p);
  }
  return out;
}

const appRelative = (abs: string) => relative(repo, abs).split(sep).join('/');
const unpacked = (abs: string) => config.asarUnpack.some((g) => minimatch(appRelative(abs), g, { dot: true }));

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration schema", async () => {
    const builderLib = createRequire(requireHere.resolve('electron-builder'));
    const { validateConfiguration } = builderLib('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = createRequire(builderLib.resolve('app-builder-lib'))('builder-util/out/DebugLogger.js');
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, asarUnpak: [] }, new DebugLogger(false))).rejects.toThrow(
      /asarUnpak/,
    );
  });

  it('names the app and packs the build output and manifest', () => {
    expect(config.productName).toBe('Lamina');
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config.asar).toBe(true);
    expect(readPackageJson().scripts.dist).toMatch(/build.*electron-builder/);
  });

  it('targets NSIS on Windows, dmg on macOS, AppImage and deb on Linux', () => {
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.mac.target.map((t) => t.target)).toEqual(['dmg']);
    expect(config.linux.target.map((t) => t.target)).toEqual(['AppImage', 'deb']);
  });

  it('ships templates and sample datasets as real files beside app.asar', () => {
    const res = config.extraResources.find((r) => r.from === 'resources');
    expect(res?.to).toBe('resources');
    expect(res?.filter).toEqual(expect.arrayContaining(['templates/**', 'samples/**']));
    for (const sub of ['templates', 'samples'])
      expect(readdirSync(join(repo, 'resources', sub)).length, sub).toBeGreaterThan(0);
  });

  it('unpacks every native module file that is installed', () => {
    const nm = join(repo, 'node_modules');
    const natives = [
      ...filesUnder(join(nm, 'better-sqlite3'), (f) => f.endsWith('.node')),
      ...filesUnder(join(nm, '@img'), (f) => /\.node$|\.so(\.\d+)*$|\.dylib$|\.dll$/.test(f)),
      ...filesUnder(
        join(nm, '@tensorflow'),
        (f) => f.endsWith('.node') || f.endsWith('.wasm') || /libtensorflow/.test(f),
      ),
      ...filesUnder(join(nm, '@esbuild'), (f) => /[\\/]esbuild(\.exe)?$/.test(f)),
    ];
    // The ones this machine must have: the SQLite addon, sharp's addon + libvips, the wasm backend, esbuild.
    expect(natives.some((f) => f.endsWith('better_sqlite3.node'))).toBe(true);
    expect(natives.some((f) => /sharp-[^/\\]+\.node$/.test(f))).toBe(true);
    expect(natives.some((f) => /libvips/.test(f))).toBe(true);
    expect(natives.filter((f) => f.endsWith('.wasm')).length).toBeGreaterThanOrEqual(3);
    expect(natives.some((f) => /@esbuild/.test(f))).toBe(true);
    expect(natives.filter((f) => !unpacked(f)).map(appRelative)).toEqual([]);
    // And the globs are not so wide that they unpack ordinary JavaScript of other packages.
    expect(unpacked(join(nm, 'zod', 'package.json'))).toBe(false);
    expect(unpacked(join(repo, 'out', 'main', 'app.js'))).toBe(false);
  });
});
