/**
 * The first-party recommenders plugin through the BUILT CLI with real host processes: found in the app's
 * plugins/ folder and enabled by default; an interactions import with importer options and the
 * importer's own split; trainers that see `dataset.interactions` and record full-ranking metrics, the
 * popularity baseline and per-epoch curves; a bad file that exits 2 with line and column and leaves the
 * plugin enabled; a plain table dataset refused by name; `recommend` reading a trained run's saved model
 * (plugin API 1.2: commands that read a run's artifacts), with bad arguments exiting 2.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBuilt, lamina, sharedDatasets, tempWorkspace } from '../../helpers/cli';

const built = existsSync(resolve(__dirname, '../../../plugins/recommenders/dist/index.js'));

describe.skipIf(!cliBuilt || !built)('recommenders plugin (built-in)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamina-rec-'));
  const env = { LAMINA_PLUGINS_DIR: join(dir, 'user-plugins') };
  const ws = tempWorkspace('lamina-rec-ws-');
  const cli = (args: string[]) => lamina(args, ws, env);
  const ratings = join(dir, 'ratings.csv');

  beforeAll(() => {
    // 40 users, 30 items; user u likes items near u mod 30 (a learnable pattern), one event per second.
    const lines = ['customer_id,product,stars,time'];
    let t = 1_600_000_000;
    for (let u = 0; u < 40; u++) for (let k = 0; k < 8; k++) lines.push(`c${u},p${(u + k * 3) % 30},${1 + ((u + k) % 5)},${t++}`);
    writeFileSync(ratings, lines.join('\n'));
  });

  it('is listed as a built-in plugin, enabled', async () => {
    const r = await cli(['plugins', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((r.json as { id: string; enabled: boolean; error?: string }[]).find((p) => p.id === 'recommenders')).toMatchObject({ enabled: true });
  });

  it('imports interactions with options, and trainers record ranking metrics, the baseline and curves', async () => {
    const imp = await cli(['import', ratings, '--importer', 'recommenders/interactions', '--option', 'split-method=leave-last-out', '--name', 'shop', '--json']);
    expect(imp.code, imp.stderr).toBe(0);
    // leave-last-out: one test and one validation event per user
    expect(imp.json.splits).toEqual({ train: 240, validation: 40, test: 40 });

    const run = await cli(['train', '--dataset', 'shop', '--trainer', 'recommenders/bpr', '--param', 'epochs=4', '--param', 'val_every=2', '--seed', '3', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const m = run.json.metrics as Record<string, number>;
    for (const k of ['test_ndcg_at_10', 'test_recall_at_10', 'test_coverage_at_10', 'baseline_ndcg_at_10', 'test_users_evaluated']) expect(m[k], k).toBeTypeOf('number');
    expect(m.test_users_evaluated).toBe(40);
    expect(m.test_rmse).toBeUndefined(); // bpr ranks, it does not predict ratings

    const mf = await cli(['train', '--dataset', 'shop', '--trainer', 'recommenders/mf', '--param', 'epochs=3', '--seed', '3', '--json']);
    expect(mf.code, mf.stderr).toBe(0);
    expect(mf.json.metrics.test_rmse).toBeGreaterThan(0);
    const db = new Database(join(ws, 'lamina.db'), { readonly: true });
    try {
      const keys = (db.prepare('SELECT DISTINCT key FROM metrics WHERE run_id = ?').all(mf.json.id) as { key: string }[]).map((r) => r.key);
      expect(keys).toEqual(expect.arrayContaining(['loss', 'val_rmse']));
      const kinds = db.prepare('SELECT path, kind FROM artifacts WHERE run_id = ? AND kind = ?').all(mf.json.id, 'recommender');
      expect(kinds).toEqual([{ path: 'recommender/model.bin', kind: 'recommender' }, { path: 'recommender/model.json', kind: 'recommender' }]);
    } finally {
      db.close();
    }
    runs.mf = mf.json.id;
  });

  const runs: Record<string, string> = {};

  it('neumf trains through the CLI with declared params checked before it starts', async () => {
    const bad = await cli(['train', '--dataset', 'shop', '--trainer', 'recommenders/neumf', '--param', 'negatives=0', '--json']);
    expect(bad.code).toBe(2);
    expect(`${bad.stdout}${bad.stderr}`).toContain('negatives');
    const r = await cli(['train', '--dataset', 'shop', '--trainer', 'recommenders/neumf', '--param', 'epochs=2', '--param', 'val_every=1', '--seed', '4', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.metrics.test_ndcg_at_10).toBeTypeOf('number');
    runs.neumf = r.json.id;
  });

  it('recommend reads a trained run: history, then top-k of items the user does not have', async () => {
    for (const id of [runs.mf, runs.neumf]) {
      const r = await cli(['plugin', 'run', 'recommenders', 'recommend', '--arg', `run=${id.slice(0, 8)}`, '--arg', 'user=c3', '--arg', 'k=5', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = r.json.result as { run: string; user: string; history: { item: string }[]; historyTotal: number; recommendations: { rank: number; item: string; score: number }[] };
      expect(out.run).toBe(id); // a prefix resolves to the full id
      expect(out.user).toBe('c3');
      expect(out.historyTotal).toBe(7); // 8 events, leave-last-out holds the last one for test
      expect(out.recommendations.map((x) => x.rank)).toEqual([1, 2, 3, 4, 5]);
      const have = new Set(out.history.map((h) => h.item));
      for (const x of out.recommendations) expect(have.has(x.item), x.item).toBe(false);
      const scores = out.recommendations.map((x) => x.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    }
    const users = await cli(['plugin', 'run', 'recommenders', 'users', '--arg', `run=${runs.mf}`, '--json']);
    expect(users.code, users.stderr).toBe(0);
    expect(users.json.result.total).toBe(40);
  });

  it('recommend with bad arguments exits 2 with one line, and the plugin stays enabled', async () => {
    const cases: [string[], string][] = [
      [['--arg', `run=${runs.mf}`, '--arg', 'user=nobody'], 'unknown user "nobody"'],
      [['--arg', `run=${runs.mf}`, '--arg', 'user=c1', '--arg', 'k=0'], '--arg k must be a whole number'],
      [['--arg', 'user=c1'], 'needs a run'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['plugin', 'run', 'recommenders', 'recommend', ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const missing = await cli(['plugin', 'run', 'recommenders', 'recommend', '--arg', 'run=zzzzzzzz', '--arg', 'user=c1']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no run matches "zzzzzzzz"');
    const list = await cli(['plugins', '--json']);
    expect((list.json as { id: string; enabled: boolean }[]).find((p) => p.id === 'recommenders')!.enabled).toBe(true);
  });

  it('a bad file exits 2 with file, line and column, and the plugin stays enabled', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'user,item,rating\na,x,4\nb,y,lots\n');
    const r = await cli(['import', bad, '--importer', 'recommenders/interactions']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.csv:3:3');
    const list = await cli(['plugins', '--json']);
    expect((list.json as { id: string; enabled: boolean }[]).find((p) => p.id === 'recommenders')!.enabled).toBe(true);
  });

  it('a plain table dataset is refused by name', async () => {
    expect((await cli(['import', join(sharedDatasets, 'iris.csv'), '--name', 'iris', '--json'])).code).toBe(0);
    const r = await cli(['train', '--dataset', 'iris', '--trainer', 'recommenders/popularity', '--json']);
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('not an interactions dataset');
  });
});
