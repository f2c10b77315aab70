import type { Lamina } from '../core/lamina';
import type { OptionSpec, Parsed } from './args';
import type { Output } from './output';

export interface CommandContext {
  args: Parsed;
  out: Output;
  /** Resolved from --workspace, $LAMINA_WORKSPACE, or the platform default. */
  workspaceDir: string;
  /** Opens (creating if needed) the workspace; closed by the runner after the command. */
  core(): Lamina;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  /** Returns the exit code (0 when omitted). */
  run(ctx: CommandContext): Promise<number | void>;
}
