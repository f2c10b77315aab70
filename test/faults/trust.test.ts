/**
 * Fault matrix · code that must not run without consent (SECURITY.md, "Trust").
 * Real `lamina` processes on real workspaces: a plugin folder dropped into a workspace, a plugin
 * that shares a user plugin's id, and a workspace that arrives from another machine. Proof that
 * code ran is a file it writes (canaryPlugin, canaryModel).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBuilt, sharedDatasets, tempWorkspace } from '../helpers/cli';
import { canaryModel, canaryPlugin, machine } from './faultHelpers';

const iris = join(sharedDatasets, 'iris.csv');

describe.skipIf(!cliBuilt)('faults: plugin code runs only with consent', () => {
  const here = machine('consent');
  const ws = tempWorkspace('lamina-fault-consent-');
  const cli = (args: string[]) => here.cli(args, ws);

  beforeAll(async () => {
    expect((await cli(['import', iris, '--name', 'iris', '--json'])).code).toBe(0);
  });

  it('a plugin dropped into <workspace>/plugins stays off, and its code does not run, until the user enables it', async () => {
    const dir = canaryPlugin(join(ws, 'plugins'), 'dropped');
    const listed = await cli(['plugins', '--json']); // also loads every enabled plugin to check it
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json.find((p: { id: string }) => p.id === 'dropped')).toMatchObject({ enabled: false, consent: 'required', origin: 'workspace' });
    expect((await cli(['plugins'])).stdout).toMatch(/dropped\s+1\.0\.0\s+no \(not approved\)/);

    const run = await cli(['train', '--dataset', 'iris', '--model', 'template:mlp', '--epochs', '1', '--seed', '1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.metrics.test_canary).toBeUndefined();
    expect(existsSync(join(dir, 'RAN'))).toBe(false);

    const cmd = await cli(['plugin', 'run', 'dropped', 'anything']);
    expect(cmd.code).toBe(1);
    expect(cmd.stderr).toContain('has not been enabled');
    expect(existsSync(join(dir, 'RAN'))).toBe(false);

    // The consent prompt says what a plugin can do and what it contributes; enabling is the consent.
    const enable = await cli(['plugin', 'enable', 'dropped']);
    expect(enable.code, enable.stderr).toBe(0);
    expect(enable.stderr).toContain('runs Node.js code with your user rights');
    expect(enable.stderr).toContain('metrics: canary');
    expect(existsSync(join(dir, 'RAN'))).toBe(true);
    const after = await cli(['train', '--dataset', 'iris', '--model', 'template:mlp', '--epochs', '1', '--seed', '1', '--json']);
    expect(after.json.metrics.test_canary).toBe(1);
  });

  it('a consent covers one version: a new version dropped over an approved plugin waits for consent again', async () => {
    canaryPlugin(join(ws, 'plugins'), 'dropped', '2.0.0');
    const listed = await cli(['plugins', '--no-check', '--json']);
    expect(listed.json.find((p: { id: string }) => p.id === 'dropped')).toMatchObject({ version: '2.0.0', enabled: false, consent: 'required' });
  });

  it('a workspace plugin never replaces a user plugin with the same id', async () => {
    const userCopy = canaryPlugin(here.userPlugins, 'twin', '1.0.0');
    const wsCopy = canaryPlugin(join(ws, 'plugins'), 'twin', '9.9.9');
    const listed = await cli(['plugins', '--json']);
    const twin = listed.json.find((p: { id: string }) => p.id === 'twin');
    expect(twin).toMatchObject({ origin: 'user', version: '1.0.0', path: userCopy, enabled: true });
    expect(twin.ignoredCopies).toEqual([{ path: wsCopy, origin: 'workspace' }]);
    expect(existsSync(join(wsCopy, 'RAN'))).toBe(false);

    // Installing one over it is refused with a reason, and the user's plugin is untouched.
    const other = canaryPlugin(tempWorkspace('lamina-fault-twin-src-'), 'twin', '5.0.0');
    const install = await cli(['plugin', 'install', other]);
    expect(install.code).toBe(1);
    expect(install.stderr).toContain(`plugin id "twin" is taken by the user's plugin at ${userCopy}`);
    expect(existsSync(join(other, 'RAN'))).toBe(false);
  });
});

describe.skipIf(!cliBuilt)('faults: a workspace from another machine opens in restricted mode', () => {
  const elsewhere = machine('elsewhere');
  const here = machine('here');
  const ws = tempWorkspace('lamina-fault-foreign-');
  const proof = join(ws, 'MODEL-RAN');
  let pluginDir = '';

  beforeAll(async () => {
    // Made, trusted and its plugin approved on the other machine; then "copied" here.
    expect((await elsewhere.cli(['import', iris, '--name', 'iris', '--json'], ws)).code).toBe(0);
    mkdirSync(join(ws, 'models'), { recursive: true });
    writeFileSync(join(ws, 'models', 'evil.ts'), canaryModel(proof));
    const src = canaryPlugin(tempWorkspace('lamina-fault-foreign-src-'), 'travels');
    expect((await elsewhere.cli(['plugin', 'install', src, '--json'], ws)).code).toBe(0);
    pluginDir = join(ws, 'plugins', 'travels');
    expect(existsSync(join(pluginDir, 'RAN'))).toBe(true); // it ran there (install loads it once)
    rmSync(join(pluginDir, 'RAN'));
  });

  const ranHere = () => existsSync(join(pluginDir, 'RAN'));

  it('says it is restricted, runs neither its models nor its plugins, and names the way out', async () => {
    const status = await here.cli(['trust', '--status', '--json'], ws);
    expect(status.code).toBe(1);
    expect(status.json).toMatchObject({ state: 'restricted', trusted: false });

    const train = await here.cli(['train', '--dataset', 'iris', '--model', 'evil', '--epochs', '1'], ws);
    expect(train.code).toBe(1);
    expect(train.stderr).toContain('restricted mode');
    expect(train.stderr).toContain('lamina trust');
    expect(train.stderr.split('\n').filter(Boolean).length).toBe(1); // one line, no stack
    expect(existsSync(proof)).toBe(false);

    const listed = await here.cli(['plugins', '--json'], ws);
    expect(listed.json.find((p: { id: string }) => p.id === 'travels')).toMatchObject({ enabled: false, restricted: true });
    expect(ranHere()).toBe(false);

    // Model code that ships with Lamina still runs: the workspace's data stays usable.
    const builtin = await here.cli(['train', '--dataset', 'iris', '--model', 'template:mlp', '--epochs', '1', '--seed', '2', '--json'], ws);
    expect(builtin.code, builtin.stderr).toBe(0);
    expect(builtin.json.metrics.test_canary).toBeUndefined();
    expect(ranHere()).toBe(false);
  });

  it('--trust lets one command run model code and leaves the workspace restricted', async () => {
    const once = await here.cli(['train', '--dataset', 'iris', '--model', 'evil', '--epochs', '1', '--seed', '3', '--trust', '--json'], ws);
    expect(once.code, once.stderr).toBe(0);
    expect(existsSync(proof)).toBe(true);
    expect((await here.cli(['trust', '--status'], ws)).code).toBe(1);
  });

  it('lamina trust lifts restricted mode; a plugin approved on the other machine still asks here', async () => {
    const trust = await here.cli(['trust', '--json'], ws);
    expect(trust.code, trust.stderr).toBe(0);
    expect(trust.json).toMatchObject({ state: 'trusted', trusted: true });
    const listed = await here.cli(['plugins', '--json'], ws);
    expect(listed.json.find((p: { id: string }) => p.id === 'travels')).toMatchObject({ enabled: false, restricted: false, consent: 'required' });
    expect(ranHere()).toBe(false);
    // …and the other machine's trust mark does not verify here, nor ours there.
    expect((await elsewhere.cli(['trust', '--status'], ws)).code).toBe(1);
  });
});
