import type { Command } from '../command';
import { str, usage } from '../args';
import { table } from '../output';
import { modelParams } from '../../core/models/templateParams';
import { didYouMean } from '../suggest';

export const templatesCommand: Command = {
  name: 'templates',
  summary: 'list model templates (built-in and from plugins); --params ID lists one template\'s parameters',
  usage: 'lamina templates [--params ID]',
  options: { params: { type: 'string' } },
  async run({ args, out, core }) {
    const list = core().listTemplates();
    const id = str(args.values.params);
    if (id !== undefined) {
      const t = list.find((x) => x.id === id || `${x.origin}/${x.id}` === id);
      if (!t) throw usage(`--params: no template "${id}"${didYouMean(id, list.map((x) => x.id))} (available: ${list.map((x) => x.id).join(', ')})`);
      const { params } = modelParams(t.source);
      out.result({ id: t.id, origin: t.origin, params, defaults: t.defaults ?? {} }, () =>
        [
          `${t.id} (${t.name}, from ${t.origin}): set with lamina train --model template:${t.id} --param NAME=VALUE`,
          '',
          params.length ? table(['PARAM', 'DEFAULT'], params.map((p) => [p.name, p.default])) : 'This template reads no parameters.',
          ...(t.defaults && Object.keys(t.defaults).length ? ['', `Training defaults: ${Object.entries(t.defaults).map(([k, v]) => `${k} ${v}`).join(', ')}`] : []),
        ].join('\n'),
      );
      return;
    }
    out.result(
      list.map((t) => ({ id: t.id, name: t.name, description: t.description, origin: t.origin, source: t.source, params: modelParams(t.source).params.map((p) => p.name) })),
      () =>
        table(['ID', 'NAME', 'FROM', 'DESCRIPTION'], list.map((t) => [t.id, t.name, t.origin, t.description])) +
        '\n\nlamina templates --params ID lists a template\'s parameters (lamina train --param NAME=VALUE).',
    );
  },
};
