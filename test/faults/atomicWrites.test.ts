/**
 * Fault matrix · files that appear whole or not at all (SECURITY.md, "Files"). A writer killed in the
 * middle of a write — here by the kernel, the moment the file passes the process's size limit
 * (`ulimit -f`, SIGXFSZ) — must leave the previous file intact; the part file it leaves is swept
 * when the workspace is next opened, once it is a day old (a young one may be a write in progress).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Lamina } from '../../src-main/core/lamina';
import { ModelLibrary } from '../../src-main/core/models/modelLibrary';
import { repoRoot } from '../helpers/cli';

const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');

describe.skipIf(process.platform === 'win32')('faults: a writer killed mid-write', () => {
  it('keeps the previous model source; the part file left behind is swept once stale', () => {
    const ws = mkdtempSync(join(tmpdir(), 'lamina-fault-atomic-'));
    Lamina.open(ws).close();
    const models = join(ws, 'models');
    new ModelLibrary(models).save('m', 'export default "the good version";\n');

    // 1 MiB of source under a 256 KiB file-size limit: the kernel stops the process mid-write.
    const script = `import { ModelLibrary } from ${JSON.stringify(join(repoRoot, 'src-main/core/models/modelLibrary.ts'))};
new ModelLibrary(${JSON.stringify(models)}).save('m', '// ' + 'x'.repeat(1 << 20));`;
    const r = spawnSync('bash', ['-c', `ulimit -f 256; exec "${tsx}" -e '${script.replace(/'/g, `'\\''`)}'`], { encoding: 'utf8' });
    expect(r.status === 0, `the write should not have completed: ${r.stderr}`).toBe(false);

    expect(readFileSync(join(models, 'm.ts'), 'utf8')).toBe('export default "the good version";\n');
    const parts = readdirSync(models).filter((f) => f.endsWith('.part'));
    expect(parts.length).toBeLessThanOrEqual(1);

    // A stale part (two days old) and a never-imported upload go at open; a fresh part stays.
    const stale = join(ws, 'datasets', 'abc.arrow.1-deadbeef.part');
    const fresh = join(ws, 'artifacts', 'run1', 'weights.bin.2-feedface.part');
    const upload = join(ws, '.tmp', 'uploads', 'u1');
    mkdirSync(join(ws, 'artifacts', 'run1'), { recursive: true });
    mkdirSync(upload, { recursive: true });
    writeFileSync(stale, 'half');
    writeFileSync(fresh, 'in progress');
    writeFileSync(join(upload, 'data.csv'), 'a,b\n1,2\n');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(stale, twoDaysAgo, twoDaysAgo);
    utimesSync(join(upload, 'data.csv'), twoDaysAgo, twoDaysAgo);
    utimesSync(upload, twoDaysAgo, twoDaysAgo);
    for (const p of parts) utimesSync(join(models, p), twoDaysAgo, twoDaysAgo);

    Lamina.open(ws).close();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(upload)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(readdirSync(models).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(readFileSync(join(models, 'm.ts'), 'utf8')).toBe('export default "the good version";\n');
  });
});
