/**
 * Fault matrix · input that is not what it seems (SECURITY.md, "Import"). Text that is not valid UTF-8
 * is refused with the line and byte, never turned silently into U+FFFD; Latin-1 is read only when asked
 * (`--encoding latin1`); UTF-16 with a byte-order mark is read as UTF-16. A truncated image in an image
 * folder is refused naming the file (sharp with failOn). A refused import leaves no dataset behind.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../src-main/core/lamina';
import { LaminaError } from '../../src-main/core/util/errors';
import { cliBuilt, lamina } from '../helpers/cli';

let dir: string;
let files: string;
let core: Lamina;

// 30 rows, two classes, "café" and "thé" written in Latin-1 (é = 0xE9); the first is on line 2.
const rows = ['x,y,label', ...Array.from({ length: 30 }, (_, i) => `${i},${(i * 7) % 11},${i % 2 ? 'café' : 'thé'}`)];
const text = rows.join('\n') + '\n';
const latin1 = Buffer.from(text, 'latin1');
const firstE9 = latin1.indexOf(0xe9);
const e9Line = latin1.subarray(0, firstE9).toString('latin1').split('\n').length; // 2

async function refused(p: Promise<unknown>): Promise<LaminaError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(LaminaError);
    return err as LaminaError;
  }
  throw new Error('the import should have been refused');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lamina-fault-enc-'));
  files = mkdtempSync(join(tmpdir(), 'lamina-fault-enc-files-'));
  core = Lamina.open(dir);
});
afterAll(() => core.close());

describe('faults: text that is not UTF-8', () => {
  it('refuses Latin-1 bytes naming the line and byte; nothing is imported', async () => {
    const file = join(files, 'latin1.csv');
    writeFileSync(file, latin1);
    const err = await refused(core.importDataset(file, { name: 'latin', target: 'label' }));
    expect(err.kind).toBe('input');
    expect(err.message).toBe(`${file}:${e9Line}: byte ${firstE9 + 1} (0xE9) is not valid UTF-8; save the file as UTF-8, or import it with --encoding latin1 if it is Latin-1 / Windows-1252`);
    expect(err.location.line).toBe(e9Line);
    expect(core.listDatasets()).toEqual([]);
    expect(readdirSync(join(dir, 'datasets'))).toEqual([]);
  });

  it('reads Latin-1 when asked to, keeping "café"', async () => {
    const file = join(files, 'latin1-ok.csv');
    writeFileSync(file, latin1);
    const meta = await core.importDataset(file, { name: 'latin-ok', target: 'label', encoding: 'latin1' });
    expect([...(meta.classes ?? [])].sort()).toEqual(['café', 'thé']);
  });

  it('reads UTF-16 that carries a byte-order mark (LE and BE)', async () => {
    const le = join(files, 'utf16le.csv');
    writeFileSync(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect([...((await core.importDataset(le, { name: 'u16le', target: 'label' })).classes ?? [])].sort()).toEqual(['café', 'thé']);
    const be = join(files, 'utf16be.csv');
    writeFileSync(be, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
    expect([...((await core.importDataset(be, { name: 'u16be', target: 'label' })).classes ?? [])].sort()).toEqual(['café', 'thé']);
  });

  it('refuses UTF-16 without a mark (NUL bytes) and invalid bytes in JSON lines, naming the line', async () => {
    const bare = join(files, 'bare16.csv');
    writeFileSync(bare, Buffer.from(text, 'utf16le'));
    expect((await refused(core.importDataset(bare, { name: 'bare16', target: 'label' }))).message).toMatch(/looks like UTF-16 without a byte-order mark/);

    const jsonl = join(files, 'bad.jsonl');
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ x: i, label: i % 2 ? 'a' : 'b' }));
    lines[6] = '{"x": 6, "label": "caf\u00e9"}';
    writeFileSync(jsonl, Buffer.from(lines.join('\n') + '\n', 'latin1'));
    const err = await refused(core.importDataset(jsonl, { name: 'badjsonl', target: 'label' }));
    expect(err.message).toMatch(new RegExp(`^${jsonl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7: byte \\d+ \\(0xE9\\) is not valid UTF-8`));
    expect(core.listDatasets().map((d) => d.name).sort()).toEqual(['latin-ok', 'u16be', 'u16le']);
  });
});

describe('faults: a truncated image', () => {
  it('is refused naming the file, not decoded with missing rows', async () => {
    const root = join(files, 'images');
    for (const cls of ['a', 'b']) {
      mkdirSync(join(root, cls), { recursive: true });
      for (let i = 0; i < 4; i++) {
        const raw = Buffer.alloc(32 * 32 * 3, cls === 'a' ? 40 + i : 200 - i);
        await sharp(raw, { raw: { width: 32, height: 32, channels: 3 } }).png().toFile(join(root, cls, `${i}.png`));
      }
    }
    const good = await sharp(Buffer.alloc(32 * 32 * 3, 90).map((_, k) => (k * 31) % 251), { raw: { width: 32, height: 32, channels: 3 } }).jpeg().toBuffer();
    const cut = join(root, 'b', 'cut.jpg');
    writeFileSync(cut, good.subarray(0, Math.floor(good.length * 0.6)));
    const err = await refused(core.importDataset(root, { name: 'imgs', importer: 'image-folder' }));
    expect(err.message.startsWith(`${cut}: cannot decode image:`)).toBe(true);
    expect(err.location.file).toBe(cut);
    expect(core.listDatasets().some((d) => d.name === 'imgs')).toBe(false);
  });
});

describe.skipIf(!cliBuilt)('faults: the CLI says it in one line', () => {
  it('lamina import of a Latin-1 file: exit 2, one line naming line and byte, and --encoding latin1 reads it', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'lamina-fault-enc-cli-'));
    const file = join(files, 'cli-latin1.csv');
    writeFileSync(file, latin1);
    const r = await lamina(['import', file, '--target', 'label'], ws);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`:${e9Line}: byte ${firstE9 + 1} (0xE9) is not valid UTF-8`);
    const ok = await lamina(['import', file, '--target', 'label', '--encoding', 'latin1', '--json'], ws);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
