import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../../src-main/core/api/contract';
import { dispatch, type ApiCore } from '../../../src-main/core/api/dispatch';
import { Lamina } from '../../../src-main/core/lamina';
import { APP_ORIGIN } from '../../../src-main/app/appOrigin';
import type { AppMethodHandlers } from '../../../src-main/app/appMethods';
import {
  handleInvoke,
  INVOKE_CHANNELS,
  IPC_EVENT,
  IPC_INVOKE,
  isAllowedChannel,
  senderError,
  type InvokeDeps,
} from '../../../src-main/app/ipcRules';

const mainFrame = { url: `${APP_ORIGIN}/index.html`, isMainFrame: true };

let dir: string;
let core: Lamina;
let deps: InvokeDeps;
const picked: unknown[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lamina-ipc-'));
  core = Lamina.open(dir);
  const app: AppMethodHandlers = {
    'app.pickFile': async (input) => {
      picked.push(input);
      return { canceled: false, paths: ['/data/iris.csv'] };
    },
    'app.pickFolder': async () => ({ canceled: true, paths: [] }),
    'app.openWorkspace': async () => {
      throw Object.assign(new Error('folder is read-only'), {
        name: 'LaminaError',
        kind: 'input',
        location: { file: '/ro' },
      });
    },
    'app.recentWorkspaces': async () => ({ current: dir, recent: [dir] }),
  };
  deps = { appOrigin: APP_ORIGIN, dispatch: (m, i) => dispatch(core as unknown as ApiCore, m, i), app };
});

afterAll(() => {
  core.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectApiError(r: Awaited<ReturnType<typeof handleInvoke>>, code: string) {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(apiErrorSchema.safeParse(r.error).success).toBe(true);
  expect(r.error.code).toBe(code);
  return r.error;
}

describe('channel allow-list', () => {
  it('answers exactly one invoke channel; events go the other way', () => {
    expect(INVOKE_CHANNELS).toEqual([IPC_INVOKE]);
    expect(isAllowedChannel(IPC_INVOKE)).toBe(true);
    expect(isAllowedChannel(IPC_EVENT)).toBe(false);
    expect(isAllowedChannel('lamina:invoke ')).toBe(false);
    expect(isAllowedChannel('ELECTRON_BROWSER_REQUIRE')).toBe(false);
  });
});

describe('sender check', () => {
  it('accepts the main frame of the app origin', () => {
    expect(senderError(mainFrame, APP_ORIGIN)).toBeNull();
  });

  it('refuses gone frames, sub-frames and foreign origins', async () => {
    expect(senderError(null, APP_ORIGIN)?.code).toBe('unauthorized');
    expect(senderError({ ...mainFrame, isMainFrame: false }, APP_ORIGIN)?.message).toMatch(/main frame/);
    expect(senderError({ url: 'https://evil.example/', isMainFrame: true }, APP_ORIGIN)?.message).toMatch(
      /evil\.example/,
    );
    expect(senderError({ url: 'file:///tmp/page.html', isMainFrame: true }, APP_ORIGIN)).not.toBeNull();
    // And the core is never reached: a valid call from a foreign frame still fails.
    const r = await handleInvoke(
      { method: 'workspace.info', input: {} },
      { url: 'about:blank', isMainFrame: true },
      deps,
    );
    expectApiError(r, 'unauthorized');
  });
});

describe('invoke through the real core', () => {
  it('answers a contract call with { ok: true, value }', async () => {
    const r = await handleInvoke({ method: 'workspace.info', input: {} }, mainFrame, deps);
    expect(r).toEqual({ ok: true, value: { workspace: core.paths.root, version: expect.any(String) } });
  });

  it.each([
    ['null', null],
    ['a string', 'workspace.info'],
    ['an array', ['workspace.info', {}]],
    ['a number', 42],
    ['no method', { input: {} }],
    ['a numeric method', { method: 7 }],
    ['an empty method', { method: '' }],
    ['a huge method', { method: 'x'.repeat(10_000) }],
  ])('turns a malformed payload (%s) into a typed bad-request error', async (_label, payload) => {
    const err = expectApiError(await handleInvoke(payload, mainFrame, deps), 'bad-request');
    expect(err!.message).toMatch(/payload|method/);
  });

  it('passes unknown methods and bad inputs to dispatch, which names the field', async () => {
    expectApiError(
      await handleInvoke({ method: 'fs.readFile', input: { path: '/etc/passwd' } }, mainFrame, deps),
      'not-found',
    );
    const err = expectApiError(
      await handleInvoke({ method: 'datasets.get', input: { dataset: 42 } }, mainFrame, deps),
      'bad-request',
    );
    expect(err!.issues?.[0]?.path).toBe('dataset');
    expectApiError(
      await handleInvoke({ method: 'models.read', input: { name: 'no-such-model' } }, mainFrame, deps),
      'not-found',
    );
  });

  it('survives hostile inputs without throwing', async () => {
    const hostile = Object.create(null);
    Object.defineProperty(hostile, 'method', {
      get() {
        throw new Error('getter bomb');
      },
      enumerable: true,
    });
    expectApiError(await handleInvoke(hostile, mainFrame, deps), 'internal');
  });
});

describe('app.* methods', () => {
  it('validates their input with zod before the handler runs', async () => {
    const before = picked.length;
    const err = expectApiError(
      await handleInvoke({ method: 'app.pickFile', input: { multiple: 'yes' } }, mainFrame, deps),
      'bad-request',
    );
    expect(err!.location?.field).toBe('multiple');
    expectApiError(
      await handleInvoke(
        { method: 'app.pickFile', input: { filters: [{ name: 'x', extensions: ['.csv'] }] } },
        mainFrame,
        deps,
      ),
      'bad-request',
    );
    expectApiError(
      await handleInvoke({ method: 'app.pickFolder', input: { title: 'x', shell: 'rm -rf /' } }, mainFrame, deps),
      'bad-request',
    );
    expect(picked.length).toBe(before);
  });

  it('answers valid calls, with or without input', async () => {
    expect(await handleInvoke({ method: 'app.pickFile' }, mainFrame, deps)).toEqual({
      ok: true,
      value: { canceled: false, paths: ['/data/iris.csv'] },
    });
    const opts = { title: 'Pick', filters: [{ name: 'CSV', extensions: ['csv'] }], multiple: true };
    await handleInvoke({ method: 'app.pickFile', input: opts }, mainFrame, deps);
    expect(picked.at(-1)).toEqual(opts);
    expect(await handleInvoke({ method: 'app.pickFolder', input: {} }, mainFrame, deps)).toEqual({
      ok: true,
      value: { canceled: true, paths: [] },
    });
  });

  it('turns a handler failure into a typed error with its location', async () => {
    const err = expectApiError(
      await handleInvoke({ method: 'app.openWorkspace', input: { path: '/ro' } }, mainFrame, deps),
      'bad-request',
    );
    expect(err!.message).toBe('folder is read-only');
    expect(err!.location).toEqual({ file: '/ro' });
  });
});
