/**
 * Fault matrix · a plugin whose code never finishes loading (SECURITY.md, "Plugins"). The check that
 * loads plugins in a host process gives up after its limit, reports only the plugin that hung, and
 * keeps the others' results; listing plugins never waits for code at all.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PluginHostClient } from '../../src-main/core/plugins/pluginHostClient';

const dir = mkdtempSync(join(tmpdir(), 'lamina-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hangingPlugin(): string {
  const p = join(dir, 'hangs');
  mkdirSync(p, { recursive: true });
  // Top-level code that never returns: the host process is stuck in it.
  writeFileSync(join(p, 'index.js'), 'for (;;) {}\n');
  return p;
}

describe('faults: a plugin that hangs while loading', () => {
  it('is reported as not loading within the limit; the good plugin beside it is still checked', async () => {
    const good = resolve(__dirname, '../fixtures/plugins/good-js');
    const client = new PluginHostClient();
    const results = await client.probe(
      [
        { id: 'good-js', version: '1.2.0', dir: good, main: 'index.js' },
        { id: 'hangs', version: '1.0.0', dir: hangingPlugin(), main: 'index.js' },
      ],
      30_000,
    );
    expect(results).toHaveLength(2);
    expect(results.find((r) => r.id === 'good-js')).toMatchObject({ ok: true });
    const hung = results.find((r) => r.id === 'hangs')!;
    expect(hung.ok).toBe(false);
    expect(hung.error).toMatch(/did not finish loading within 30 s/);
  }, 300_000);
});
