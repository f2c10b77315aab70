/**
 * Helpers for the fault matrix: real `lamina` processes (the built CLI), real workspace folders,
 * real SQLite. Each "machine" is a config folder of its own (LAMINA_CONFIG_DIR holds the key that
 * trust marks and plugin consents are bound to), so a workspace made under one and opened under
 * another behaves exactly like one copied from another computer.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lamina, type CliResult } from '../helpers/cli';

export interface Machine {
  configDir: string;
  userPlugins: string;
  cli(args: string[], workspace: string): Promise<CliResult>;
}

export function machine(name: string): Machine {
  const base = mkdtempSync(join(tmpdir(), `lamina-fault-${name}-`));
  const configDir = join(base, 'config');
  const userPlugins = join(base, 'user-plugins');
  mkdirSync(userPlugins, { recursive: true });
  const env = { LAMINA_CONFIG_DIR: configDir, LAMINA_PLUGINS_DIR: userPlugins };
  return { configDir, userPlugins, cli: (args, workspace) => lamina(args, workspace, env) };
}

/**
 * A plugin whose code, when it is ever loaded, leaves a file named RAN in its folder: the proof
 * that plugin code ran. It contributes a metric so training loads it too.
 */
export function canaryPlugin(parent: string, id: string, version = '1.0.0'): string {
  const dir = join(parent, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: id,
      version,
      lamina: { apiVersion: '^1.0.0', main: 'index.js', contributes: { metrics: [{ id: 'canary', name: 'Canary', tasks: ['classification'] }] } },
    }),
  );
  writeFileSync(
    join(dir, 'index.js'),
    `require('node:fs').writeFileSync(require('node:path').join(__dirname, 'RAN'), String(process.pid));\n` +
      `module.exports = { default: { metrics: { canary: () => 1 } } };\n`,
  );
  return dir;
}

/** A model source that, when run, writes `proof` (model sources have full Node rights). */
export function canaryModel(proof: string): string {
  return [
    `export default function createModel(ctx) {`,
    `  process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(proof)}, 'model code ran');`,
    `  const tf = ctx.tf;`,
    `  const m = tf.sequential();`,
    `  m.add(tf.layers.dense({ units: ctx.numClasses, activation: 'softmax', inputShape: ctx.inputShape }));`,
    `  m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });`,
    `  return m;`,
    `}`,
    ``,
  ].join('\n');
}
