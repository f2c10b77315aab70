/**
 * `lamina trust [WORKSPACE] [--status | --revoke]`: a workspace that was not created on this machine
 * opens in restricted mode (no plugin or model code from it runs); trusting it here lifts that.
 */
import { resolve } from 'node:path';
import { Lamina } from '../../core/lamina';
import type { Command } from '../command';
import { usage } from '../args';

export const trustCommand: Command = {
  name: 'trust',
  summary: 'trust a workspace on this machine so its plugin and model code may run (--status shows, --revoke undoes)',
  usage: 'lamina trust [WORKSPACE] [--status | --revoke]',
  options: { status: { type: 'boolean', default: false }, revoke: { type: 'boolean', default: false } },
  async run({ args, out, workspaceDir }) {
    if (args.values.status && args.values.revoke) throw usage('lamina trust takes --status or --revoke, not both');
    const dir = args.positionals[0] ? resolve(args.positionals[0]) : workspaceDir;
    const lamina = Lamina.open(dir);
    try {
      const info = args.values.status ? lamina.trustInfo() : args.values.revoke ? lamina.revokeTrust() : lamina.trustWorkspace();
      out.result(info, () =>
        info.trusted
          ? `${info.root}: trusted on this machine; its plugins (once enabled) and models may run.`
          : `${info.root}: restricted; no plugin or model code from it runs (lamina trust ${JSON.stringify(info.root)} to trust it).`,
      );
      return args.values.status && !info.trusted ? 1 : 0;
    } finally {
      lamina.close();
    }
  },
};
