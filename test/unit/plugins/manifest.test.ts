import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_PLUGIN_API_VERSION, readPluginManifest } from '../../../src-main/core/plugins/manifest';
import { LaminaError } from '../../../src-main/core/util/errors';
import { thrownBy } from '../../helpers/thrown';

const fixtures = resolve(__dirname, '../../fixtures/plugins');

function pluginDir(pkg: unknown, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lamina-manifest-'));
  writeFileSync(join(dir, 'package.json'), typeof pkg === 'string' ? pkg : JSON.stringify(pkg));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

const failure = (dir: string) => thrownBy(() => readPluginManifest(dir), LaminaError);

describe('plugin manifest', () => {
  it('reads a valid manifest with defaults filled in', () => {
    const m = readPluginManifest(join(fixtures, 'good-js'));
    expect(m.id).toBe('good-js'); // scope dropped
    expect(m.version).toBe('1.2.0');
    expect(m.contributes.trainers.map((t) => t.id)).toEqual(['bagged-logreg']);
    expect(m.contributes.commands.map((c) => c.id)).toEqual(['hello', 'explode']);
    // Contribution kinds a manifest leaves out are empty lists.
    const only = readPluginManifest(join(fixtures, 'throwing-trainer'));
    expect(only.contributes).toMatchObject({ commands: [], views: [], metrics: [], datasetImporters: [], modelTemplates: [] });
  });

  it('names the field path of a bad contribution', () => {
    const e = failure(join(fixtures, 'bad-manifest'));
    expect(e.location.field).toBe('contributes.modelTemplates[1].file'.replace(/^/, 'lamina.'));
    expect(e.message).toContain('lamina.contributes.modelTemplates[1].file');
    expect(e.kind).toBe('input');
  });

  it('names the field when a template file does not exist', () => {
    const dir = pluginDir({ name: 'x', version: '1.0.0', lamina: { apiVersion: '^1', contributes: { modelTemplates: [{ id: 'a', name: 'A', file: 'nope.ts' }] } } });
    const e = failure(dir);
    expect(e.message).toContain('lamina.contributes.modelTemplates[0].file');
    expect(e.message).toContain('nope.ts');
  });

  it('refuses an unsupported apiVersion naming both versions', () => {
    const e = failure(join(fixtures, 'future-api'));
    expect(e.message).toContain('^2.0.0');
    expect(e.message).toContain(HOST_PLUGIN_API_VERSION);
    expect(e.location.field).toBe('lamina.apiVersion');
  });

  it('names missing and malformed fields', () => {
    expect(failure(pluginDir({ name: 'x', version: '1.0.0' })).location.field).toBe('lamina');
    expect(failure(pluginDir({ name: 'x', version: '1.0.0', lamina: {} })).message).toContain('lamina.apiVersion');
    expect(failure(pluginDir({ name: 'x', version: '1.0.0', lamina: { apiVersion: 'soon' } })).message).toMatch(/lamina\.apiVersion.*semver range/);
    expect(failure(pluginDir({ name: 'x', version: 'one', lamina: { apiVersion: '^1' } })).location.field).toBe('version');
    expect(failure(pluginDir({ name: 'x', version: '1.0.0', lamina: { apiVersion: '^1', contributes: { metrics: [{ id: 'm', name: 'M', tasks: ['clustering'] }] } } })).message).toContain('lamina.contributes.metrics[0].tasks[0]');
    expect(failure(pluginDir({ name: 'x', version: '1.0.0', lamina: { apiVersion: '^1', contributes: { widgets: [] } } })).message).toContain('lamina.contributes');
    expect(failure(pluginDir('{ not json')).message).toContain('not valid JSON');
  });

  it('plugin API 1.2: dataset views, optionally for some importers; other locations and bad importer ids are named', () => {
    const view = (v: Record<string, unknown>) => pluginDir({ name: 'x', version: '1.0.0', lamina: { apiVersion: '^1', renderer: 'v.js', contributes: { views: [{ id: 'v', title: 'V', ...v }] } } }, { 'v.js': '' });
    const m = readPluginManifest(view({ location: 'dataset', importers: ['x/scans'] }));
    expect(m.contributes.views).toEqual([{ id: 'v', title: 'V', location: 'dataset', importers: ['x/scans'] }]);
    expect(failure(view({ location: 'sidebar' })).location.field).toBe('lamina.contributes.views[0].location');
    expect(failure(view({ location: 'dataset', importers: ['scans'] })).message).toContain('must be "plugin/importer"');
  });

  it('requires main for code contributions, an existing main, and unique ids', () => {
    const noMain = pluginDir({ name: 'x', version: '1.0.0', lamina: { apiVersion: '^1', contributes: { metrics: [{ id: 'm', name: 'M', tasks: ['classification'] }] } } });
    expect(failure(noMain).location.field).toBe('lamina.main');
    const missingMain = pluginDir({ name: 'x', version: '1.0.0', lamina: { apiVersion: '^1', main: 'dist/index.js' } });
    expect(failure(missingMain).message).toMatch(/lamina\.main.*dist\/index\.js.*build the plugin first/);
    const dup = pluginDir(
      { name: 'x', version: '1.0.0', lamina: { apiVersion: '^1', main: 'i.js', contributes: { trainers: [{ id: 't', name: 'T' }, { id: 't', name: 'T2' }] } } },
      { 'i.js': '' },
    );
    expect(failure(dup).message).toContain('lamina.contributes.trainers[1].id');
    const escape = pluginDir({ name: 'x', version: '1.0.0', lamina: { apiVersion: '^1', main: '../../etc/passwd' } });
    expect(failure(escape).message).toContain('lamina.main');
  });

  it('accepts a copy of the fixture with a compatible range form', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lamina-manifest-'));
    cpSync(join(fixtures, 'throwing-trainer'), dir, { recursive: true });
    expect(readPluginManifest(dir).apiVersion).toBe('>=1.0.0 <2');
  });
});
