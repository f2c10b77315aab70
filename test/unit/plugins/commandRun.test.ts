/** ctx.run for plugin commands (plugin API 1.2): which run a command gets, and reads limited to recorded artifacts. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandRunId, hostCommandRun } from '../../../src-main/core/plugins/commandRun';
import { isImportInputError } from '../../../plugins/sdk/src/errors';

describe('command runs', () => {
  it('the API runId wins, else the --arg the manifest names, else none', () => {
    expect(commandRunId('abc', 'run', { run: 'def' })).toBe('abc');
    expect(commandRunId(undefined, 'run', { run: 'def' })).toBe('def');
    expect(commandRunId(undefined, 'run', { run: '' })).toBeNull();
    expect(commandRunId(undefined, undefined, { run: 'def' })).toBeNull();
  });

  it('reads recorded files and files inside recorded folders; anything else is an input error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lamina-cmdrun-'));
    const runDir = join(dir, 'run1');
    mkdirSync(join(runDir, 'model'), { recursive: true });
    writeFileSync(join(runDir, 'a.json'), '{"x":1}');
    writeFileSync(join(runDir, 'model', 'weights.bin'), new Uint8Array([1, 2, 3]));
    writeFileSync(join(runDir, 'secret.txt'), 'not recorded');
    writeFileSync(join(dir, 'outside.txt'), 'outside');
    const run = hostCommandRun({
      id: 'run1', name: null, status: 'completed', trainer: 'p/t', datasetId: 'd', params: {}, metrics: {}, artifactsDir: runDir,
      artifacts: [{ path: 'a.json', kind: 'json', bytes: 7 }, { path: 'model', kind: 'model', bytes: 3 }],
    });
    expect(run.readArtifactText('a.json')).toBe('{"x":1}');
    expect([...run.readArtifact('model/weights.bin')]).toEqual([1, 2, 3]);
    for (const bad of ['secret.txt', '../outside.txt', 'model/../../outside.txt', join(dir, 'outside.txt'), 'model']) {
      let err: unknown;
      try {
        run.readArtifact(bad);
      } catch (e) {
        err = e;
      }
      expect(isImportInputError(err), bad).toBe(true);
    }
  });
});
