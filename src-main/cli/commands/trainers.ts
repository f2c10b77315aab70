import type { Command } from '../command';
import { usage } from '../args';
import { table } from '../output';
import type { TrainerDeclaration } from '../../../plugins/sdk/src/params';

/** `lamina trainers [ID]`: plugin trainers, and one trainer's declared parameters (plugin API 1.1.0). */
export const trainersCommand: Command = {
  name: 'trainers',
  summary: "list plugin trainers, or one trainer's parameters (--param names, types, defaults, ranges)",
  usage: 'lamina trainers [PLUGIN/TRAINER|TRAINER]',
  options: {},
  async run({ args, out, core }) {
    const all = core()
      .listPlugins()
      .filter((p) => p.enabled && p.contributes)
      .flatMap((p) => (p.contributes!.trainers as TrainerDeclaration[]).map((t) => ({ ...t, plugin: p.id, ref: `${p.id}/${t.id}` })));
    const wanted = args.positionals[0];
    if (!wanted) {
      out.result(all, () => table(['TRAINER', 'NAME', 'TASKS', 'PARAMS'], all.map((t) => [t.ref, t.name, (t.tasks ?? ['any']).join(', '), (t.params ?? []).map((p) => p.name).join(', ')])));
      return 0;
    }
    const t = all.find((x) => x.ref === wanted || x.id === wanted);
    if (!t) throw usage(`no enabled plugin provides trainer "${wanted}"; available: ${all.map((x) => x.ref).join(', ') || 'none'}`);
    out.result(t, () => {
      const rows = (t.params ?? []).map((p) => {
        const range = p.choices ? p.choices.join(' | ') : p.min !== undefined || p.max !== undefined ? `${p.min ?? ''}..${p.max ?? ''}` : '';
        return [p.name, p.type, p.default === undefined ? '' : String(p.default), range, `${p.description ?? ''}${p.tasks ? ` (${p.tasks.join(', ')} only)` : ''}`];
      });
      return `${t.ref} — ${t.name}${t.description ? `\n${t.description}` : ''}\n\n${rows.length ? table(['PARAM', 'TYPE', 'DEFAULT', 'RANGE', 'DESCRIPTION'], rows) : '(no declared parameters)'}`;
    });
    return 0;
  },
};
