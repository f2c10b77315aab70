/**
 * Plugins that fail, through the BUILT CLI with real host processes: one that throws at load is
 * disabled with its error shown by `lamina plugins` while the others stay usable; one whose
 * trainer throws fails only that run, naming the plugin. Also a plugin trainer with nested
 * child runs, a plugin metric on a normal run, a plugin dataset importer, and plugin commands
 * (last: the one that throws disables its plugin).
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBuilt, lamina, sharedDatasets, tempWorkspace } from '../../helpers/cli';

const fixtures = resolve(__dirname, '../../fixtures/plugins');

interface Listed {
  id: string;
  enabled: boolean;
  error?: string;
}

describe.skipIf(!cliBuilt)('failing plugins and plugin contributions', () => {
  const userDir = mkdtempSync(join(tmpdir(), 'lamina-user-plugins-'));
  const env = { LAMINA_PLUGINS_DIR: userDir };
  const ws = tempWorkspace('lamina-plugin-fail-');
  const cli = (args: string[]) => lamina(args, ws, env);

  beforeAll(async () => {
    for (const name of ['good-js', 'throws-at-load', 'throwing-trainer']) cpSync(join(fixtures, name), join(userDir, name), { recursive: true });
    expect((await cli(['import', join(sharedDatasets, 'iris.csv'), '--name', 'iris', '--json'])).code).toBe(0);
  });

  it('a plugin that throws at load is disabled with its error; the others stay listed and enabled', async () => {
    const r = await cli(['plugins', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const byId = new Map((r.json as Listed[]).map((p) => [p.id, p]));
    expect(byId.get('throws-at-load')).toMatchObject({ enabled: false });
    expect(byId.get('throws-at-load')!.error).toContain('kaboom while loading');
    expect(byId.get('throws-at-load')!.error).toMatch(/^load: /);
    expect(byId.get('good-js')).toMatchObject({ enabled: true });
    expect(byId.get('good-js')!.error).toBeUndefined();
    expect(byId.get('throwing-trainer')).toMatchObject({ enabled: true });
    const human = await cli(['plugins']);
    expect(human.stdout).toContain('kaboom while loading');
  });

  it('the other plugins stay usable: template, metric and trainer with nested child runs', async () => {
    const run = await cli(['train', '--dataset', 'iris', '--model', 'template:good-linear', '--epochs', '10', '--seed', '1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.metrics.test_error_rate).toBeCloseTo(1 - run.json.metrics.test_accuracy, 6);

    const t = await cli(['train', '--dataset', 'iris', '--trainer', 'bagged-logreg', '--epochs', '30', '--seed', '5', '--param', 'members=3', '--json']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.json.status).toBe('completed');
    expect(t.json.metrics.test_accuracy).toBeGreaterThan(0.7);
    expect(t.json.metrics.test_error_rate).toBeCloseTo(1 - t.json.metrics.test_accuracy, 6);
    expect(t.json.metrics.members_trained).toBe(3);

    const db = new Database(join(ws, 'lamina.db'), { readonly: true });
    try {
      const children = db.prepare('SELECT id, name, status FROM runs WHERE parent_run_id = ? ORDER BY name').all(t.json.id) as { id: string; name: string; status: string }[];
      expect(children.map((c) => [c.name, c.status])).toEqual([['member-1', 'completed'], ['member-2', 'completed'], ['member-3', 'completed']]);
      const losses = db.prepare(`SELECT count(*) AS n FROM metrics WHERE run_id = ? AND key = 'loss'`).get(children[0].id) as { n: number };
      expect(losses.n).toBe(30);
    } finally {
      db.close();
    }
    const show = await cli(['show', t.json.id, '--json']);
    const text = JSON.stringify(show.json);
    expect(text).toContain('ensemble.json');
    expect(text).toContain('"members"');
  });

  it('a trainer that throws fails its run, naming the plugin; other runs are fine', async () => {
    const bad = await cli(['train', '--dataset', 'iris', '--trainer', 'explodes', '--epochs', '2', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json.status).toBe('failed');
    expect(bad.json.error).toContain('plugin "throwing-trainer"');
    expect(bad.json.error).toContain('boom inside the trainer');

    const list = (await cli(['plugins', '--json', '--no-check'])).json as Listed[];
    const tt = list.find((p) => p.id === 'throwing-trainer')!;
    expect(tt.enabled).toBe(false);
    expect(tt.error).toContain('trainer: boom inside the trainer');

    const good = await cli(['train', '--dataset', 'iris', '--model', 'template:mlp', '--epochs', '3', '--json']);
    expect(good.code, good.stderr).toBe(0);
    expect(good.json.metrics.test_error_rate).toBeDefined();

    // Disabled now: choosing it is a usage error that names what is available.
    const again = await cli(['train', '--dataset', 'iris', '--trainer', 'explodes', '--json']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('bagged-logreg');
  });

  it('imports with a plugin importer chosen by extension or by --importer', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lamina-pipe-')), 'points.pipe');
    const rows = ['a|b|label'];
    for (let i = 0; i < 60; i++) rows.push(`${i % 2 ? 5 + (i % 7) * 0.1 : (i % 5) * 0.1}|${i * 0.01}|${i % 2 ? 'hi' : 'lo'}`);
    writeFileSync(file, rows.join('\n'));
    const r = await cli(['import', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ rows: 60, columns: 2, target: 'label', task: 'classification', classes: ['hi', 'lo'] });
    const txt = file.replace(/\.pipe$/, '.txt');
    writeFileSync(txt, rows.join('\n'));
    const forced = await cli(['import', txt, '--importer', 'pipe-table', '--name', 'forced', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json.rows).toBe(60);
    const unknown = await cli(['import', txt, '--importer', 'nope', '--json']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('pipe-table');
  });

  it('runs a plugin command with its args; an unknown one lists the commands; one that throws disables its plugin', async () => {
    const hello = await cli(['plugin', 'run', 'good-js', 'hello', '--arg', 'name=Ada', '--arg', 'n=3', '--json']);
    expect(hello.code, hello.stderr).toBe(0);
    expect(hello.json).toEqual({ pluginId: 'good-js', commandId: 'hello', result: { greeting: 'hello Ada', pluginId: 'good-js', args: { name: 'Ada', n: 3 } } });

    const unknown = await cli(['plugin', 'run', 'good-js', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('plugin "good-js" has no command "nope"; its commands: hello, explode');

    const boom = await cli(['plugin', 'run', 'good-js', 'explode']);
    expect(boom.code).toBe(1);
    expect(boom.stderr).toContain('good-js');
    expect(boom.stderr).toContain('the command exploded');
    const listed = (await cli(['plugins', '--no-check', '--json'])).json as Listed[];
    const good = listed.find((p) => p.id === 'good-js')!;
    expect(good.enabled).toBe(false);
    expect(good.error).toMatch(/^command: .*the command exploded/);
    const refused = await cli(['plugin', 'run', 'good-js', 'hello']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('plugin "good-js" is disabled');
  });
});
