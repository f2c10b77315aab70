/**
 * `lamina` — the headless command line. Commands follow shared/design/CLI.md: --workspace,
 * --json (one JSON document on stdout), exit 0 success / 1 failed or diverged / 2 bad usage or input.
 */
import { resolve } from 'node:path';
import { Lamina } from '../core/lamina';
import { LaminaError, formatLocation } from '../core/util/errors';
import { friendlyStorageError } from '../core/util/storageErrors';
import { defaultWorkspaceDir } from '../core/workspace/workspace';
import { parseCommandArgs, str } from './args';
import type { Command } from './command';
import { Output } from './output';
import { initCommand } from './commands/init';
import { datasetsCommand, importCommand, samplesCommand } from './commands/datasets';
import { templatesCommand } from './commands/templates';
import { trainCommand } from './commands/train';
import { exportCommand, replayCommand, runsCommand, showCommand } from './commands/runs';
import { serveCommand } from './commands/serve';
import { pluginCommand, pluginsCommand } from './commands/plugins';
import { explainCommand } from './commands/explain';
import { commandHelp } from './help/commandHelp';
import { didYouMean } from './suggest';
import { endQuietlyWhenReaderLeaves } from './closedPipe';
import { trustCommand } from './commands/trust';
import { trainersCommand } from './commands/trainers';
import { summaryCommand } from './commands/summary';
import { doctorCommand } from './commands/doctor';
import { workerCommand } from './commands/worker';
import { sweepCommand } from './commands/sweep';
// Registers the BullMQ trial executor that `lamina sweep run --queue` asks for.
import '../core/distributed/queueTrialExecutor';
import { traceStart } from '../core/engine/startTrace';

export const COMMANDS: Command[] = [
  initCommand,
  importCommand,
  datasetsCommand,
  samplesCommand,
  templatesCommand,
  trainCommand,
  runsCommand,
  showCommand,
  replayCommand,
  exportCommand,
  serveCommand,
  pluginsCommand,
  pluginCommand,
  explainCommand,
  trustCommand,
  trainersCommand,
  summaryCommand,
  doctorCommand,
  workerCommand,
  sweepCommand,
];

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: lamina <command> [options]   (every command takes --workspace DIR and --json)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'lamina <command> --help shows the command\'s options.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  traceStart('cli-main');
  endQuietlyWhenReaderLeaves();
  const [name, ...rest] = argv;
  const wantsJson = rest.includes('--json');
  const out = new Output(wantsJson);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(helpText() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write(`${process.env.LAMINA_VERSION ?? '0.1.0'}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  let lamina: Lamina | null = null;
  try {
    if (!command) throw new LaminaError('usage', `unknown command "${name}"${didYouMean(name, COMMANDS.map((c) => c.name))}\n\n${helpText()}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(commandHelp(command) + '\n');
      return 0;
    }
    const args = parseCommandArgs(rest, command.options, command.name);
    const workspaceDir = str(args.values.workspace) ? resolve(str(args.values.workspace)!) : defaultWorkspaceDir();
    const code = await command.run({
      args,
      out,
      workspaceDir,
      core: () => (lamina ??= Lamina.open(workspaceDir, { trustOnce: args.values.trust === true })),
    });
    return code ?? 0;
  } catch (e) {
    return reportError(e, out);
  } finally {
    (lamina as Lamina | null)?.close();
  }
}

function reportError(thrown: unknown, out: Output): number {
  const e = friendlyStorageError(thrown); // disk full, read-only, damaged database: one line, exit 1
  if (e instanceof LaminaError) {
    // Messages about a file already open with "file:line:"; prefix the location only where they do not.
    const where = e.location.file && e.message.startsWith(e.location.file) ? '' : formatLocation(e.location);
    // Messages that already name the command ("lamina train needs …") get no second "lamina:".
    const prefix = e.message.startsWith('lamina ') && !where ? '' : 'lamina: ';
    const text = `${prefix}${where ? `${where}: ` : ''}${e.message}`;
    if (out.json) {
      process.stdout.write(JSON.stringify({ error: { kind: e.kind, message: e.message, ...e.location } }, null, 2) + '\n');
    }
    process.stderr.write(text + '\n');
    return e.exitCode;
  }
  const err = e as Error;
  if (out.json) process.stdout.write(JSON.stringify({ error: { kind: 'internal', message: err?.message ?? String(e) } }) + '\n');
  process.stderr.write(`lamina: ${err?.stack ?? String(e)}\n`);
  return 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`lamina: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
