/**
 * Declared trainer parameters (plugin API 1.1.0): the SDK's checks, which both the CLI (before a
 * run) and plugin code run, and the manifest fields that declare them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type TrainerParamError, checkTrainerParams, coerceParam, resolveParams, type TrainerParamSpec } from '@lamina/plugin-sdk';
import { readPluginManifest } from '../../../src-main/core/plugins/manifest';
import { checkRunTrainerParams } from '../../../src-main/core/plugins/trainerParams';
import { LaminaError } from '../../../src-main/core/util/errors';

const specs: TrainerParamSpec[] = [
  { name: 'members', type: 'integer', default: 10, min: 1, max: 100 },
  { name: 'rate', type: 'number', default: 0.1, min: 0 },
  { name: 'refit', type: 'boolean', default: true },
  { name: 'vote', type: 'choice', default: 'soft', choices: ['soft', 'hard'], tasks: ['classification'] },
  { name: 'base', type: 'list', default: 'a,b', choices: ['a', 'b', 'c'] },
];

function thrown(f: () => unknown): TrainerParamError {
  try {
    f();
  } catch (e) {
    return e as TrainerParamError;
  }
  throw new Error('did not throw');
}

describe('trainer parameters', () => {
  it('fills defaults, converts command-line strings and passes undeclared (model) params through', () => {
    expect(resolveParams(specs, { members: '4', refit: 'false', units: '32' }, 'classification')).toEqual({
      members: 4, rate: 0.1, refit: false, vote: 'soft', base: 'a,b', units: '32',
    });
    expect(coerceParam(specs[4], ' c , a ')).toBe('c,a');
  });

  it('names the parameter in every refusal', () => {
    expect(thrown(() => resolveParams(specs, { members: 0 })).message).toBe('--param members=0: must be at least 1 (range 1–100)');
    expect(thrown(() => resolveParams(specs, { members: '2.5' })).message).toBe('--param members=2.5: must be an integer');
    expect(thrown(() => resolveParams(specs, { rate: 'fast' })).param).toBe('rate');
    expect(thrown(() => resolveParams(specs, { refit: 'maybe' })).message).toContain('true or false');
    expect(thrown(() => resolveParams(specs, { vote: 'loud' })).message).toBe('--param vote=loud: must be one of soft, hard');
    expect(thrown(() => resolveParams(specs, { base: 'a,z' })).message).toContain('unknown "z"');
    expect(thrown(() => resolveParams(specs, { vote: 'hard' }, 'regression')).message).toBe('--param vote: applies to classification only; this dataset is regression');
    expect(thrown(() => checkTrainerParams({ id: 't', name: 'T', tasks: ['classification'] }, {}, 'regression')).param).toBe('dataset');
  });

  it('the core turns a refusal into a usage error (exit 2) with the parameter as its field', () => {
    const e = (() => {
      try {
        checkRunTrainerParams({ id: 't', name: 'T', params: specs }, { members: -1 }, 'classification');
      } catch (err) {
        return err as LaminaError;
      }
      throw new Error('did not throw');
    })();
    expect(e).toBeInstanceOf(LaminaError);
    expect(e.exitCode).toBe(2);
    expect(e.location.field).toBe('param.members');
  });

  it('manifests declare trainer tasks and params; a bad declaration names its field', () => {
    const dir = (lamina: object) => {
      const d = mkdtempSync(join(tmpdir(), 'lamina-params-manifest-'));
      writeFileSync(join(d, 'i.js'), 'module.exports = {}');
      writeFileSync(join(d, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', lamina: { apiVersion: '^1.1.0', main: 'i.js', ...lamina } }));
      return d;
    };
    const good = readPluginManifest(dir({ contributes: { trainers: [{ id: 't', name: 'T', tasks: ['regression'], params: specs }] } }));
    expect(good.contributes.trainers[0].params).toHaveLength(5);
    const bad = () => readPluginManifest(dir({ contributes: { trainers: [{ id: 't', name: 'T', params: [{ name: 'x', type: 'float' }] }] } }));
    expect(bad).toThrow(/lamina\.contributes\.trainers\[0\]\.params\[0\]\.type/);
    const noChoices = () => readPluginManifest(dir({ contributes: { trainers: [{ id: 't', name: 'T', params: [{ name: 'x', type: 'choice' }] }] } }));
    expect(noChoices).toThrow(/lists its choices/);
    // A 1.0 plugin (no params) still loads.
    expect(readPluginManifest(dir({ apiVersion: '^1.0.0', contributes: { trainers: [{ id: 't', name: 'T' }] } })).contributes.trainers).toHaveLength(1);
  });
});
