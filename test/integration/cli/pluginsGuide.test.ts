/**
 * The plugin guide as a user follows it: PLUGINS.md's steps, the scaffold's printout and the
 * scaffold's README, each run exactly as written by bash from a folder outside the checkout, with
 * the `lamina` command on the PATH (not `npx`, not a path into the checkout), a fresh HOME and a
 * fresh workspace.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliBuilt, repoRoot } from '../../helpers/cli';
import { fencedShellBlocks, indentedCommands } from '../../helpers/docCommands';
import { laminaOnPath, type LaminaOnPath } from '../../helpers/laminaOnPath';

const link: LaminaOnPath = cliBuilt ? laminaOnPath() : { ok: false, reason: 'out/ is missing: run `npm run build`' };
if (link.ok) console.log(`pluginsGuide: ${link.how}`);

interface Shell {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A user's shell: HOME, workspace and cwd all outside the checkout; nothing inherited that points into it. */
function userShell(script: string, opts: { home: string; workspace: string; cwd: string }): Promise<Shell> {
  if (!link.ok) throw new Error(link.reason);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: opts.home, LAMINA_WORKSPACE: opts.workspace, PATH: link.PATH };
  for (const k of ['LAMINA_HOME', 'LAMINA_PLUGINS_DIR', 'LAMINA_BUILTIN_PLUGINS', 'NODE_PATH']) delete env[k];
  const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function userDirs(): { home: string; workspace: string; cwd: string } {
  const root = mkdtempSync(join(tmpdir(), 'lamina-guide-'));
  const dirs = { home: join(root, 'home'), workspace: join(root, 'workspace'), cwd: join(root, 'somewhere') };
  for (const d of [dirs.home, dirs.cwd]) mkdirSync(d, { recursive: true });
  return dirs;
}

describe.skipIf(!link.ok)(`plugin docs run as written with \`lamina\` on the PATH${link.ok ? '' : ` (skipped: ${link.reason})`}`, () => {
  it('the shell runs the checkout\'s lamina, from outside the checkout', async () => {
    const r = await userShell('command -v lamina\nlamina --version', userDirs());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).not.toContain(repoRoot + '/');
  });

  it('PLUGINS.md §1 and §2: create, build and test, validate, install, list, train with the plugin\'s template and metric', async () => {
    const guide = readFileSync(join(repoRoot, 'PLUGINS.md'), 'utf8');
    const steps = [...fencedShellBlocks(guide, '1. Create, build, test'), ...fencedShellBlocks(guide, '2. Validate and install')];
    expect(steps).toHaveLength(2);
    const r = await userShell(steps.join('\n'), userDirs());
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('# pass 2'); // the scaffold's own tests
    expect(r.stdout).toMatch(/acme-metrics\s+0\.1\.0\s+yes/); // lamina plugins
    expect(r.stdout).toMatch(/acme-metrics-mlp\s+Acme Metrics MLP\s+acme-metrics/); // lamina templates
    expect(r.stdout).toMatch(/Run \w+ completed/);
    expect(r.stdout).toMatch(/test_balanced_accuracy\s+\d\.\d{4}/);
  });

  it('the scaffold\'s printout, then its README, run as written', async () => {
    const dirs = userDirs();
    const created = await userShell('lamina plugin create my-plugin --name "My Plugin"', dirs);
    expect(created.code, created.stderr).toBe(0);
    const printed = indentedCommands(created.stdout, 2);
    expect(printed).toContain('lamina plugin install');
    const followed = await userShell(printed, dirs);
    expect(followed.code, `${printed}\n---\n${followed.stdout}\n${followed.stderr}`).toBe(0);
    expect(followed.stdout).toMatch(/test_balanced_accuracy\s+\d\.\d{4}/);

    const readme = readFileSync(join(dirs.cwd, 'my-plugin', 'README.md'), 'utf8');
    const steps = indentedCommands(readme, 4);
    expect(steps).toContain('lamina train');
    const fresh = { ...dirs, workspace: join(dirs.workspace, '..', 'workspace-2'), cwd: join(dirs.cwd, 'my-plugin') };
    const r = await userShell(steps, fresh);
    expect(r.code, `${steps}\n---\n${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/test_balanced_accuracy\s+\d\.\d{4}/);
  });
});
