/**
 * Host side: loads a plugin's built Node entry with `require`, hands it the SDK context, and
 * wraps every failure in a PluginCodeError that names the plugin. Runs only in a host process.
 *
 * `@tensorflow/tfjs` and `@lamina/plugin-sdk` required from plugin code resolve to the host's
 * own instances, so a plugin never brings (or needs to find) a second TensorFlow.js.
 */
import Module from 'node:module';
import { join } from 'node:path';
import type { PluginCodeRef } from '../../engine/protocol';
import type { Logger, PluginContext, PluginDefinition } from '../../../../plugins/sdk/src/index';
import { HOST_PLUGIN_API_VERSION } from '../manifest';
import * as sdkParams from '../../../../plugins/sdk/src/params';

export type Phase = 'load' | 'trainer' | 'metric' | 'importer' | 'command';

export class PluginCodeError extends Error {
  constructor(
    readonly pluginId: string,
    readonly phase: Phase,
    readonly original: unknown,
    what: string,
  ) {
    super(`plugin "${pluginId}": ${what} threw: ${original instanceof Error ? original.message : String(original)}`);
    this.name = 'PluginCodeError';
    if (original instanceof Error && original.stack) this.stack = `${this.message}\n${original.stack.split('\n').slice(1).join('\n')}`;
  }
}

export interface LoadedPlugin {
  ref: PluginCodeRef;
  def: PluginDefinition;
  context: PluginContext;
}

let aliasesInstalled = false;
type LoadFn = (this: unknown, request: string, parent: unknown, isMain: boolean) => unknown;

/** Routes plugin `require('@tensorflow/tfjs')` / `require('@lamina/plugin-sdk')` to the host's modules. */
export function installModuleAliases(): void {
  if (aliasesInstalled) return;
  aliasesInstalled = true;
  const mod = Module as unknown as { _load: LoadFn };
  const original = mod._load;
  const sdk = { PLUGIN_API_VERSION: HOST_PLUGIN_API_VERSION, definePlugin: <T>(d: T) => d, ...sdkParams };
  mod._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
    if (request === '@lamina/plugin-sdk') return sdk;
    if (request === '@tensorflow/tfjs') return original.call(this, require.resolve('@tensorflow/tfjs'), parent, isMain);
    return original.call(this, request, parent, isMain);
  } as LoadFn;
}

function pluginLogger(id: string): Logger {
  const write = (level: string) => (message: string) => process.stderr.write(`[plugin ${id}] ${level}: ${message}\n`);
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

export function pluginContext(ref: PluginCodeRef): PluginContext {
  return { pluginId: ref.id, pluginDir: ref.dir, apiVersion: HOST_PLUGIN_API_VERSION, logger: pluginLogger(ref.id) };
}

/** Requires the entry and calls activate(); throws PluginCodeError(phase 'load') on any failure. */
export async function loadPlugin(ref: PluginCodeRef): Promise<LoadedPlugin> {
  installModuleAliases();
  const context = pluginContext(ref);
  let def: PluginDefinition;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(join(ref.dir, ref.main)) as { default?: unknown; plugin?: unknown };
    const candidate = (exported?.default ?? exported?.plugin ?? exported) as PluginDefinition;
    if (!candidate || typeof candidate !== 'object') throw new Error(`${ref.main} must export definePlugin({...}) as default`);
    def = candidate;
  } catch (e) {
    throw new PluginCodeError(ref.id, 'load', e, `loading ${ref.main}`);
  }
  try {
    await def.activate?.(context);
  } catch (e) {
    throw new PluginCodeError(ref.id, 'load', e, 'activate()');
  }
  return { ref, def, context };
}

/** Calls `fn`, turning a throw (or a rejected promise) into a PluginCodeError naming the plugin. */
export async function guarded<T>(p: LoadedPlugin, phase: Phase, what: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof PluginCodeError) throw e;
    throw new PluginCodeError(p.ref.id, phase, e, what);
  }
}
