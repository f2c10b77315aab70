/**
 * The CLI explains itself (issue "The first hour"): on the built CLI, real workspaces, real runs.
 * Mistakes exit 2 before anything is recorded, with one line that says what was meant; help
 * documents defaults, values and examples; pipes, replays and plugin packaging behave.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtCli, cliBuilt, lamina, repoRoot, tempWorkspace } from '../../helpers/cli';

/** No stack traces, no doubled prefix: one line (plus nothing) on stderr. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/lamina: lamina/);
  return lines[0]!;
}

/** A shell pipeline with the built CLI as `lamina`. */
function sh(script: string, ws: string) {
  return spawnSync('bash', ['-c', `lamina() { node ${JSON.stringify(builtCli)} "$@" --workspace ${JSON.stringify(ws)}; }\n${script}`], { encoding: 'utf8', cwd: repoRoot });
}

describe.skipIf(!cliBuilt)('the CLI explains itself (built output; skipped when out/ is missing: run `npm run build`)', () => {
  const ws = tempWorkspace();
  let run = '';
  const runCount = async () => (await lamina(['runs', '--json'], ws)).json.length as number;

  beforeAll(async () => {
    expect((await lamina(['import', 'sample:iris'], ws)).code).toBe(0);
    // 60 epochs of the MLP: an export well over a pipe's 64 KiB buffer.
    const r = await lamina(['train', '--dataset', 'iris', '--model', 'template:mlp', '--epochs', '60', '--backend', 'cpu', '--seed', '4', '--json'], ws);
    expect(r.code, r.stderr).toBe(0);
    run = r.json.id;
  });

  it('--model mlp (no template:) exits 2 before any run and says template:mlp', async () => {
    const before = await runCount();
    const r = await lamina(['train', '--dataset', 'iris', '--model', 'mlp'], ws);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain('no model file mlp; did you mean template:mlp?');
    const missing = await lamina(['train', '--dataset', 'iris', '--model', 'my-model.ts'], ws);
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toContain('no model file my-model.ts');
    const typo = await lamina(['train', '--dataset', 'iris', '--model', 'template:mpl'], ws);
    expect(typo.code).toBe(2);
    expect(oneLine(typo.stderr)).toContain('did you mean template:mlp?');
    expect(await runCount()).toBe(before);
  });

  it('export | head -1 ends quietly; a bad --out is one line with exit 2; --format CSV is csv', () => {
    const piped = sh(`lamina export ${run} --format csv | head -1; echo "exit=\${PIPESTATUS[0]}" >&2`, ws);
    expect(piped.stdout).toBe('run_id,section,key,step,epoch,value,time\n');
    expect(piped.stderr.trim()).toBe('exit=0');

    const bad = sh(`lamina export ${run} --out /no/such/folder/run.csv`, ws);
    expect(bad.status).toBe(2);
    expect(oneLine(bad.stderr)).toBe('lamina: --out /no/such/folder/run.csv: the folder /no/such/folder does not exist');
    const folder = sh(`lamina export ${run} --out ${JSON.stringify(tmpdir())}`, ws);
    expect(folder.status).toBe(2);
    expect(oneLine(folder.stderr)).toContain('is a folder');

    const upper = sh(`lamina export ${run} --format CSV`, ws);
    expect(upper.status, upper.stderr).toBe(0);
    expect(upper.stdout.split('\n')[0]).toBe('run_id,section,key,step,epoch,value,time');
  });

  it('unknown options and commands get a suggestion; --order-by -KEY needs no "="; no doubled prefix', async () => {
    const epoch = await lamina(['train', '--dataset', 'iris', '--model', 'template:mlp', '--epoch', '3'], ws);
    expect(epoch.code).toBe(2);
    expect(oneLine(epoch.stderr)).toBe('lamina: unknown option --epoch; did you mean --epochs? (lamina train --help lists the options)');
    const trian = await lamina(['trian'], ws);
    expect(trian.code).toBe(2);
    expect(trian.stderr.split('\n')[0]).toBe('lamina: unknown command "trian"; did you mean train?');

    const desc = await lamina(['runs', '--order-by', '-metrics.test_accuracy', '--json'], ws);
    expect(desc.code, desc.stderr).toBe(0);
    const acc = desc.json.map((r: { metrics: Record<string, number> }) => r.metrics.test_accuracy ?? -1);
    expect(acc).toEqual([...acc].sort((a: number, b: number) => b - a));

    const needs = await lamina(['train', '--model', 'template:mlp'], ws);
    expect(needs.code).toBe(2);
    expect(oneLine(needs.stderr)).toBe('lamina train needs --dataset ID|NAME');
  });

  it('each command\'s --help lists defaults, accepted values, the global options and examples', async () => {
    const train = await lamina(['train', '--help'], ws);
    expect(train.code).toBe(0);
    for (const s of ['--epochs N', 'default 20', 'sgd, momentum, adam, adagrad, adadelta, rmsprop', 'tensorflow, wasm, cpu', '--workspace DIR', '--json', 'Examples:', 'lamina train --dataset iris --model template:mlp']) {
      expect(train.stdout).toContain(s);
    }
    const runs = await lamina(['runs', '--help'], ws);
    expect(runs.stdout).toContain('Filter language');
    expect(runs.stdout).toMatch(/metrics\.KEY.*params\.KEY.*tags\.KEY/);
    expect(runs.stdout).toContain('like');
    const exp = await lamina(['export', '--help'], ws);
    expect(exp.stdout).toContain('--format json|csv');
    // Every example under "Examples:" that needs no run id runs as written.
    const examples = train.stdout.split('Examples:\n')[1]!.split('\n\n')[0]!.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('lamina train') && !l.includes('./my-model.ts'));
    expect(examples.length).toBeGreaterThan(0);
    const tried = sh(examples.map((e) => `${e} --epochs 1 >/dev/null`).join('\n') + '\necho ok', ws);
    expect(tried.stdout.trim(), tried.stderr).toBe('ok');
  });

  it("lists a template's parameters; an unknown --param is refused unless --param-unchecked", async () => {
    const p = await lamina(['templates', '--params', 'mlp', '--json'], ws);
    expect(p.code).toBe(0);
    expect(p.json.params).toEqual(expect.arrayContaining([{ name: 'hidden', default: "'32,16'" }, { name: 'dropout', default: '0' }]));
    const human = await lamina(['templates', '--params', 'mlp'], ws);
    expect(human.stdout).toMatch(/hidden\s+'32,16'/);

    const before = await runCount();
    const typo = await lamina(['train', '--dataset', 'iris', '--model', 'template:mlp', '--param', 'dropuot=0.1', '--epochs', '1'], ws);
    expect(typo.code).toBe(2);
    expect(oneLine(typo.stderr)).toContain('"dropuot" (did you mean dropout?)');
    expect(await runCount()).toBe(before);

    const insisted = await lamina(['train', '--dataset', 'iris', '--model', 'template:mlp', '--param', 'note=x', '--param-unchecked', '--epochs', '1', '--json'], ws);
    expect(insisted.code, insisted.stderr).toBe(0);
    expect(insisted.stderr).toContain('warning: --param "note" not read by the model');
    const shown = await lamina(['show', insisted.json.id, '--json'], ws);
    expect(shown.json.params.note).toBe('x');
  });

  it('replay shows progress on a terminal, and lamina runs marks the replay with its original', async () => {
    const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
    if (hasScript) {
      // `script` gives the CLI a real terminal (a pty), where progress bars draw.
      const cmd = `node ${builtCli} replay ${run} --workspace ${ws}`;
      const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', cwd: repoRoot });
      expect(r.status, r.stdout).toBe(0);
      expect(r.stdout).toMatch(/replaying [█░]+\s+\d+% epoch \d+\/60/);
      expect(r.stdout).toContain('matches');
    } else {
      console.log('replay progress on a terminal: not checked (no `script` command to make a pty)');
      expect((await lamina(['replay', run], ws)).code).toBe(0);
    }
    const piped = await lamina(['replay', run], ws);
    expect(piped.stderr).not.toContain('%'); // no bar when not on a terminal
    const list = await lamina(['runs'], ws);
    expect(list.stdout).toContain('REPLAY OF');
    expect(list.stdout).toMatch(new RegExp(`\\s${run.slice(0, 8)}\\s`));
    const json = await lamina(['runs', '--json'], ws);
    expect(json.json.filter((r: { tags: Record<string, string> }) => r.tags.replay_of === run).length).toBeGreaterThanOrEqual(2);
  });

  it("the scaffold's npm pack installs; uninstall removes it; a disabled plugin's template says so", () => {
    const dir = mkdtempSync(join(tmpdir(), 'lamina-pack-'));
    const pws = tempWorkspace();
    const made = sh(
      [
        `cd ${dir}`,
        'lamina plugin create acme --name Acme >/dev/null',
        'cd acme && node build.mjs >/dev/null',
        'npm pack --silent --offline >/dev/null',
        'lamina plugin install acme-0.1.0.tgz',
        'lamina import sample:iris >/dev/null',
        'lamina plugin disable acme',
      ].join(' && '),
      pws,
    );
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain('Installed acme 0.1.0');

    const disabled = sh('lamina train --dataset iris --model template:acme-mlp', pws);
    expect(disabled.status).toBe(2);
    expect(oneLine(disabled.stderr)).toContain('comes from plugin "acme", which is disabled; enable it with: lamina plugin enable acme');

    const gone = sh('lamina plugin uninstall acme && lamina plugins --no-check --json', pws);
    expect(gone.status, gone.stderr).toBe(0);
    expect(gone.stdout).toContain('Uninstalled acme');
    const again = sh('lamina plugin uninstall acme', pws);
    expect(again.status).toBe(2);
    expect(oneLine(again.stderr)).toContain('no plugin "acme"');

    // A tarball packed without "files" lacks dist/: the message says why, not "build the plugin first?".
    const pkgFile = join(dir, 'acme', 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    delete pkg.files;
    writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
    const unpacked = sh(`cd ${dir}/acme && rm -f *.tgz && npm pack --silent --offline >/dev/null && lamina plugin install acme-0.1.0.tgz`, pws);
    expect(unpacked.status).toBe(2);
    // `plugin install` first says that installing is consenting to run the plugin (SECURITY.md); the error follows in one line.
    const line = oneLine(unpacked.stderr.replace(/^Installing a plugin is consenting to run it\..*\n/, ''));
    expect(line).toContain('the package has no dist/index.js');
    expect(line).toContain('"files"');
    expect(line).not.toContain('build the plugin first');

    const builtin = sh('lamina plugins --no-check --json', pws);
    const first = JSON.parse(builtin.stdout).find((p: { origin: string }) => p.origin === 'builtin');
    if (first) {
      const refused = sh(`lamina plugin uninstall ${first.id}`, pws);
      expect(refused.status).toBe(2);
      expect(oneLine(refused.stderr)).toContain(`lamina plugin disable ${first.id}`);
    }
  });
});
