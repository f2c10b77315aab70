import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  connectToParent,
  execArgvFor,
  forkHostLauncher,
  type HostProcess,
} from '../../../src-main/core/engine/hostLauncher';
import type { HostToCoreMessage } from '../../../src-main/core/engine/protocol';

const echoHost = join(__dirname, 'fixtures', 'echoHost.ts');
const inspect = (source: string) => ({
  type: 'inspect' as const,
  source,
  dataset: { inputShape: [4], task: 'classification' as const, classes: ['a'] },
  params: { units: 8 },
  backend: null,
});

function collect(host: HostProcess) {
  const messages: HostToCoreMessage[] = [];
  host.onMessage((m) => messages.push(m));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    host.onExit((code, signal) => resolve({ code, signal })),
  );
  return { messages, exit };
}

const scratch = mkdtempSync(join(tmpdir(), 'lamina-launcher-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('forkHostLauncher', () => {
  it('runs a .ts host through tsx and carries NaN and Infinity intact (structured clone)', async () => {
    const host = forkHostLauncher.launch(echoHost);
    const { messages, exit } = collect(host);
    expect(host.pid).toBeGreaterThan(0);
    host.send(inspect('echo'));
    await expect.poll(() => messages.length, { timeout: 60_000 }).toBe(3);
    expect(messages[0]).toEqual({ type: 'progress', epoch: 1, epochs: 2, batch: 3, batches: 4, loss: NaN });
    expect(messages[1]).toMatchObject({ type: 'backend', reason: `pid ${host.pid}; params {"units":8}; inf=Infinity` });
    expect(messages[2]).toEqual({ type: 'error', reason: 'internal', message: '-Infinity', stack: undefined });
    host.send({ type: 'cancel' });
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(messages.at(-1)).toMatchObject({ type: 'done', status: 'cancelled' });
    expect(host.stderrTail()).toContain('echo host ready');
    host.send({ type: 'cancel' }); // after exit: ignored, not thrown
    host.kill();
  });

  it('reports a crash with its exit code and the tail of stderr', async () => {
    const host = forkHostLauncher.launch(echoHost);
    const { exit } = collect(host);
    host.send(inspect('crash'));
    expect(await exit).toEqual({ code: 134, signal: null });
    expect(host.stderrTail()).toMatch(/fatal: simulated native abort\s*$/);
  });

  it('kills a hung host; the exit names the signal', async () => {
    const host = forkHostLauncher.launch(echoHost);
    const { exit } = collect(host);
    host.send(inspect('hang'));
    await expect.poll(() => host.stderrTail(), { timeout: 60_000 }).toContain('ready');
    host.kill('SIGKILL');
    expect(await exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('runs a plain .cjs host without tsx, and reports a missing entry as an exit, not a throw', async () => {
    const js = join(scratch, 'host.cjs');
    writeFileSync(
      js,
      "process.on('message', (m) => { process.send({ type: 'metrics', points: [], echo: m.type }); process.exit(0); });\n",
    );
    expect(execArgvFor(js)).toEqual([]);
    const host = forkHostLauncher.launch(js, { env: { LAMINA_TEST: '1' } });
    const { messages, exit } = collect(host);
    host.send({ type: 'cancel' });
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(messages).toEqual([{ type: 'metrics', points: [], echo: 'cancel' }]);

    const missing = forkHostLauncher.launch(join(scratch, 'nope.js'));
    const gone = collect(missing);
    expect((await gone.exit).code).not.toBe(0);
    expect(missing.stderrTail()).toMatch(/Cannot find module/);
  });

  it('adds tsx only for TypeScript entries, by absolute URL', () => {
    expect(execArgvFor('/x/host.ts')).toEqual(['--import', expect.stringMatching(/^file:\/\/.*tsx/)]);
    expect(execArgvFor('/x/host.mts')[0]).toBe('--import');
    expect(execArgvFor('/x/host.js')).toEqual([]);
  });
});

describe('connectToParent (the host side)', () => {
  it("uses Electron's parentPort when present, unwrapping { data }", () => {
    const port = Object.assign(new EventEmitter(), {
      posted: [] as unknown[],
      postMessage(m: unknown) {
        this.posted.push(m);
      },
    });
    const channel = connectToParent({ parentPort: port } as unknown as NodeJS.Process);
    const got: unknown[] = [];
    channel.onMessage((m) => got.push(m));
    port.emit('message', { data: { type: 'cancel' } });
    channel.send({ type: 'metrics', points: [] });
    expect(got).toEqual([{ type: 'cancel' }]);
    expect(port.posted).toEqual([{ type: 'metrics', points: [] }]);
  });

  it('says plainly when there is no parent to talk to', () => {
    const orphan = Object.assign(new EventEmitter(), { send: undefined }) as unknown as NodeJS.Process;
    expect(() => connectToParent(orphan)).toThrow(/must be started by the core/);
  });
});
