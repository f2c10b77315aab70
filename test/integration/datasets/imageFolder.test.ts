import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../../src-main/core/datasets/importDataset';
import { loadDatasetTensors, selectSplit } from '../../../src-main/core/datasets/loadDataset';
import { classBalance, previewDataset } from '../../../src-main/core/datasets/preview';
import { expectNothingLeft, importFailure, makeWorkspace, removeWorkspaces } from './workspaceHelpers';

const root = mkdtempSync(join(tmpdir(), 'lamina-img-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  removeWorkspaces();
});

/** A w×h image of one gray level (channels 1) or one colour (channels 3). */
function solid(w: number, h: number, value: number[]): Buffer {
  const c = value.length;
  const b = Buffer.alloc(w * h * c);
  for (let i = 0; i < w * h; i++) for (let k = 0; k < c; k++) b[i * c + k] = value[k];
  return b;
}

async function writeImage(file: string, w: number, h: number, value: number[]) {
  const img = sharp(solid(w, h, value), { raw: { width: w, height: h, channels: value.length as 1 | 3 } });
  const ext = file.split('.').pop();
  if (ext === 'png') await img.png().toFile(file);
  else if (ext === 'jpg') await img.jpeg({ quality: 100 }).toFile(file);
  else if (ext === 'webp') await img.webp({ lossless: true }).toFile(file);
  else if (ext === 'gif') await img.gif().toFile(file);
}

// Gray folder: 3 classes, 10 images each, each class a distinct gray level; mixed formats and sizes.
const gray = join(root, 'gray');
const levels: Record<string, number> = { circle: 40, square: 120, triangle: 200 };
// RGB folder: one colour image makes the whole dataset RGB.
const rgb = join(root, 'rgb');

beforeAll(async () => {
  const exts = ['png', 'jpg', 'webp', 'gif', 'png'];
  for (const [cls, level] of Object.entries(levels)) {
    mkdirSync(join(gray, cls), { recursive: true });
    for (let i = 0; i < 10; i++) await writeImage(join(gray, cls, `img${i}.${exts[i % exts.length]}`), 10 + i, 12, [level]);
  }
  writeFileSync(join(gray, 'circle', 'notes.txt'), 'not an image');
  mkdirSync(join(gray, 'empty-class'));
  for (const cls of ['red', 'gray']) mkdirSync(join(rgb, cls), { recursive: true });
  for (let i = 0; i < 4; i++) {
    await writeImage(join(rgb, 'red', `r${i}.png`), 6, 6, [255, 0, 0]);
    await writeImage(join(rgb, 'gray', `g${i}.png`), 6, 6, [100]);
  }
});

describe('image folder import', () => {
  it('decodes, resizes and stores gray images once; classes sorted, stratified, pixels / 255 on load', async () => {
    const paths = makeWorkspace();
    const phases = new Set<string>();
    const meta = await importDataset(gray, { id: 'shapes', imageSize: 8, onProgress: (p) => phases.add(p.phase) }, paths);
    expect(meta).toMatchObject({
      kind: 'image', name: 'gray', rows: 30, features: ['pixels'], target: 'label', task: 'classification',
      classes: ['circle', 'square', 'triangle'], inputShape: [8, 8, 1], file: 'datasets/shapes.arrow',
    });
    expect(phases.has('decode')).toBe(true);
    expect(meta.splits).toEqual({ train: 21, validation: 5, test: 4 });
    const balance = await classBalance(join(paths.root, meta.file), meta);
    for (let c = 0; c < 3; c++) expect(balance.counts.train[c]).toBe(7);

    const t = await loadDatasetTensors(join(paths.root, meta.file), meta);
    expect(t.inputShape).toEqual([8, 8, 1]);
    expect(t.x.length).toBe(30 * 64);
    for (let i = 0; i < 30; i++) {
      const level = levels[meta.classes[t.y[i]]];
      const px = t.x.subarray(i * 64, (i + 1) * 64);
      // Lossy JPEG may move a gray level by a step or two; everything else is exact.
      for (const v of px) expect(Math.abs(v * 255 - level)).toBeLessThanOrEqual(2);
    }
    expect(selectSplit(t, 'test').n).toBe(4);

    const preview = await previewDataset(join(paths.root, meta.file), meta, { offset: 0, limit: 2 });
    expect(preview.columns).toEqual(['pixels', 'label']);
    expect(preview.rows[0][0]).toMatch(/^data:image\/png;base64,/);
    expect(preview.rows[0][1]).toBe('circle');
  });

  it('is deterministic: same folder and seed → same hash; default size 28×28', async () => {
    const paths = makeWorkspace();
    const a = await importDataset(gray, { id: 'a' }, paths);
    const b = await importDataset(gray, { id: 'b' }, paths);
    expect(a.inputShape).toEqual([28, 28, 1]);
    expect(b.hash).toBe(a.hash);
  });

  it('goes RGB when any image is in colour; gray images are expanded to three equal channels', async () => {
    const paths = makeWorkspace();
    const meta = await importDataset(rgb, { id: 'rgb', imageSize: 4, split: [0.5, 0.25, 0.25] }, paths);
    expect(meta.inputShape).toEqual([4, 4, 3]);
    expect(meta.classes).toEqual(['gray', 'red']);
    const t = await loadDatasetTensors(join(paths.root, meta.file), meta);
    for (let i = 0; i < t.n; i++) {
      const first = Array.from(t.x.subarray(i * 48, i * 48 + 3), (v) => Math.round(v * 255));
      expect(first).toEqual(meta.classes[t.y[i]] === 'red' ? [255, 0, 0] : [100, 100, 100]);
    }
  });

  it('an undecodable image is an input error naming the file; nothing is left behind', async () => {
    const paths = makeWorkspace();
    const broken = join(root, 'broken');
    for (const cls of ['a', 'b']) {
      mkdirSync(join(broken, cls), { recursive: true });
      await writeImage(join(broken, cls, 'ok.png'), 5, 5, [10]);
    }
    const bad = join(broken, 'b', 'corrupt.png');
    writeFileSync(bad, Buffer.from('\x89PNG\r\n\x1a\nthis is not really a png'));
    const e = await importFailure(importDataset(broken, { id: 'x' }, paths));
    expect(e.kind).toBe('input');
    expect(e.location.file).toBe(bad);
    expect(e.message).toContain(bad);
    expectNothingLeft(paths);
  });

  it('fewer than two classes is an input error', async () => {
    const paths = makeWorkspace();
    const one = join(root, 'one');
    mkdirSync(join(one, 'only'), { recursive: true });
    await writeImage(join(one, 'only', 'x.png'), 5, 5, [1]);
    const e = await importFailure(importDataset(one, { id: 'x' }, paths));
    expect(e.message).toContain(one);
    expect(e.message).toMatch(/at least 2 class/);
    expectNothingLeft(paths);
    expect(readdirSync(paths.datasets)).toEqual([]);
  });
});
