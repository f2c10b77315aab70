import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listArtifactFiles, readRunArtifact } from '../../../src-main/core/runs/runArtifacts';
import type { ArtifactRecord } from '../../../src-main/core/domain';
import { LaminaError } from '../../../src-main/core/util/errors';

const root = mkdtempSync(join(tmpdir(), 'lamina-artifacts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const runDir = join(root, 'run1');
mkdirSync(join(runDir, 'model'), { recursive: true });
writeFileSync(join(runDir, 'evaluation.json'), '{"accuracy":0.9}');
writeFileSync(join(runDir, 'model', 'weights.bin'), Buffer.from([0, 1, 2, 255]));
writeFileSync(join(root, 'secret.txt'), 'not yours');
symlinkSync(join(root, 'secret.txt'), join(runDir, 'escape.txt'));
const rec = (path: string): ArtifactRecord => ({ runId: 'run1', path, kind: 'file', bytes: 0, sha256: '', createdAt: '2026-01-01T00:00:00Z' });
const recorded = ['evaluation.json', 'model', 'escape.txt', 'gone.json'].map(rec);

function errorOf(f: () => unknown): LaminaError {
  try {
    f();
  } catch (e) {
    if (e instanceof LaminaError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('reading a run artifact for download', () => {
  it('returns the recorded file as base64 with its media type', () => {
    const json = readRunArtifact(runDir, recorded, 'evaluation.json');
    expect(json).toMatchObject({ path: 'evaluation.json', mediaType: 'application/json', bytes: 16 });
    expect(Buffer.from(json.base64, 'base64').toString()).toBe('{"accuracy":0.9}');
    const bin = readRunArtifact(runDir, recorded, 'model/weights.bin');
    expect([...Buffer.from(bin.base64, 'base64')]).toEqual([0, 1, 2, 255]);
    expect(bin.mediaType).toBe('application/octet-stream');
  });

  it('lists a folder artifact\'s files, each readable, and says a folder itself is not one download', () => {
    expect(listArtifactFiles(runDir, recorded, 'model')).toEqual([{ path: 'model/weights.bin', bytes: 4 }]);
    expect(listArtifactFiles(runDir, recorded, 'evaluation.json')).toEqual([{ path: 'evaluation.json', bytes: 16 }]);
    expect(errorOf(() => readRunArtifact(runDir, recorded, 'model')).message).toMatch(/is a folder/);
    expect(errorOf(() => readRunArtifact(runDir, recorded, 'model/../../secret.txt')).kind).toBe('input');
  });

  it('refuses paths the run did not record, files that left, and links out of the run folder', () => {
    expect(errorOf(() => readRunArtifact(runDir, recorded, '../secret.txt')).kind).toBe('not-found');
    expect(errorOf(() => readRunArtifact(runDir, recorded, 'gone.json')).message).toMatch(/file is gone/);
    const escape = errorOf(() => readRunArtifact(runDir, recorded, 'escape.txt'));
    expect(escape.kind).toBe('input');
    expect(escape.message).toMatch(/outside the run's folder/);
  });
});
