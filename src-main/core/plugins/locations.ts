/**
 * Where plugins live, lowest precedence first (a later folder's plugin with the same id wins):
 *  1. built-in: the repository's / app's `plugins/` folder (every sub-folder except `sdk`);
 *  2. the user's plugin folder: $LAMINA_PLUGINS_DIR, else <platform app-data>/lamina/plugins;
 *  3. the workspace: <workspace>/plugins/, where `lamina plugin install` puts plugins.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export type PluginOrigin = 'builtin' | 'user' | 'workspace';

export interface PluginRoot {
  dir: string;
  origin: PluginOrigin;
}

/** $LAMINA_BUILTIN_PLUGINS, else the first ancestor of `start` holding plugins/sdk/package.json. */
export function builtinPluginsDir(env: NodeJS.ProcessEnv = process.env, start: string = __dirname): string | null {
  if (env.LAMINA_BUILTIN_PLUGINS !== undefined) return env.LAMINA_BUILTIN_PLUGINS ? resolve(env.LAMINA_BUILTIN_PLUGINS) : null;
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'plugins', 'sdk', 'package.json'))) return join(dir, 'plugins');
    if (dirname(dir) === dir) return null;
  }
}

export function userPluginsDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.LAMINA_PLUGINS_DIR) return resolve(env.LAMINA_PLUGINS_DIR);
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Lamina', 'plugins');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Lamina', 'plugins');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'lamina', 'plugins');
}

export function pluginRoots(workspacePluginsDir: string, env: NodeJS.ProcessEnv = process.env): PluginRoot[] {
  const roots: PluginRoot[] = [];
  const builtin = builtinPluginsDir(env);
  if (builtin) roots.push({ dir: builtin, origin: 'builtin' });
  roots.push({ dir: userPluginsDir(env), origin: 'user' });
  roots.push({ dir: resolve(workspacePluginsDir), origin: 'workspace' });
  return roots;
}

/** Plugin folders under a root: sub-folders with a package.json (the SDK is not a plugin). */
export function pluginFolders(root: PluginRoot): string[] {
  if (!existsSync(root.dir)) return [];
  return readdirSync(root.dir)
    .filter((name) => !name.startsWith('.') && !(root.origin === 'builtin' && name === 'sdk'))
    .map((name) => join(root.dir, name))
    .filter((p) => statSync(p).isDirectory() && existsSync(join(p, 'package.json')))
    .sort();
}
