import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(__dirname, '../../..');
const startScript = join(repo, 'src-main/app/start.cjs');
const { findElectronBinary } = createRequire(__filename)(join(repo, 'src-main/app/electronBinary.cjs')) as {
  findElectronBinary(from?: string): { ok: true; path: string } | { ok: false; reason: string };
};

const scratch = mkdtempSync(join(tmpdir(), 'lamina-start-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runStart(env: Record<string, string>, args: string[] = []) {
  return spawnSync(process.execPath, [startScript, ...args], {
    cwd: repo,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('finding the Electron binary without downloading it', () => {
  it('reports a missing binary with the reason', () => {
    const r = findElectronBinary(repo);
    if (r.ok) expect(existsSync(r.path)).toBe(true);
    else expect(r.reason).toMatch(/path\.txt is missing|does not exist/);
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like require("electron") does', () => {
    const saved = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    try {
      process.env.ELECTRON_OVERRIDE_DIST_PATH = join(scratch, 'nowhere');
      const r = findElectronBinary(repo);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toContain(join(scratch, 'nowhere'));
    } finally {
      if (saved === undefined) delete process.env.ELECTRON_OVERRIDE_DIST_PATH;
      else process.env.ELECTRON_OVERRIDE_DIST_PATH = saved;
    }
  });
});

describe('npm start', () => {
  it('without Electron: says so, points to `npx lamina serve`, exits 1', () => {
    const r = runStart({ ELECTRON_OVERRIDE_DIST_PATH: join(scratch, 'no-electron-here') });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Electron binary not available/);
    expect(r.stderr).toContain('npx lamina serve');
    expect(r.stdout).toBe('');
  });

  it.skipIf(process.platform === 'win32')(
    'with a binary: runs it on the app folder, passes arguments and the exit code through',
    () => {
      // A stand-in executable where Electron would be; it records how it was called.
      const dist = join(scratch, 'dist');
      mkdirSync(dist, { recursive: true });
      const fake = join(dist, 'electron');
      writeFileSync(fake, '#!/bin/sh\necho "argv: $*"\necho "run-as-node: ${ELECTRON_RUN_AS_NODE:-unset}"\nexit 7\n');
      chmodSync(fake, 0o755);
      const r = runStart({ ELECTRON_OVERRIDE_DIST_PATH: dist, ELECTRON_RUN_AS_NODE: '1' }, ['--workspace', '/tmp/ws']);
      if (!existsSync(join(repo, 'out/main/app.js'))) {
        expect(r.status).toBe(1);
        expect(r.stderr).toContain('npm run build');
        return;
      }
      expect(r.status).toBe(7);
      expect(r.stdout).toContain(`argv: ${repo} --workspace /tmp/ws`);
      expect(r.stdout).toContain('run-as-node: unset');
    },
  );
});
