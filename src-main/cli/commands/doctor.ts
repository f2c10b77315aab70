/**
 * `lamina doctor [WORKSPACE]`: checks Node, the training backends, the native modules and a workspace
 * (integrity, schema version, orphan artifacts, stale part files, trust, disk space, plugins), changing
 * nothing. Exit 0 when nothing failed, 1 otherwise.
 */
import { resolve } from 'node:path';
import { runDoctor } from '../../core/doctor';
import { exportReadable } from '../../core/doctorExport';
import { workspacePaths } from '../../core/workspace/workspace';
import type { Command } from '../command';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check the installation and a workspace (read-only); exit 1 when a check fails',
  usage: 'lamina doctor [WORKSPACE] [--export DIR] [--json]   (--export copies every readable database row to DIR as JSON Lines; checks Node, backends, native modules, database integrity, schema version, orphan artifacts, stale .part files, trust, disk space, plugins)',
  options: { export: { type: 'string' } },
  async run({ args, out, workspaceDir }) {
    const root = args.positionals[0] ? resolve(args.positionals[0]) : workspaceDir;
    const report = runDoctor(root);
    const exportDir = typeof args.values.export === 'string' ? resolve(args.values.export) : null;
    if (exportDir) {
      const exported = exportReadable(workspacePaths(root).db, exportDir);
      const lost = exported.tables.filter((t) => t.error);
      out.warn(
        exported.error
          ? `export to ${exportDir}: ${exported.error}`
          : `exported ${exported.tables.reduce((a, t) => a + t.rows, 0)} rows of ${exported.tables.length} tables to ${exportDir}${lost.length ? `; stopped early in ${lost.map((t) => `${t.table} (${t.error})`).join(', ')}` : ''}`,
      );
    }
    const mark = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;
    out.result(report, () =>
      [`Workspace ${report.workspace}`, ...report.checks.map((c) => `${mark[c.status]}  ${c.name}: ${c.detail}`), report.ok ? 'No problems that stop Lamina.' : 'Problems found (FAIL above).'].join('\n'),
    );
    return report.ok ? 0 : 1;
  },
};
