/**
 * Plugin commands (CLI.md): `lamina plugins`, `lamina plugin create|validate|install|enable|disable`.
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { PLUGIN_CONSENT_STATEMENT, type PluginInfo } from '../../core/plugins/registry';
import { readPluginManifest } from '../../core/plugins/manifest';
import { createPluginScaffold } from '../../core/plugins/scaffold';
import { uninstallPlugin } from '../../core/plugins/uninstall';
import type { Command } from '../command';
import { keyValues, str, usage } from '../args';
import { table } from '../output';
import { shellQuote } from '../shellQuote';

function pluginRow(p: PluginInfo) {
  return {
    id: p.id,
    version: p.version,
    enabled: p.enabled,
    ...(p.error ? { error: p.error } : {}),
    origin: p.origin,
    path: p.path,
    displayName: p.displayName,
    apiVersion: p.apiVersion,
    contributes: p.contributes,
    consent: p.consent,
    restricted: p.restricted,
    ...(p.ignoredCopies.length ? { ignoredCopies: p.ignoredCopies } : {}),
  };
}

/** The ENABLED column: why a plugin is off when it is not simply switched off. */
function enabledText(p: PluginInfo): string {
  if (p.enabled) return 'yes';
  if (p.restricted) return 'no (restricted workspace)';
  if (p.consent === 'required') return 'no (not approved)';
  return 'no';
}

/** What the consent prompt shows before a workspace plugin is allowed to run. */
function consentText(p: PluginInfo): string {
  const what = contributionSummary(p) || 'nothing declared';
  return [`Plugin "${p.id}" ${p.version} (${p.path})`, `  contributes: ${what}`, `  ${PLUGIN_CONSENT_STATEMENT}`].join('\n');
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function contributionSummary(p: PluginInfo): string {
  if (!p.contributes) return '';
  return Object.entries(p.contributes)
    .filter(([, list]) => list.length)
    .map(([k, list]) => `${k}: ${(list as { id: string }[]).map((x) => x.id).join(',')}`)
    .join('; ');
}

export const pluginsCommand: Command = {
  name: 'plugins',
  summary: 'list installed plugins and their state (loads each in a host process to check it)',
  usage: 'lamina plugins [--no-check]',
  options: { 'no-check': { type: 'boolean', default: false } },
  async run({ args, out, core }) {
    const lamina = core();
    const list = args.values['no-check'] ? lamina.listPlugins() : await lamina.checkPlugins();
    out.result(list.map(pluginRow), () =>
      list.length
        ? table(
            ['ID', 'VERSION', 'ENABLED', 'FROM', 'CONTRIBUTES / ERROR'],
            list.map((p) => [p.id, p.version, enabledText(p), p.origin, p.error ? `error: ${p.error}` : contributionSummary(p)]),
          )
        : 'No plugins. Create one with: lamina plugin create DIR --name NAME',
    );
  },
};

const SUBCOMMANDS = ['create', 'validate', 'install', 'uninstall', 'enable', 'disable', 'run'] as const;

export const pluginCommand: Command = {
  name: 'plugin',
  summary: 'plugin authoring and management: create DIR --name N | validate DIR | install DIR|TGZ | uninstall ID | enable ID | disable ID | run ID COMMAND',
  usage:
    'lamina plugin create DIR --name N | plugin validate DIR | plugin install DIR|TGZ | plugin uninstall ID | plugin enable ID [--yes] | plugin disable ID | plugin run ID COMMAND [--arg k=v]…',
  options: { name: { type: 'string' }, arg: { type: 'string', multiple: true }, yes: { type: 'boolean', short: 'y', default: false } },
  async run({ args, out, core }) {
    const [sub, target] = args.positionals;
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw usage(`lamina plugin needs one of: ${SUBCOMMANDS.join(', ')}${sub ? ` (got "${sub}")` : ''}`);
    }
    if (!target) throw usage(`lamina plugin ${sub} needs ${sub === 'enable' || sub === 'disable' || sub === 'run' || sub === 'uninstall' ? 'a plugin ID' : sub === 'install' ? 'a DIR or TGZ' : 'a DIR'}`);
    switch (sub) {
      case 'create': {
        const name = str(args.values.name);
        if (!name) throw usage('lamina plugin create DIR needs --name NAME');
        const r = createPluginScaffold(target, name);
        out.result({ dir: r.dir, id: r.id, files: r.files }, () =>
          [
            `Created plugin "${r.id}" in ${r.dir}`,
            '',
            `  cd ${shellQuote(r.dir)}`,
            '  node build.mjs --test     # build and test',
            '  lamina plugin install .',
            '  lamina import sample:iris',
            `  lamina train --dataset iris --model template:${r.id}-mlp --epochs 30`,
          ].join('\n'),
        );
        return;
      }
      case 'validate': {
        const m = readPluginManifest(resolve(target));
        out.result({ valid: true, ...m }, () => `${m.id} ${m.version}: valid (plugin API ${m.apiVersion})`);
        return;
      }
      case 'install': {
        out.warn(`Installing a plugin is consenting to run it. ${PLUGIN_CONSENT_STATEMENT}`);
        const p = await core().installPlugin(resolve(target));
        out.result(pluginRow(p), () => (p.error ? `Installed ${p.id} ${p.version}, but it is disabled: ${p.error}` : `Installed ${p.id} ${p.version} into ${p.path}`));
        return p.error ? 1 : 0;
      }
      case 'uninstall': {
        const lamina = core();
        const r = uninstallPlugin(lamina.plugins, target, lamina.paths.plugins);
        out.result(r, () => `Uninstalled ${r.id} (removed ${r.removed})${r.nowFrom ? `; the ${r.nowFrom.origin} copy of ${r.id} ${r.nowFrom.version} is now in effect` : ''}`);
        return;
      }
      case 'enable':
      case 'disable': {
        if (sub === 'enable') {
          const before = core().listPlugins().find((x) => x.id === target);
          if (before && before.consent === 'required') {
            // The consent prompt: what the plugin can do and what it adds. On a terminal, ask.
            out.warn(consentText(before));
            if (out.interactive && process.stdin.isTTY && !args.values.yes && !(await confirm('Enable it? [y/N] '))) {
              out.warn('not enabled');
              return 1;
            }
          }
        }
        const p = await core().setPluginEnabled(target, sub === 'enable');
        out.result(pluginRow(p), () => (p.error ? `${p.id} could not be enabled: ${p.error}` : p.restricted ? `${p.id} approved, but this workspace is in restricted mode: it runs once you trust the workspace (lamina trust)` : `${p.id} ${p.enabled ? 'enabled' : 'disabled'}`));
        return p.enabled === (sub === 'enable') ? 0 : 1;
      }
      case 'run': {
        const commandId = args.positionals[2];
        if (!commandId) throw usage(`lamina plugin run ${target} needs a COMMAND (see lamina plugins --json: contributes.commands)`);
        const r = await core().runPluginCommand(target, commandId, keyValues(args.values.arg as string[] | undefined, 'arg'));
        out.result(r, () => (typeof r.result === 'string' ? r.result : JSON.stringify(r.result, null, 2)));
        return;
      }
    }
  },
};
