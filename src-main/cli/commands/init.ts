import { resolve } from 'node:path';
import { Lamina } from '../../core/lamina';
import type { Command } from '../command';

export const initCommand: Command = {
  name: 'init',
  summary: 'create or open a workspace',
  usage: 'lamina init [DIR]',
  options: {},
  async run({ args, out, workspaceDir }) {
    const dir = args.positionals[0] ? resolve(args.positionals[0]) : workspaceDir;
    Lamina.open(dir).close();
    out.result({ workspace: dir }, () => `Workspace ready at ${dir}`);
  },
};
