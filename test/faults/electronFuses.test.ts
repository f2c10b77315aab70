/**
 * Fault matrix · the packaged app cannot be repurposed (SECURITY.md, "Electron"): the fuses in
 * electron-builder.yml switch off ELECTRON_RUN_AS_NODE, NODE_OPTIONS and --inspect, switch on cookie
 * encryption and asar integrity, and electron-builder's own schema accepts them. RunAsNode off is only
 * safe because the app starts its hosts with utilityProcess, never child_process.fork: checked too.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(__dirname, '../..');
const requireHere = createRequire(__filename);
const yaml = requireHere('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync(join(repo, 'electron-builder.yml'), 'utf8')) as { electronFuses?: Record<string, boolean> };

describe('faults: Electron fuses in the packaging config', () => {
  it('turns off run-as-node, NODE_OPTIONS and inspect; turns on cookie encryption and asar integrity', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it("passes electron-builder's own schema (a misspelt fuse would be refused)", async () => {
    const builderLib = createRequire(requireHere.resolve('electron-builder'));
    const { validateConfiguration } = builderLib('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = createRequire(builderLib.resolve('app-builder-lib'))('builder-util/out/DebugLogger.js');
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } }, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });

  it('the Electron shell never forks with child_process (it would need RunAsNode)', () => {
    const appDir = join(repo, 'src-main', 'app');
    for (const f of readdirSync(appDir).filter((n) => /\.(ts|cjs)$/.test(n) && n !== 'start.cjs')) {
      const text = readFileSync(join(appDir, f), 'utf8');
      expect(/from 'node:child_process'|require\('(node:)?child_process'\)/.test(text), f).toBe(false);
    }
  });
});
