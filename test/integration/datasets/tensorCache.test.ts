/**
 * Decoded dataset tensors cached by content hash in the workspace (datasets/tensorCache.ts), on a
 * real imported iris: a miss writes the cache, a hit returns the same arrays to the bit; a damaged
 * cache file is ignored and rewritten; a changed dataset file is still refused; outside a workspace
 * nothing is cached.
 */
import { appendFileSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetMeta } from '../../../src-main/core/domain';
import { importDataset } from '../../../src-main/core/datasets/importDataset';
import { loadDatasetTensors } from '../../../src-main/core/datasets/loadDataset';
import { loadDatasetTensorsCached, tensorCacheDir, tensorCacheKey } from '../../../src-main/core/datasets/tensorCache';
import { ensureWorkspaceFolders, workspacePaths } from '../../../src-main/core/workspace/workspace';
import { sharedDatasets } from '../../helpers/cli';

const root = mkdtempSync(join(tmpdir(), 'lamina-tcache-'));
const paths = workspacePaths(root);
let iris: DatasetMeta;
let file: string;

const plain = (t: Awaited<ReturnType<typeof loadDatasetTensors>>) => ({ n: t.n, inputShape: t.inputShape, x: [...t.x], y: [...t.y], split: [...t.split] });

beforeAll(async () => {
  ensureWorkspaceFolders(paths);
  iris = await importDataset(`${sharedDatasets}/iris.csv`, { name: 'iris', target: 'species' }, paths);
  file = join(root, iris.file);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('dataset tensor cache', () => {
  it('writes on a miss and returns identical tensors on a hit', async () => {
    const reference = plain(await loadDatasetTensors(file, iris));
    const dir = tensorCacheDir(file)!;
    expect(dir).toBe(join(root, '.tmp', 'tensor-cache'));
    const miss = await loadDatasetTensorsCached(file, iris);
    expect(readdirSync(dir)).toEqual([`${tensorCacheKey(iris)}.bin`]);
    const hit = await loadDatasetTensorsCached(file, iris);
    expect(plain(miss)).toEqual(reference);
    expect(plain(hit)).toEqual(reference);
    expect(hit.x).toBeInstanceOf(Float32Array);
  });

  it('ignores and rewrites a damaged cache file', async () => {
    const cached = join(tensorCacheDir(file)!, `${tensorCacheKey(iris)}.bin`);
    const good = readFileSync(cached);
    const bad = Buffer.from(good);
    bad[bad.length - 200] ^= 0xff;
    writeFileSync(cached, bad);
    expect(plain(await loadDatasetTensorsCached(file, iris))).toEqual(plain(await loadDatasetTensors(file, iris)));
    expect(Buffer.compare(readFileSync(cached), good)).toBe(0);
    writeFileSync(cached, good.subarray(0, 10));
    expect(plain(await loadDatasetTensorsCached(file, iris))).toEqual(plain(await loadDatasetTensors(file, iris)));
  });

  it('still refuses a dataset file changed since import, cache or not', async () => {
    const copy = join(paths.datasets, 'changed.arrow');
    copyFileSync(file, copy);
    appendFileSync(copy, 'x');
    await expect(loadDatasetTensorsCached(copy, iris)).rejects.toThrow(/no longer matches the hash recorded/);
  });

  it('caches nothing for a file outside a workspace', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'lamina-tcache-out-'));
    try {
      const copy = join(elsewhere, 'iris.arrow');
      copyFileSync(file, copy);
      expect(tensorCacheDir(copy)).toBeNull();
      expect(plain(await loadDatasetTensorsCached(copy, iris))).toEqual(plain(await loadDatasetTensors(file, iris)));
      expect(readdirSync(elsewhere)).toEqual(['iris.arrow']);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
