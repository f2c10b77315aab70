/**
 * Making node:util's parseArgs forgiving where users are right and helpful where they are wrong:
 * `--order-by -metrics.x` means what it says (a value that starts with a dash), and an unknown
 * option names the closest known one.
 */
import type { OptionSpec } from './args';
import { didYouMean } from './suggest';

/**
 * `--opt -value` → `--opt=-value` for string options, when `-value` is not itself an option.
 * parseArgs refuses it as ambiguous; sort keys (`-metrics.x`) and negative numbers start with a dash.
 */
export function attachDashValues(argv: string[], options: OptionSpec): string[] {
  const out: string[] = [];
  const isOption = (tok: string) =>
    tok === '--' || (tok.startsWith('--') && tok.slice(2).split('=')[0]! in options) || Object.values(options).some((o) => o.short && tok === `-${o.short}`);
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = tok.startsWith('--') && !tok.includes('=') ? tok.slice(2) : null;
    const next = argv[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && next.startsWith('-') && next !== '-' && !isOption(next)) {
      out.push(`${tok}=${next}`);
      i++;
    } else out.push(tok);
  }
  return out;
}

/** parseArgs' error as one line that says what to do instead. */
export function explainParseError(e: Error & { code?: string }, options: OptionSpec, command: string): string {
  const message = e.message.replace(/^TypeError \[[A-Z_]+\]: /, '');
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = message.match(/^Unknown option '([^']+)'/)?.[1] ?? '?';
    const known = Object.keys(options).map((k) => `--${k}`);
    return `unknown option ${flag}${didYouMean(flag.split('=')[0]!, known)} (lamina ${command} --help lists the options)`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = message.match(/Option '([^' ]+)/)?.[1];
    const short = message.split('\n')[0]!.replace(/\.$/, '');
    if (/argument missing/.test(message) && flag) return `${flag} needs a value`;
    return flag ? `${short} (write ${flag}=VALUE)` : short;
  }
  return message.split('\n')[0]!;
}
