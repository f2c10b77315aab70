/**
 * Plugin API 1.2 additions to image importers, checked in the host before anything crosses to the
 * core: per-image facts (one plain object per image; only string/number/boolean facts kept) and
 * pre-display values (a Float32Array as long as the pixels). A malformed answer is the plugin's
 * error, naming what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { checkImages } from '../../../src-main/core/plugins/host/importedImages';
import type { LoadedPlugin } from '../../../src-main/core/plugins/host/pluginLoader';
import type { ImportedImages } from '../../../plugins/sdk/src/images';

const plugin = { ref: { id: 'scans' } } as unknown as LoadedPlugin;
const base = (): ImportedImages => ({ kind: 'images', shape: [2, 2, 1], pixels: new Uint8Array(8), labels: ['a', 'b'] });

describe('image importer answers (plugin API 1.2)', () => {
  it('facts and values pass through; facts keep only plain values', () => {
    const m = checkImages(plugin, 'scan', {
      ...base(),
      samples: [{ file: 'a.dcm', frame: 0, nested: { x: 1 } as unknown as string, bad: Number.NaN }, { file: 'b.dcm', ok: true }],
      values: new Float32Array(8).fill(-1000),
      valuesUnit: 'HU',
    });
    expect(m.images!.samples).toEqual([{ file: 'a.dcm', frame: 0 }, { file: 'b.dcm', ok: true }]);
    expect(m.images!.values).toHaveLength(8);
    expect(m.images!.valuesUnit).toBe('HU');
    // Without them the answer is as in 1.1.
    expect(checkImages(plugin, 'scan', base()).images).not.toHaveProperty('samples');
  });

  it('one fact object too few, or values of the wrong length or type, is refused naming the field', () => {
    expect(() => checkImages(plugin, 'scan', { ...base(), samples: [{ file: 'a' }] })).toThrow('images: samples must be one object of facts per image (2), got 1 entries');
    expect(() => checkImages(plugin, 'scan', { ...base(), values: new Float32Array(3) })).toThrow('images: values must be a Float32Array as long as pixels (8), got 3');
    expect(() => checkImages(plugin, 'scan', { ...base(), values: [1, 2] as unknown as Float32Array })).toThrow('images: values must be a Float32Array as long as pixels (8), got object');
  });
});
