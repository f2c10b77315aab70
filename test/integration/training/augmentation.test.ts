/**
 * Data augmentation in real runs (training craft): a CNN trains on an image-folder dataset with
 * geometric, photometric and mixup augmentation on, records it, and replays bit for bit; a setting
 * that does not fit the data fails the run with one clear line.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../../src-main/core/lamina';
import { samplesDir } from '../../../src-main/core/datasets/samples';
import { dispatch } from '../../../src-main/core/api/dispatch';

let dir: string;
let lamina: Lamina;

/** The first 300 digits of the 8×8 sample as grey PNGs, one folder per digit. */
async function writeDigitImages(folder: string, count: number): Promise<void> {
  const lines = readFileSync(join(samplesDir(), 'digits-8x8.csv'), 'utf8').trim().split(/\r?\n/).slice(1, count + 1);
  for (const [i, line] of lines.entries()) {
    const values = line.split(',').map(Number);
    const digit = values.pop()!;
    mkdirSync(join(folder, String(digit)), { recursive: true });
    const px = Buffer.from(values.map((v) => Math.round((v / 16) * 255)));
    await sharp(px, { raw: { width: 8, height: 8, channels: 1 } }).png().toFile(join(folder, String(digit), `d${i}.png`));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lamina-augment-'));
  await writeDigitImages(join(dir, 'digits'), 300);
  lamina = Lamina.open(join(dir, 'ws'));
});
afterAll(async () => {
  await lamina.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('augmentation in training runs', () => {
  it('trains a CNN with augmentation on, records it, and replays bit for bit', async () => {
    const ds = await lamina.importDataset(join(dir, 'digits'), { name: 'digit-images', imageSize: 8 } as never);
    expect(ds.inputShape).toEqual([8, 8, 1]);
    const augmentation = { shift: 0.15, rotate: 10, zoom: 0.1, brightness: 0.1, noise: 0.05, cutout: 0.25, mixup: 0.2 };
    const run = await lamina.train({
      dataset: ds.id,
      model: 'template:small-cnn',
      config: { epochs: 4, batchSize: 32, seed: 5, backend: 'wasm', earlyStoppingPatience: 0, augmentation, params: { filters: 8 } },
    });
    expect(run.status, run.error ?? '').toBe('completed');
    const detail = lamina.getRunDetail(run.id);
    expect(detail.params.augmentation).toBe('shift=0.15,rotate=10,zoom=0.1,brightness=0.1,noise=0.05,cutout=0.25,mixup=0.2');
    expect(detail.metrics.find((m) => m.key === 'test_accuracy')).toBeDefined();

    const replay = await lamina.replayRun(run.id);
    expect(replay.diffs).toEqual([]);
    expect(replay).toMatchObject({ match: true, maxAbsDiff: 0 });
  }, 900_000);

  it('changes what the model sees: the same run without augmentation has another training loss', async () => {
    const ds = lamina.getDataset('digit-images');
    const base = { epochs: 2, batchSize: 32, seed: 5, backend: 'wasm' as const, earlyStoppingPatience: 0, params: { filters: 8 } };
    const plain = await lamina.train({ dataset: ds.id, model: 'template:small-cnn', config: base });
    const flipped = await lamina.train({ dataset: ds.id, model: 'template:small-cnn', config: { ...base, augmentation: { flip: 'both' } } });
    const loss = (id: string) => lamina.getRunDetail(id).metrics.find((m) => m.key === 'loss')!.last;
    expect(loss(flipped.id)).not.toBe(loss(plain.id));
    // Validation data is never augmented: both runs score the same held-out images, so only the weights differ.
    expect(lamina.getRunDetail(flipped.id).params.augmentation).toBe('flip=both');
  }, 900_000);

  it('fails a run whose augmentation does not fit the data with one clear line', async () => {
    const iris = await lamina.importSample('iris');
    const run = await lamina.train({ dataset: iris.id, model: 'template:mlp', config: { epochs: 1, seed: 1, backend: 'cpu', augmentation: { rotate: 10 } } });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/augmentation rotate needs image samples \[height, width, channels\]; this dataset's samples are \[4\]/);
    await expect(lamina.train({ dataset: iris.id, model: 'template:mlp', config: { augmentation: { shift: 3 } } })).rejects.toThrow(/augmentation shift must be/);
  }, 600_000);

  it('previews an augmented batch through the contract: same seed, same images; a table refuses geometric changes', async () => {
    const ctx = { checkOutput: true };
    const input = { dataset: 'digit-images', augmentation: { rotate: 20, mixup: 0.4 }, seed: 3, count: 6 };
    const a = await dispatch(lamina, 'datasets.augmentPreview', input, ctx);
    expect(a.ok, JSON.stringify(a)).toBe(true);
    if (!a.ok) return;
    expect(a.value.shape).toEqual([8, 8, 1]);
    expect(a.value.samples).toHaveLength(6);
    for (const s of a.value.samples) {
      expect(s.original).toHaveLength(64);
      expect(s.augmented).not.toEqual(s.original);
      expect(s.label).toMatch(/^\d( \d+% \/ \d \d+%)*$/); // mixup: "3 71% / 8 29%"
    }
    const b = await dispatch(lamina, 'datasets.augmentPreview', input, ctx);
    expect(b.ok && b.value).toEqual(a.value);
    const none = await dispatch(lamina, 'datasets.augmentPreview', { dataset: 'digit-images', augmentation: null, count: 2 }, ctx);
    expect(none.ok && none.value.samples.every((s) => JSON.stringify(s.augmented) === JSON.stringify(s.original))).toBe(true);
    const table = await dispatch(lamina, 'datasets.augmentPreview', { dataset: 'iris', augmentation: { flip: 'horizontal' } });
    expect(table).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(!table.ok && table.error.message).toMatch(/needs image samples/);
  }, 300_000);
});
