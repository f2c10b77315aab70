/**
 * `lamina doctor [WORKSPACE]`: checks Node, the training backends, the native modules and a workspace
 * (integrity, schema version, orphan artifacts, stale part files, trust, disk space, plugins), changing
 * nothing. Exit 0 when nothing failed, 1 otherwise.
 */
import { resolve } from 'node:path';
import { runDoctor } from '../../core/doctor';
import type { Command } from '../command';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check the installation and a workspace (read-only); exit 1 when a check fails',
  usage: 'lamina doctor [WORKSPACE] [--json]   (checks Node, backends, native modules, database integrity, schema version, orphan artifacts, stale .part files, trust, disk space, plugins)',
  options: {},
  async run({ args, out, workspaceDir }) {
    const report = runDoctor(args.positionals[0] ? resolve(args.positionals[0]) : workspaceDir);
    const mark = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;
    out.result(report, () =>
      [`Workspace ${report.workspace}`, ...report.checks.map((c) => `${mark[c.status]}  ${c.name}: ${c.detail}`), report.ok ? 'No problems that stop Lamina.' : 'Problems found (FAIL above).'].join('\n'),
    );
    return report.ok ? 0 : 1;
  },
};
