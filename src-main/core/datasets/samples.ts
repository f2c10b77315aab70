/**
 * Built-in sample datasets (resources/samples/samples.json): small real datasets shipped with the
 * app, with their attribution, so a new user can train before importing data of their own.
 * Importing one is an ordinary import of the shipped file with the sample's target column.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { sampleDatasetSchema } from '../api/schemas';
import { resourcesDir } from '../resources';
import { LaminaError } from '../util/errors';

export type SampleDataset = z.infer<typeof sampleDatasetSchema>;

export function samplesDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(resourcesDir(env), 'samples');
}

/** Every sample, in the manifest's order. A broken manifest is a packaging bug: it throws. */
export function listSampleDatasets(dir: string = samplesDir()): SampleDataset[] {
  return z.array(sampleDatasetSchema).parse(JSON.parse(readFileSync(join(dir, 'samples.json'), 'utf8')));
}

/** The sample and the path of its file; an unknown id is a not-found error listing the ids. */
export function findSampleDataset(id: string, dir: string = samplesDir()): SampleDataset & { path: string } {
  const all = listSampleDatasets(dir);
  const sample = all.find((s) => s.id === id);
  if (!sample) {
    throw new LaminaError('not-found', `no sample dataset "${id}"; available: ${all.map((s) => s.id).join(', ')}`, { field: 'sample' });
  }
  return { ...sample, path: join(dir, sample.file) };
}
