/**
 * The CLI contract (shared/design/CLI.md) end to end, on the built CLI, real files,
 * real SQLite, real training host processes.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { cliBuilt, lamina, repoRoot, sharedDatasets, startCli, collect, tempWorkspace } from '../../helpers/cli';

const fixtures = join(repoRoot, 'test', 'fixtures', 'models');

describe.skipIf(!cliBuilt)('lamina CLI (built output; skipped when out/ is missing: run `npm run build`)', () => {
  const ws = tempWorkspace();
  let irisId = '';

  beforeAll(async () => {
    const r = await lamina(['import', join(sharedDatasets, 'iris.csv'), '--target', 'species', '--json'], ws);
    expect(r.code, r.stderr).toBe(0);
    irisId = r.json.id;
  });

  it('init creates a workspace and prints it', async () => {
    const dir = join(tempWorkspace(), 'new-ws');
    const r = await lamina(['init', dir, '--json'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toEqual({ workspace: dir });
    expect(existsSync(join(dir, 'lamina.db'))).toBe(true);
  });

  it('import prints the contract fields and datasets lists it', async () => {
    const r = await lamina(['datasets', '--json'], ws);
    expect(r.code).toBe(0);
    const iris = r.json.find((d: { id: string }) => d.id === irisId);
    expect(iris).toMatchObject({ name: 'iris', rows: 150, task: 'classification' });
  });

  it('import errors exit 2 and name the file and line, leaving nothing behind', async () => {
    const bad = join(tempWorkspace(), 'ragged.csv');
    writeFileSync(bad, 'a,b,label\n1,2,x\n3,4\n5,6,y\n');
    const r = await lamina(['import', bad, '--json'], ws);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ragged.csv');
    expect(r.stderr).toMatch(/ragged\.csv:3\b/);
    // One "file:line:" per message: the location is not printed twice.
    expect(r.stderr.trim()).toBe(`lamina: ${bad}:3: expected 3 columns (as in the header), found 2`);
    const list = await lamina(['datasets', '--json'], ws);
    expect(list.json.map((d: { name: string }) => d.name)).not.toContain('ragged');
    expect(readdirSync(join(ws, 'datasets')).filter((f) => !f.endsWith('.arrow')).length).toBe(0);
  });

  it('bad usage exits 2 with a message naming the flag', async () => {
    const r = await lamina(['train', '--dataset', 'iris', '--model', 'template:mlp', '--epochs', 'many'], ws);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--epochs');
    const unknown = await lamina(['train', '--dataset', 'no-such-dataset', '--model', 'template:mlp'], ws);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no-such-dataset/);
  });

  it('templates lists the built-in templates with their source', async () => {
    const r = await lamina(['templates', '--json'], ws);
    expect(r.code).toBe(0);
    const ids = r.json.map((t: { id: string }) => t.id);
    for (const id of ['mlp', 'lenet5', 'small-cnn', 'lstm', 'autoencoder']) expect(ids).toContain(id);
    expect(r.json[0].source).toContain('export default');
  });

  let mlpRun = '';
  it('trains the MLP template on iris to test accuracy ≥ 0.93 and records the run', async () => {
    const r = await lamina(
      ['train', '--dataset', 'iris', '--model', 'template:mlp', '--backend', 'cpu', '--seed', '3', '--experiment', 'cli-test', '--json'],
      ws,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ status: 'completed', backend: 'cpu', seed: 3 });
    expect(r.json.metrics.test_accuracy).toBeGreaterThanOrEqual(0.93);
    expect(typeof r.json.metrics.test_loss).toBe('number');
    mlpRun = r.json.id;

    const runs = await lamina(['runs', '--experiment', 'cli-test', '--json'], ws);
    expect(runs.json.map((x: { id: string }) => x.id)).toContain(mlpRun);
    const filtered = await lamina(['runs', '--filter', 'metrics.test_accuracy >= 0.93', '--json'], ws);
    expect(filtered.json.map((x: { id: string }) => x.id)).toContain(mlpRun);
    const none = await lamina(['runs', '--filter', 'metrics.test_accuracy > 1.5', '--json'], ws);
    expect(none.json).toEqual([]);

    const show = await lamina(['show', mlpRun.slice(0, 10), '--json'], ws);
    expect(show.code).toBe(0);
    expect(show.json).toMatchObject({ id: mlpRun, backend: 'cpu', seed: 3 });
    expect(show.json.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(show.json.datasetHash).toMatch(/^[0-9a-f]{64}$/);
    expect(show.json.backendReason).toMatch(/requested/);
    expect(show.json.artifacts.map((a: { path: string }) => a.path)).toContain('model/model.json');
    // One name per knob: the run's config and what the compiled model resolved share snake_case keys.
    expect(show.json.params).toMatchObject({ model: 'mlp', dataset: 'iris', seed: '3', batch_size: '16', optimizer: 'adam', learning_rate: '0.01', loss: 'categoricalCrossentropy' });
    expect(Object.keys(show.json.params).filter((k) => /[A-Z]/.test(k))).toEqual([]);
  });

  it('replays a cpu run bit for bit', async () => {
    const r = await lamina(['replay', mlpRun, '--json'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ id: mlpRun, match: true, maxAbsDiff: 0 });
    expect(r.json.replayId).not.toBe(mlpRun);
  });

  it('export writes params and the full metric history as JSON and CSV', async () => {
    const json = await lamina(['export', mlpRun, '--format', 'json'], ws);
    const doc = JSON.parse(json.stdout);
    expect(doc.params.seed).toBe('3');
    expect(doc.metrics.loss.length).toBeGreaterThan(0);
    const out = join(tempWorkspace(), 'run.csv');
    const csv = await lamina(['export', mlpRun, '--format', 'csv', '--out', out, '--json'], ws);
    expect(csv.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe('run_id,section,key,step,epoch,value,time');
    expect(text).toContain(',metric,val_loss,');
  });

  it('resumes from a checkpoint exactly where an uninterrupted run would be', async () => {
    const common = ['--dataset', 'iris', '--model', 'template:mlp', '--backend', 'cpu', '--seed', '5', '--batch-size', '16', '--json'];
    const first = await lamina(['train', ...common, '--epochs', '4', '--checkpoint-every', '2'], ws);
    expect(first.code, first.stderr).toBe(0);
    const resumed = await lamina(['train', ...common, '--epochs', '6', '--resume', first.json.id], ws);
    expect(resumed.code, resumed.stderr).toBe(0);
    const straight = await lamina(['train', ...common, '--epochs', '6'], ws);
    expect(straight.code, straight.stderr).toBe(0);
    const show = await lamina(['show', resumed.json.id, '--json'], ws);
    expect(show.json.resumedFrom).toBe(first.json.id);
    const history = async (id: string) => JSON.parse((await lamina(['export', id, '--format', 'json'], ws)).stdout).metrics.val_loss;
    const a = await history(resumed.json.id);
    const b = await history(straight.json.id);
    // The resumed run records epochs 5–6 only; they equal the straight run's epochs 5–6 bit for bit.
    expect(a.map((p: { step: number }) => p.step)).toEqual([5, 6]);
    expect(a.map((p: { value: number }) => p.value)).toEqual(b.slice(4).map((p: { value: number }) => p.value));
    expect(resumed.json.metrics.test_loss).toBe(straight.json.metrics.test_loss);
  });

  it('a model source that throws fails the run with its message and stack (exit 1)', async () => {
    const r = await lamina(['train', '--dataset', 'iris', '--model', join(fixtures, 'throws-in-source.ts'), '--json'], ws);
    expect(r.code).toBe(1);
    expect(r.json.status).toBe('failed');
    expect(r.json.error).toContain('units must be positive (fixture error)');
    const show = await lamina(['show', r.json.id, '--json'], ws);
    expect(show.json.errorStack).toContain('createModel');
  });

  it('a NaN/Inf loss stops the run as failed with that reason', async () => {
    const r = await lamina(['train', '--dataset', 'iris', '--model', join(fixtures, 'exploding.ts'), '--epochs', '5', '--json'], ws);
    expect(r.code).toBe(1);
    expect(r.json.status).toBe('failed');
    expect(r.json.error).toMatch(/NaN|Infinity|non-finite/i);
  });

  it('killing the training host mid-run marks the run failed and keeps the database intact', async () => {
    const child = startCli(['train', '--dataset', irisId, '--model', 'template:mlp', '--epochs', '500', '--backend', 'cpu', '--json'], { workspace: ws });
    const done = collect(child);
    const db = new Database(join(ws, 'lamina.db'), { readonly: true, fileMustExist: true });
    let hostPid: number | null = null;
    let runId = '';
    for (let i = 0; i < 300 && !hostPid; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const row = db
        .prepare("SELECT id, host_pid FROM runs WHERE status = 'running' AND host_pid IS NOT NULL ORDER BY created_at DESC LIMIT 1")
        .get() as { id: string; host_pid: number } | undefined;
      if (row) {
        // Let it record some metrics first.
        const n = db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(row.id) as { n: number };
        if (n.n > 0) ({ host_pid: hostPid, id: runId } = row);
      }
    }
    expect(hostPid).not.toBeNull();
    process.kill(hostPid!, 'SIGKILL');
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.json.status).toBe('failed');
    expect(r.json.error).toMatch(/SIGKILL/);
    const run = db.prepare('SELECT status, error FROM runs WHERE id = ?').get(runId) as { status: string; error: string };
    expect(run.status).toBe('failed');
    expect((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
    db.close();
  });

  it('samples lists the built-in datasets; import sample:ID imports one with its target, and an unknown one exits 2', async () => {
    const list = await lamina(['samples', '--json'], ws);
    expect(list.code, list.stderr).toBe(0);
    expect(list.json.map((s: { id: string }) => s.id)).toEqual(['iris', 'digits-8x8', 'breast-cancer-wisconsin', 'co2-seasons']);
    const r = await lamina(['import', 'sample:digits-8x8', '--json'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ name: 'digits-8x8', rows: 1797, columns: 64, target: 'digit', task: 'classification' });
    const bad = await lamina(['import', 'sample:mnist'], ws);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no sample dataset "mnist"; available: iris, digits-8x8, breast-cancer-wisconsin, co2-seasons');
  });
});
