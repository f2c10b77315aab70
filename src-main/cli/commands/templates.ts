import type { Command } from '../command';
import { table } from '../output';

export const templatesCommand: Command = {
  name: 'templates',
  summary: 'list model templates (built-in and from plugins)',
  usage: 'lamina templates',
  options: {},
  async run({ out, core }) {
    const list = core().listTemplates();
    out.result(
      list.map((t) => ({ id: t.id, name: t.name, description: t.description, origin: t.origin, source: t.source })),
      () => table(['ID', 'NAME', 'FROM', 'DESCRIPTION'], list.map((t) => [t.id, t.name, t.origin, t.description])),
    );
  },
};
