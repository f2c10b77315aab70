/**
 * The first-party ensembles plugin through the BUILT CLI on real data: found in the app's plugins/
 * folder and enabled without installing, trainers run as `--trainer ensembles/<id>` with members
 * recorded as child runs (and deleted with their parent), declared defaults recorded as params, a
 * replay that matches bit for bit, and bad parameters refused before a run exists (exit 2, naming
 * the parameter).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../../src-main/core/lamina';
import { cliBuilt, lamina, sharedDatasets, tempWorkspace } from '../../helpers/cli';

interface Listed {
  id: string;
  enabled: boolean;
  origin: string;
  error?: string;
}

describe.skipIf(!cliBuilt)('ensembles plugin through the CLI', () => {
  const ws = tempWorkspace('lamina-ensembles-');
  const env = { LAMINA_PLUGINS_DIR: mkdtempSync(join(tmpdir(), 'lamina-no-user-plugins-')) };
  const cli = (args: string[]) => lamina(args, ws, env);
  let bagged = '';

  beforeAll(async () => {
    expect((await cli(['import', join(sharedDatasets, 'breast-cancer-wisconsin.csv'), '--name', 'breast', '--json'])).code).toBe(0);
    // A small regression table: y = 2a − b + noise.
    const rows = ['a,b,y'];
    for (let i = 0; i < 80; i++) rows.push(`${i % 9},${(i * 7) % 11},${2 * (i % 9) - ((i * 7) % 11) + ((i * 13) % 5) * 0.1}`);
    const file = join(mkdtempSync(join(tmpdir(), 'lamina-reg-')), 'line.csv');
    writeFileSync(file, rows.join('\n'));
    const reg = await cli(['import', file, '--name', 'line', '--task', 'regression', '--json']);
    expect(reg.code, reg.stderr).toBe(0);
  });

  it('ships enabled: lamina plugins lists ensembles from the app folder', async () => {
    const r = await cli(['plugins', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ens = (r.json as Listed[]).find((p) => p.id === 'ensembles');
    expect(ens).toMatchObject({ enabled: true, origin: 'builtin' });
    expect(ens!.error).toBeUndefined();

    const trainers = await cli(['trainers', '--json']);
    expect(trainers.json.map((t: { ref: string }) => t.ref)).toEqual(expect.arrayContaining(['ensembles/bagging', 'ensembles/random-forest', 'ensembles/adaboost', 'ensembles/gradient-boosting', 'ensembles/stacking', 'ensembles/voting']));
    const help = await cli(['trainers', 'ensembles/bagging']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/members\s+integer\s+10\s+1\.\.1000\s+Number of members/);
    expect((await cli(['trainers', 'ensembles/nope'])).code).toBe(2);
  });

  it('bagging: members are child runs of the ensemble run; defaults are recorded; the replay matches', async () => {
    const t = await cli(['train', '--dataset', 'breast', '--trainer', 'ensembles/bagging', '--param', 'members=3', '--seed', '4', '--json']);
    expect(t.code, t.stderr).toBe(0);
    bagged = t.json.id;
    expect(t.json.metrics.test_accuracy).toBeGreaterThan(0.85);
    expect(t.json.metrics.oob_score).toBeGreaterThan(0.85);
    expect(t.json.metrics.gain_over_best_member).toBeCloseTo(t.json.metrics.ensemble_test_accuracy - t.json.metrics.best_member_test_accuracy, 6);
    expect(t.json.metrics.ensemble_test_accuracy).toBeCloseTo(t.json.metrics.test_accuracy, 6);

    const runs = (await cli(['runs', '--json'])).json as { id: string; parentRunId: string | null; runName?: string; status: string }[];
    const children = runs.filter((r) => r.parentRunId === bagged);
    expect(children).toHaveLength(3);
    expect(children.every((c) => c.status === 'completed')).toBe(true);

    const show = await cli(['show', bagged, '--json']);
    expect(show.json.params).toMatchObject({ members: '3', base: 'tree', max_samples: '1', max_depth: '0' });

    const replay = await cli(['replay', bagged, '--json']);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.json.match).toBe(true);
    expect(replay.json.maxAbsDiff).toBe(0);
  });

  it('gradient boosting on regression data records a curve per round', async () => {
    const t = await cli(['train', '--dataset', 'line', '--trainer', 'ensembles/gradient-boosting', '--param', 'rounds=20', '--json']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.json.metrics.test_r2).toBeGreaterThan(0.5);
    const runs = (await cli(['runs', '--json'])).json as { parentRunId: string | null }[];
    expect(runs.filter((r) => r.parentRunId === t.json.id)).toHaveLength(20);
  });

  it('refuses bad input before a run exists: exit 2, naming the parameter', async () => {
    const before = ((await cli(['runs', '--json'])).json as unknown[]).length;
    const zero = await cli(['train', '--dataset', 'breast', '--trainer', 'ensembles/bagging', '--param', 'members=0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--param members=0: must be at least 1');
    const base = await cli(['train', '--dataset', 'breast', '--trainer', 'ensembles/stacking', '--param', 'base=mlp,forest']);
    expect(base.code).toBe(2);
    expect(base.stderr).toMatch(/--param base=mlp,forest: unknown "forest"/);
    const ada = await cli(['train', '--dataset', 'line', '--trainer', 'ensembles/adaboost']);
    expect(ada.code).toBe(2);
    expect(ada.stderr).toContain('trainer "adaboost" handles classification datasets; this dataset is regression');
    const hard = await cli(['train', '--dataset', 'line', '--trainer', 'ensembles/voting', '--param', 'voting=hard']);
    expect(hard.code).toBe(2);
    expect(hard.stderr).toContain('--param voting: applies to classification only');
    const model = await cli(['train', '--dataset', 'breast', '--trainer', 'ensembles/bagging', '--model', 'template:no-such-model']);
    expect(model.code).toBe(2);
    expect(model.stderr).toContain('no-such-model');
    expect(((await cli(['runs', '--json'])).json as unknown[]).length).toBe(before);
  });

  it('deleting the ensemble run deletes its member runs', async () => {
    const core = Lamina.open(ws);
    try {
      core.deleteRun(bagged);
    } finally {
      core.close();
    }
    const runs = (await cli(['runs', '--json'])).json as { id: string; parentRunId: string | null }[];
    expect(runs.find((r) => r.id === bagged)).toBeUndefined();
    expect(runs.filter((r) => r.parentRunId === bagged)).toHaveLength(0);
  });
});
