/**
 * `lamina plugin uninstall ID`: removes a plugin that `lamina plugin install` put in the workspace.
 * Plugins from the app or the user folder are not the workspace's to delete: disabling them is.
 */
import { rmSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { LaminaError } from '../util/errors';
import type { PluginInfo, PluginRegistry } from './registry';

export interface UninstallResult {
  id: string;
  removed: string;
  /** A copy of the same id from the app or user folder, now in effect. */
  nowFrom: PluginInfo | null;
}

export function uninstallPlugin(registry: PluginRegistry, id: string, workspacePlugins: string): UninstallResult {
  const info = registry.get(id); // not-found (exit 2) names the installed ones
  const inside = relative(resolve(workspacePlugins), resolve(info.path));
  if (info.origin !== 'workspace' || inside === '' || inside.startsWith('..') || inside.includes(`..${sep}`)) {
    throw new LaminaError(
      'usage',
      `plugin "${id}" comes from the ${info.origin === 'builtin' ? "app's own plugins" : 'user plugin folder'} (${info.path}), not from this workspace; ` +
        `lamina plugin uninstall removes only what lamina plugin install put there. Switch it off with: lamina plugin disable ${id}`,
    );
  }
  rmSync(info.path, { recursive: true, force: true });
  registry.refresh();
  const nowFrom = registry.list().find((p) => p.id === id) ?? null;
  return { id, removed: info.path, nowFrom };
}
