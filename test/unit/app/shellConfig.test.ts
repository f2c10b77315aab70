import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appPaths, asarUnpackedPath, esbuildBinarySubpath } from '../../../src-main/app/appPaths';
import { initialWorkspace, workspaceArg } from '../../../src-main/app/launchArgs';
import { secureWebPreferences } from '../../../src-main/app/webPreferences';
import { defaultWorkspaceDir } from '../../../src-main/core/workspace/workspace';

const repo = resolve(__dirname, '../../..');

describe('main window web preferences', () => {
  it('are the secure defaults, with our preload', () => {
    const prefs = secureWebPreferences('/app/out/preload/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('built file layout', () => {
  it('points from out/main to the preload and renderer that electron.vite.config.ts emits', () => {
    const p = appPaths(join(repo, 'out', 'main'));
    expect(p.preload).toBe(join(repo, 'out', 'preload', 'preload.cjs'));
    expect(p.rendererRoot).toBe(join(repo, 'out', 'renderer'));
  });

  it('maps asar paths to their unpacked twins (either separator), and leaves others alone', () => {
    expect(asarUnpackedPath('/opt/Lamina/resources/app.asar/node_modules/x')).toBe(
      '/opt/Lamina/resources/app.asar.unpacked/node_modules/x',
    );
    expect(asarUnpackedPath('C:\\Lamina\\resources\\app.asar\\node_modules\\x')).toBe(
      'C:\\Lamina\\resources\\app.asar.unpacked\\node_modules\\x',
    );
    expect(asarUnpackedPath('/home/me/app.asarx/y')).toBe('/home/me/app.asarx/y');
  });

  it("names esbuild's binary where its platform package puts it", () => {
    expect(esbuildBinarySubpath('win32', 'x64')).toBe('@esbuild/win32-x64/esbuild.exe');
    const here = join(repo, 'node_modules', esbuildBinarySubpath(process.platform, process.arch));
    expect(existsSync(here), here).toBe(true);
  });
});

describe('workspace at launch', () => {
  it('reads --workspace in both spellings', () => {
    expect(workspaceArg(['.', '--workspace', '/w'])).toBe('/w');
    expect(workspaceArg(['--workspace=/v'])).toBe('/v');
    expect(workspaceArg(['--workspace'])).toBeNull();
    expect(workspaceArg(['--inspect'])).toBeNull();
  });

  it('prefers the argument, then $LAMINA_WORKSPACE, then the last one, then the default', () => {
    const recent = ['/last', '/older'];
    expect(initialWorkspace(['--workspace', 'rel'], { LAMINA_WORKSPACE: '/env' }, recent, '/cwd')).toBe(
      resolve('/cwd', 'rel'),
    );
    expect(initialWorkspace([], { LAMINA_WORKSPACE: '/env' }, recent)).toBe(resolve('/env'));
    expect(initialWorkspace([], {}, recent)).toBe('/last');
    expect(initialWorkspace([], {}, [])).toBe(defaultWorkspaceDir({}));
  });
});
