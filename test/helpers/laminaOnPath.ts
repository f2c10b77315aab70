/**
 * `lamina` as a user types it: the command on the PATH, linked to THIS checkout (`npm run setup` /
 * `.ci/run` run `npm link`). Where the PATH's `lamina` is missing or belongs to another checkout, a
 * private `npm link` into a temp prefix gives the same launcher without touching the user's global
 * folder; only when that fails too do tests skip, with the reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { repoRoot } from './cli';

export type LaminaOnPath = { ok: true; PATH: string; bin: string; how: string } | { ok: false; reason: string };

const launcher = join(repoRoot, 'src-main', 'cli', 'lamina.cjs');

function onPath(PATH: string): string | null {
  for (const dir of PATH.split(delimiter)) {
    const p = join(dir, 'lamina');
    if (dir && existsSync(p)) return p;
  }
  return null;
}

export function laminaOnPath(): LaminaOnPath {
  const PATH = process.env.PATH ?? '';
  const found = onPath(PATH);
  if (found && realpathSync(found) === realpathSync(launcher)) return { ok: true, PATH, bin: found, how: `lamina on the PATH (${found})` };
  const prefix = mkdtempSync(join(tmpdir(), 'lamina-link-'));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const link = spawnSync(npm, ['link', '--no-audit', '--no-fund', '--offline'], {
    cwd: repoRoot,
    env: { ...process.env, npm_config_prefix: prefix },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const bin = join(prefix, 'bin', 'lamina');
  if (link.status !== 0 || !existsSync(bin)) {
    const why = found ? `the PATH's lamina (${found}) is another checkout's` : 'lamina is not on the PATH (run `npm link` after `npm run build`)';
    return { ok: false, reason: `${why}, and \`npm link\` into a temp prefix failed: ${(link.stderr || String(link.error)).trim().split('\n').pop()}` };
  }
  return {
    ok: true,
    PATH: `${join(prefix, 'bin')}${delimiter}${PATH}`,
    bin,
    how: `${found ? `the PATH's lamina is another checkout's (${found})` : 'lamina is not on the PATH'}; linked this checkout privately with npm link (${bin})`,
  };
}
