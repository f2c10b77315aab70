/**
 * A template that is missing because the plugin that brings it is disabled: which plugin, so the
 * CLI and the lab can say "enable plugin X" instead of "no template". Pure (the renderer bundles it).
 */
export interface PluginTemplates {
  id: string;
  enabled: boolean;
  error?: string | null;
  contributes?: { modelTemplates?: { id: string; name?: string }[] } | null;
}

/** The disabled plugin contributing template `id` (`ID` or `plugin/ID`), if any. */
export function disabledPluginFor<P extends PluginTemplates>(plugins: readonly P[], id: string): P | undefined {
  return plugins.find((p) => !p.enabled && p.contributes?.modelTemplates?.some((m) => m.id === id || `${p.id}/${m.id}` === id));
}

/** The templates of disabled plugins, each with its plugin. */
export function disabledTemplates<P extends PluginTemplates>(plugins: readonly P[]): { id: string; name: string; plugin: P }[] {
  return plugins.filter((p) => !p.enabled).flatMap((p) => (p.contributes?.modelTemplates ?? []).map((m) => ({ id: m.id, name: m.name ?? m.id, plugin: p })));
}
