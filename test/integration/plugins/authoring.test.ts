/**
 * The whole authoring flow through the BUILT CLI, outside the repository: create a plugin,
 * build and test it (offline, esbuild from this checkout), validate, install, then train with
 * its template — the run records the plugin's metric as test_<id>. Also `npm pack`-style .tgz
 * install, enable/disable, and validate's errors.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBuilt, lamina, sharedDatasets, tempWorkspace } from '../../helpers/cli';

const fixtures = resolve(__dirname, '../../fixtures/plugins');

describe.skipIf(!cliBuilt)('plugin authoring through the CLI', () => {
  const outside = mkdtempSync(join(tmpdir(), 'lamina-author-'));
  const env = { LAMINA_PLUGINS_DIR: join(outside, 'user-plugins') };
  const ws = tempWorkspace('lamina-plugin-ws-');
  const dir = join(outside, 'acme-metrics');
  const cli = (args: string[]) => lamina(args, ws, env);

  beforeAll(async () => {
    const created = await cli(['plugin', 'create', dir, '--name', 'Acme Metrics', '--json']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.json.id).toBe('acme-metrics');
  });

  it('scaffolds a plugin that builds and passes its own tests offline', () => {
    for (const f of ['package.json', 'build.mjs', 'src/index.ts', 'templates/mlp.ts', 'test/plugin.test.ts', 'README.md']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    const run = spawnSync(process.execPath, ['build.mjs', '--test'], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' } });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/# pass 2/);
    expect(existsSync(join(dir, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(dir, 'dist', 'view.js'))).toBe(true);
  });

  it('validates, installs and trains with the plugin template; the run records the plugin metric', async () => {
    const v = await cli(['plugin', 'validate', dir, '--json']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.json).toMatchObject({ valid: true, id: 'acme-metrics', version: '0.1.0' });

    const inst = await cli(['plugin', 'install', dir, '--json']);
    expect(inst.code, inst.stderr).toBe(0);
    expect(inst.json).toMatchObject({ id: 'acme-metrics', enabled: true, origin: 'workspace' });
    expect(inst.json.error).toBeUndefined();
    expect(existsSync(join(ws, 'plugins', 'acme-metrics', 'dist', 'index.js'))).toBe(true);

    const list = await cli(['plugins', '--json']);
    expect(list.json.find((p: { id: string }) => p.id === 'acme-metrics')).toMatchObject({ version: '0.1.0', enabled: true });

    const templates = await cli(['templates', '--json']);
    expect(templates.json.find((t: { id: string }) => t.id === 'acme-metrics-mlp')).toMatchObject({ origin: 'acme-metrics' });

    expect((await cli(['import', join(sharedDatasets, 'iris.csv'), '--name', 'iris', '--json'])).code).toBe(0);
    const train = await cli(['train', '--dataset', 'iris', '--model', 'template:acme-metrics-mlp', '--epochs', '15', '--seed', '3', '--json']);
    expect(train.code, train.stderr).toBe(0);
    const m = train.json.metrics;
    expect(m.test_balanced_accuracy).toBeGreaterThan(0.6);
    expect(m.test_balanced_accuracy).toBeLessThanOrEqual(1);
    // Iris' test split is balanced, so balanced accuracy and accuracy are close.
    expect(Math.abs(m.test_balanced_accuracy - m.test_accuracy)).toBeLessThan(0.1);

    const show = await cli(['show', train.json.id, '--json']);
    expect(JSON.stringify(show.json)).toContain('test_balanced_accuracy');

    // Disabled: the metric is no longer computed and the template no longer listed.
    expect((await cli(['plugin', 'disable', 'acme-metrics', '--json'])).json.enabled).toBe(false);
    const t2 = await cli(['templates', '--json']);
    expect(t2.json.some((t: { id: string }) => t.id === 'acme-metrics-mlp')).toBe(false);
    const plain = await cli(['train', '--dataset', 'iris', '--model', 'template:mlp', '--epochs', '2', '--json']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.json.metrics.test_balanced_accuracy).toBeUndefined();
    expect((await cli(['plugin', 'enable', 'acme-metrics', '--json'])).json).toMatchObject({ enabled: true });
  });

  it('installs from a .tgz made by npm pack, replacing the older copy', async () => {
    const pkgFile = join(dir, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    pkg.version = '0.2.0';
    pkg.files = ['dist', 'templates', 'README.md'];
    writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
    const name = execFileSync('npm', ['pack', '--silent', '--offline', '--pack-destination', outside], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()!;
    const tgz = join(outside, name);
    const inst = await cli(['plugin', 'install', tgz, '--json']);
    expect(inst.code, inst.stderr).toBe(0);
    expect(inst.json).toMatchObject({ id: 'acme-metrics', version: '0.2.0', enabled: true });
    expect(existsSync(join(ws, 'plugins', 'acme-metrics', 'src'))).toBe(false); // only the packed files
  });

  it('plugin validate refuses a bad manifest naming the field, and an unsupported apiVersion naming both versions', async () => {
    const bad = await cli(['plugin', 'validate', join(fixtures, 'bad-manifest'), '--json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('lamina.contributes.modelTemplates[1].file');
    expect(bad.json.error.field).toBe('lamina.contributes.modelTemplates[1].file');

    const future = await cli(['plugin', 'validate', join(fixtures, 'future-api')]);
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/\^2\.0\.0.*1\.2\.0/);

    const refused = await cli(['plugin', 'install', join(fixtures, 'future-api'), '--json']);
    expect(refused.code).toBe(2);
    expect(existsSync(join(ws, 'plugins', 'future-api'))).toBe(false);

    expect((await cli(['plugin', 'frobnicate', 'x'])).code).toBe(2);
    expect((await cli(['plugin', 'create', join(outside, 'x')])).stderr).toContain('--name');
    expect((await cli(['plugin', 'enable', 'no-such-plugin'])).code).toBe(2);
  });
});
