/**
 * DICOM decoding checked against other readers: the shared reference statistics (exactly), and
 * pydicom's decode of the test files Debian's python3-pydicom ships (computed here with
 * /usr/bin/python3): every transfer syntax the plugin reads, RGB, multi-frame, big endian.
 * Lossless syntaxes must match exactly; lossy JPEG within 0.5 of the mean (decoders differ in
 * IDCT and chroma upsampling). Broken files give { error } naming the file and what is wrong.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '@lamina/plugin-sdk/testing';
import plugin from '../src/index';
import { dicomStats } from '../src/dicom/stats';

const shared = resolve(__dirname, '../../../../shared/datasets/dicom');
const pydicomFiles = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const hasPydicom = existsSync('/usr/bin/python3') && existsSync(pydicomFiles);

type Stats = { transferSyntax: string; shape: number[]; min: number; max: number; mean: number };

describe('dicom-stats against the shared reference statistics', () => {
  const ref = JSON.parse(readFileSync(join(shared, 'reference-pixel-stats.json'), 'utf8')) as Record<string, { ts?: string; shape?: number[]; min?: number; max?: number; mean?: number; error?: string }>;
  for (const [file, want] of Object.entries(ref)) {
    it(file, async () => {
      const got = await runCommand(plugin, 'dicom-stats', { file: join(shared, file) }) as Stats & { error?: string };
      if (want.error) {
        expect(got.error).toContain(file);
        expect(got.error).toMatch(/truncated/);
        return;
      }
      expect(got).toEqual({ transferSyntax: want.ts, shape: want.shape, min: want.min, max: want.max, mean: want.mean });
    });
  }

  it('a missing file argument or a missing file is an { error }, not a throw', async () => {
    expect(await runCommand(plugin, 'dicom-stats', {})).toEqual({ error: 'give the file: --arg file=PATH' });
    expect((await dicomStats('/nonexistent.dcm') as { error: string }).error).toMatch(/nonexistent\.dcm: cannot read/);
  });
});

// Transfer syntaxes by UID, for the summary table at the end.
const LOSSY = new Set(['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.91']);
// Files pydicom decodes that the plugin refuses, with the reason (asserted, so a change is noticed).
const KNOWN_REFUSED: Record<string, RegExp> = {
  'JPEG-lossy.dcm': /12-bit JPEG is not supported/,
  'JPGExtended.dcm': /12-bit JPEG is not supported/,
  'SC_ybr_full_422_uncompressed.dcm': /YBR_FULL_422 without compression/,
  'JPEG2000-embedded-sequence-delimiter.dcm': /JPEG 2000/,
  'SC_rgb_jpeg.dcm': /truncated/,
};
// JPEG streams without a colour-transform marker: pydicom keeps RGB, libjpeg-turbo assumes YCbCr.
const KNOWN_DIFFERENT = new Set(['SC_jpeg_no_color_transform.dcm', 'SC_rgb_small_odd_jpeg.dcm']);

describe.skipIf(!hasPydicom)('dicom-stats against pydicom on python3-pydicom test files', () => {
  const names = (execFileSync('ls', [pydicomFiles], { encoding: 'utf8' })).split('\n').filter((f) => f.endsWith('.dcm'));
  const ref = JSON.parse(execFileSync('/usr/bin/python3', [join(__dirname, 'pydicom_stats.py'), ...names.map((n) => join(pydicomFiles, n))], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 << 20,
  })) as Record<string, Stats & { error?: string }>;

  it('decodes what pydicom decodes, with the same statistics', async () => {
    const decodedBy = new Map<string, string[]>();
    for (const name of names) {
      const want = ref[join(pydicomFiles, name)];
      const got = await dicomStats(join(pydicomFiles, name)) as Stats & { error?: string };
      if (want.error) continue; // pydicom cannot decode it either (no pixel data, no meta, bad VR)
      if (KNOWN_REFUSED[name]) {
        expect(got.error, name).toMatch(KNOWN_REFUSED[name]);
        continue;
      }
      expect(got.error, name).toBeUndefined();
      expect(got.transferSyntax, name).toBe(want.transferSyntax);
      expect(got.shape, name).toEqual(want.shape);
      if (KNOWN_DIFFERENT.has(name)) continue;
      if (LOSSY.has(want.transferSyntax)) {
        expect(Math.abs(got.mean - want.mean), `${name} mean ${got.mean} vs ${want.mean}`).toBeLessThan(0.5);
      } else {
        expect({ min: got.min, max: got.max, mean: got.mean }, name).toEqual({ min: want.min, max: want.max, mean: want.mean });
      }
      decodedBy.set(want.transferSyntax, [...(decodedBy.get(want.transferSyntax) ?? []), name]);
    }
    // Every transfer syntax the issue names is among the decoded ones.
    for (const uid of [
      '1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.5',
      '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91',
    ]) expect(decodedBy.has(uid), uid).toBe(true);
    // RGB, multi-frame and big endian are among them.
    expect(decodedBy.get('1.2.840.10008.1.2.5')).toContain('SC_rgb_rle_2frame.dcm');
    expect(decodedBy.get('1.2.840.10008.1.2.2')).toContain('rtdose_expb.dcm');
  });

  it('names what is wrong with broken files', async () => {
    const err = async (name: string) => ((await dicomStats(join(pydicomFiles, name))) as { error: string }).error;
    expect(await err('no_meta.dcm')).toMatch(/no_meta\.dcm: no DICOM preamble/);
    expect(await err('meta_missing_tsyntax.dcm')).toMatch(/meta header.*0002,0010/);
    expect(await err('MR_truncated.dcm')).toMatch(/truncated/);
    expect(await err('rtplan.dcm')).toMatch(/no pixel data/);
  });
});

// The built plugin (npm run build) loads its JPEG, JPEG-LS and JPEG 2000 codecs from dist/codecs.
const built = resolve(__dirname, '../dist/index.js');
describe.skipIf(!existsSync(built) || !hasPydicom)('the built plugin', () => {
  it('decodes compressed files with the codecs it ships', async () => {
    const { createRequire } = await import('node:module');
    const dist = createRequire(__filename)(built) as { default: typeof plugin };
    const stats = (f: string) => runCommand(dist.default, 'dicom-stats', { file: join(pydicomFiles, f) });
    for (const f of ['MR_small_jpeg_ls_lossless.dcm', 'MR_small_jp2klossless.dcm']) {
      expect(await stats(f), f).toEqual({ transferSyntax: expect.any(String), shape: [64, 64], min: 127, max: 2145, mean: 518.8813 });
    }
    expect(await stats('SC_rgb_jpeg_dcmtk.dcm')).toMatchObject({ transferSyntax: '1.2.840.10008.1.2.4.50', shape: [100, 100, 3] });
  });
});
