import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { LaminaError } from '../../../src-main/core/util/errors';
import { ensureWorkspaceFolders, workspacePaths, type WorkspacePaths } from '../../../src-main/core/workspace/workspace';

export const sharedDatasets = resolve(__dirname, '../../../../shared/datasets');
export const fixtures = resolve(__dirname, '../../fixtures/datasets');

const made: string[] = [];

export function makeWorkspace(): WorkspacePaths {
  const root = mkdtempSync(join(tmpdir(), 'lamina-ds-'));
  made.push(root);
  const paths = workspacePaths(root);
  ensureWorkspaceFolders(paths);
  return paths;
}

export function removeWorkspaces(): void {
  for (const r of made.splice(0)) rmSync(r, { recursive: true, force: true });
}

/** After a failed import: no dataset file and no part file anywhere in the workspace. */
export function expectNothingLeft(paths: WorkspacePaths): void {
  expect(readdirSync(paths.datasets)).toEqual([]);
  expect(readdirSync(paths.tmp)).toEqual([]);
}

export async function importFailure(p: Promise<unknown>): Promise<LaminaError> {
  const err = await p.then(() => null, (e) => e);
  expect(err).toBeInstanceOf(LaminaError);
  return err as LaminaError;
}
