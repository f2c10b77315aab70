/**
 * dispatch() against the real facade on a temp workspace: validation issues become typed
 * 'bad-request' errors with paths, core errors map onto codes, nothing throws.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../../src-main/core/lamina';
import { dispatch, toApiError } from '../../../src-main/core/api/dispatch';
import { apiContract, apiErrorSchema, apiMethodNames, coreEventSchema } from '../../../src-main/core/api/contract';
import { LaminaError } from '../../../src-main/core/util/errors';

const iris = resolve(__dirname, '../../../resources/samples/iris.csv');
let dir: string;
let core: Lamina;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lamina-api-'));
  core = Lamina.open(dir);
});
afterAll(async () => {
  await core.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('dispatch', () => {
  it('answers an unknown method with not-found, not an exception', async () => {
    const r = await dispatch(core, 'runs.nope', {});
    expect(r).toEqual({ ok: false, error: { code: 'not-found', message: 'unknown API method "runs.nope"' } });
  });

  it('turns zod issues into bad-request with field paths', async () => {
    const r = await dispatch(core, 'runs.start', { dataset: '', model: 'template:mlp', config: { epochs: 0, optimizer: 'adamw' } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(apiErrorSchema.parse(r.error)).toEqual(r.error);
    expect(r.error.code).toBe('bad-request');
    const paths = r.error.issues!.map((i) => i.path).sort();
    expect(paths).toEqual(['config.epochs', 'config.optimizer', 'dataset']);
    expect(r.error.location?.field).toBeDefined();
  });

  it('rejects non-object input and wrong types without calling the core', async () => {
    for (const bad of ['a string', 42, [1, 2], { offset: -1, dataset: 'x' }]) {
      const r = await dispatch(core, 'datasets.preview', bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('bad-request');
    }
  });

  it('maps a LaminaError from the core onto its code and keeps the location', async () => {
    const r = await dispatch(core, 'datasets.get', { dataset: 'no-such-dataset' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('not-found');

    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'a,b,label\n1,2,x\n3,oops,y\n4\n');
    const bad = await dispatch(core, 'datasets.import', { path: csv });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.code).toBe('bad-request');
    expect(bad.error.location?.line).toBeGreaterThan(1);
  });

  it('imports, lists, previews and inspects through the contract, outputs matching the schemas', async () => {
    const ctx = { checkOutput: true };
    const imported = await dispatch(core, 'datasets.import', { path: iris }, ctx);
    expect(imported.ok, JSON.stringify(imported)).toBe(true);
    if (!imported.ok) return;
    const id = imported.value.id;
    for (const [method, input] of [
      ['workspace.info', {}],
      ['datasets.list', {}],
      ['datasets.get', { dataset: id }],
      ['datasets.preview', { dataset: id, limit: 5 }],
      ['datasets.classBalance', { dataset: id }],
      ['templates.list', {}],
      ['models.list', {}],
      ['experiments.list', {}],
      ['runs.list', {}],
    ] as const) {
      const r = await dispatch(core, method, input, ctx);
      expect(r.ok, `${method}: ${JSON.stringify(!r.ok && r.error)}`).toBe(true);
    }
    const preview = await dispatch(core, 'datasets.preview', { dataset: id, limit: 5 });
    expect(preview.ok && preview.value.rows.length).toBe(5);

    const mlp = core.listTemplates().find((t) => t.id === 'mlp')!;
    const inspected = await dispatch(core, 'models.inspect', { source: mlp.source, dataset: id }, ctx);
    expect(inspected.ok && inspected.value.ok).toBe(true);
    const broken = await dispatch(core, 'models.inspect', { source: 'export default function (ctx) {\n  return ctx.tf.nope();\n}\n', dataset: id }, ctx);
    expect(broken.ok && broken.value.ok).toBe(false);
  });

  it('saves, renames and deletes a model; refuses a name with a slash', async () => {
    expect((await dispatch(core, 'models.save', { name: 'mine', source: 'export default () => null' })).ok).toBe(true);
    expect((await dispatch(core, 'models.rename', { from: 'mine', to: 'ours' })).ok).toBe(true);
    const read = await dispatch(core, 'models.read', { name: 'ours' });
    expect(read.ok && read.value.source).toBe('export default () => null');
    const sneaky = await dispatch(core, 'models.save', { name: '../escape', source: 'x' });
    expect(!sneaky.ok && sneaky.error.code).toBe('bad-request');
    expect((await dispatch(core, 'models.delete', { name: 'ours' })).ok).toBe(true);
  });

  it('imports an upload (uploads.put + datasets.importUpload), emits progress, and cleans up', async () => {
    const bytes = readFileSync(iris);
    const put = await dispatch(core, 'uploads.put', { uploadId: 'u1', path: 'flowers.csv', dataBase64: bytes.toString('base64') });
    expect(put.ok && put.value.bytes).toBe(bytes.length);
    const events: unknown[] = [];
    const r = await dispatch(core, 'datasets.importUpload', { uploadId: 'u1', entry: 'flowers.csv', progressId: 'p1' }, { emit: (e) => events.push(e) });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.ok && r.value.name).toBe('flowers');
    expect(existsSync(join(core.paths.tmp, 'uploads', 'u1'))).toBe(false);
    for (const e of events) expect(coreEventSchema.safeParse(e).success).toBe(true);
  });

  it('reports a broken upload by its own name, not the scratch path', async () => {
    await dispatch(core, 'uploads.put', { uploadId: 'u3', path: 'broken.csv', dataBase64: Buffer.from('a,b,label\n1,2,x\n4\n').toString('base64') });
    const r = await dispatch(core, 'datasets.importUpload', { uploadId: 'u3', entry: 'broken.csv' });
    expect(!r.ok && r.error.code).toBe('bad-request');
    if (r.ok) return;
    expect(r.error.message).toContain('broken.csv');
    expect(r.error.message).not.toContain('.tmp');
    expect(r.error.location?.line).toBe(3);
  });

  it('refuses upload paths that escape the upload folder', async () => {
    for (const path of ['../x.csv', '/etc/passwd', 'a/../../b', 'a\\b']) {
      const r = await dispatch(core, 'uploads.put', { uploadId: 'u2', path, dataBase64: '' });
      expect(!r.ok && r.error.code, path).toBe('bad-request');
    }
    const id = await dispatch(core, 'uploads.put', { uploadId: '../u', path: 'a.csv', dataBase64: '' });
    expect(!id.ok && id.error.code).toBe('bad-request');
    expect(existsSync(join(core.paths.tmp, 'uploads', 'x.csv'))).toBe(false);
    expect(existsSync(join(core.paths.tmp, 'x.csv'))).toBe(false);
  });
});

describe('contract', () => {
  it('has an input and output schema for every method', () => {
    expect(apiMethodNames.length).toBeGreaterThan(20);
    for (const m of apiMethodNames) {
      expect(apiContract[m].input.safeParse).toBeTypeOf('function');
      expect(apiContract[m].output.safeParse).toBeTypeOf('function');
    }
  });

  it('toApiError maps kinds and never leaks a stack', () => {
    expect(toApiError(new LaminaError('conflict', 'taken', { field: 'name' }))).toEqual({ code: 'conflict', message: 'taken', location: { field: 'name' } });
    expect(toApiError(new LaminaError('usage', 'bad'))).toEqual({ code: 'bad-request', message: 'bad' });
    expect(toApiError(new LaminaError('failed', 'boom')).code).toBe('failed');
    expect(toApiError(new TypeError('x is undefined'))).toEqual({ code: 'internal', message: 'x is undefined' });
    expect(toApiError('plain')).toEqual({ code: 'internal', message: 'plain' });
  });

  it('plugins: install, list, views and a view document through the contract (outputs match the schemas)', async () => {
    const goodJs = resolve(__dirname, '../../fixtures/plugins/good-js');
    const ctx = { checkOutput: true };
    const installed = await dispatch(core, 'plugins.install', { path: goodJs }, ctx);
    expect(installed.ok && installed.value).toMatchObject({ id: 'good-js', version: '1.2.0', origin: 'workspace', enabled: true, error: null });
    const list = await dispatch(core, 'plugins.list', {}, ctx);
    expect(list.ok && list.value.map((p) => p.id)).toContain('good-js');
    const views = await dispatch(core, 'plugins.views', {}, ctx);
    // First-party plugins (ensembles) contribute views too.
    expect(views.ok && views.value).toContainEqual({ pluginId: 'good-js', viewId: 'probe', title: 'Sandbox probe', location: 'run-detail' });
    const view = await dispatch(core, 'plugins.view', { pluginId: 'good-js', viewId: 'probe' }, ctx);
    expect(view.ok && view.value.html).toContain("laminaView.register('probe'");
    const missing = await dispatch(core, 'plugins.view', { pluginId: 'good-js', viewId: 'nope' }, ctx);
    expect(!missing.ok && missing.error.code).toBe('not-found');
    const badLocation = await dispatch(core, 'plugins.views', { location: 'sidebar' }, ctx);
    expect(!badLocation.ok && badLocation.error.issues?.[0]?.path).toBe('location');
    const off = await dispatch(core, 'plugins.setEnabled', { id: 'good-js', enabled: false }, ctx);
    expect(off.ok && off.value.enabled).toBe(false);
    const checked = await dispatch(core, 'plugins.check', {}, ctx);
    expect(checked.ok && checked.value.find((p) => p.id === 'good-js')?.enabled).toBe(false);
    const templates = await dispatch(core, 'templates.list', {}, ctx);
    expect(templates.ok && templates.value.some((t) => t.origin === 'good-js')).toBe(false);
    const unknown = await dispatch(core, 'plugins.setEnabled', { id: 'no-such-plugin', enabled: true }, ctx);
    expect(!unknown.ok && unknown.error.code).toBe('not-found');
  });
});
