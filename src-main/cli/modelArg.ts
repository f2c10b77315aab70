/**
 * `lamina train --model X` checked before any run starts: X is `template:ID`, a model file, or a
 * model saved in the workspace. Anything else exits 2 saying what X was taken for and what was
 * probably meant (`mlp` → `template:mlp`), instead of starting a run that fails on `mlp` as code.
 * Also checks `--param` names against the parameters the model reads.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Lamina } from '../core/lamina';
import { modelParams } from '../core/models/templateParams';
import { disabledPluginFor } from '../core/models/disabledTemplate';
import { usage } from './args';
import { closest, didYouMean } from './suggest';

export interface ModelChoice {
  /** What the core takes: `template:ID`, a saved model's name, or source text. */
  model: string;
  modelName?: string;
  /** The source, to check --param names against (absent for trainers without a model). */
  source?: string;
}

function templateOf(lamina: Lamina, id: string) {
  return lamina.listTemplates().find((t) => t.id === id || `${t.origin}/${t.id}` === id);
}

export function chooseModel(lamina: Lamina, arg: string): ModelChoice {
  if (arg.startsWith('template:')) {
    const id = arg.slice('template:'.length);
    const t = templateOf(lamina, id);
    if (!t) {
      const disabled = disabledPluginFor(lamina.listPlugins(), id);
      if (disabled) {
        throw usage(`--model: template "${id}" comes from plugin "${disabled.id}", which is disabled${disabled.error ? ` (${disabled.error})` : ''}; enable it with: lamina plugin enable ${disabled.id}`);
      }
      const ids = lamina.listTemplates().map((x) => x.id);
      throw usage(`--model: no template "${id}"${didYouMean(id, ids, (c) => `template:${c}`)} (available: ${ids.join(', ')})`);
    }
    return { model: arg, source: t.source };
  }
  if (existsSync(arg) && statSync(arg).isFile()) {
    const file = resolve(arg);
    const source = readFileSync(file, 'utf8');
    return { model: source, modelName: basename(file).replace(/\.(ts|js|mjs|cjs)$/, ''), source };
  }
  const saved = lamina.listModels().map((m) => m.name);
  if (saved.includes(arg)) return { model: arg, source: lamina.readModel(arg) };

  const what = existsSync(arg) ? `${arg} is a folder, not a model file` : `no model file ${arg}`;
  const template = templateOf(lamina, arg) ? arg : closest(arg.replace(/\.(ts|js)$/, ''), lamina.listTemplates().map((t) => t.id));
  const savedMatch = closest(arg.replace(/\.(ts|js)$/, ''), saved);
  const hint = template ? `; did you mean template:${template}?` : savedMatch ? `; did you mean the saved model ${savedMatch}?` : '';
  throw usage(`--model: ${what}${hint} (give a file path, template:ID — see lamina templates — or a saved model's name)`);
}

/**
 * --param names the model never reads: refused (exit 2, with the closest known name) unless
 * `unchecked`, in which case they are recorded and a warning says so.
 */
export function checkParams(source: string | undefined, params: Record<string, unknown>, unchecked: boolean, warn: (text: string) => void): void {
  const names = Object.keys(params);
  if (!source || names.length === 0) return;
  const known = modelParams(source);
  if (known.dynamic) return; // the model computes parameter names: nothing to check against
  const knownNames = known.params.map((p) => p.name);
  const unknown = names.filter((n) => !knownNames.includes(n));
  if (unknown.length === 0) return;
  const list = unknown.map((n) => `"${n}"${didYouMean(n, knownNames).replace(/^; /, ' (').replace(/\?$/, '?)')}`).join(', ');
  const accepted = knownNames.length ? `the model reads: ${knownNames.join(', ')}` : 'the model reads no parameters';
  if (!unchecked) throw usage(`--param: the model does not read ${list}; ${accepted}. Add --param-unchecked to record them anyway.`);
  warn(`warning: --param ${list} not read by the model (${accepted}); recorded anyway (--param-unchecked)`);
}
