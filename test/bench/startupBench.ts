/**
 * Start-up benchmark: how long `lamina` takes before it does anything (per command), and where a
 * one-epoch iris run spends the time it adds over that: host process start, TF.js + wasm load,
 * dataset load, first batch. Uses the built CLI (out/main/cli.js; `npm run build` first) in real
 * child processes. Prints tables; asserts nothing.
 * Standalone: `npx tsx test/bench/startupBench.ts [--quick]`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { sharedDatasets } from '../helpers/cli';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'src-main', 'cli', 'lamina.cjs');
const IRIS = `${sharedDatasets}/iris.csv`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function timeCli(args: string[], env: NodeJS.ProcessEnv = {}): { ms: number; stdout: string; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`lamina ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

/** Which heavy packages a command loads: LAMINA_TRACE_MODULES makes the CLI list them on exit. */
function loadedHeavyModules(args: string[], workspace: string): string {
  const probe = `
    const M = require('node:module'); const orig = M._load; const seen = new Set();
    M._load = function (r) { const m = /^(@tensorflow\\/[^/]+|apache-arrow|sharp|esbuild|ws)(\\/|$)/.exec(r); if (m) seen.add(m[1]); return orig.apply(this, arguments); };
    process.on('exit', () => process.stderr.write('\\nHEAVY:' + [...seen].sort().join(',') + '\\n'));
    process.argv = [process.argv[0], ${JSON.stringify(CLI)}, ...${JSON.stringify([...args, '--workspace', workspace])}];
    require(${JSON.stringify(CLI)});`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  return /HEAVY:(.*)/.exec(r.stderr)?.[1] || '(none)';
}

export interface StartupRow {
  what: string;
  'median ms': number;
  note?: string;
}

export interface HostPhaseRow {
  phase: string;
  'cold ms': number | string;
  'warm ms': number | string;
}

/** CLI start per command, and the one-epoch iris run's wall time and its phases. */
export async function benchStartup(quick = false): Promise<{ cli: StartupRow[]; phases: HostPhaseRow[]; summary: string[] }> {
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) throw new Error('startupBench needs the built CLI: npm run build');
  const repeats = quick ? 3 : 5;
  const ws = mkdtempSync(join(tmpdir(), 'lamina-startup-'));
  try {
    timeCli(['init', '--workspace', ws]);
    timeCli(['import', IRIS, '--name', 'iris', '--target', 'species', '--workspace', ws]);
    const commands: string[][] = [['--version'], ['--help'], ['runs'], ['datasets'], ['templates']];
    const cli: StartupRow[] = commands.map((c) => {
      const args = c[0].startsWith('--') ? c : [...c, '--workspace', ws];
      const ms = median(Array.from({ length: repeats }, () => timeCli(args).ms));
      return { what: `lamina ${c.join(' ')}`, 'median ms': Math.round(ms), note: `loads: ${loadedHeavyModules(c, ws)}` };
    });
    const train = ['train', '--dataset', 'iris', '--model', 'template:mlp', '--epochs', '1', '--seed', '7', '--json', '--workspace', ws];
    // Warm host (the default) and cold (LAMINA_WARM_HOST=0) interleaved, so both see the same load.
    const modes = { warm: {}, cold: { LAMINA_WARM_HOST: '0' } } as const;
    const times = { warm: [] as number[], cold: [] as number[] };
    const phaseTimes = new Map<string, { warm: number[]; cold: number[] }>();
    for (let i = 0; i < repeats; i++) {
      for (const mode of ['warm', 'cold'] as const) {
        const r = timeCli(train, { LAMINA_TRACE_START: '1', ...modes[mode] });
        times[mode].push(r.ms);
        for (const m of r.stderr.matchAll(/^lamina-start (\S+) (\d+(?:\.\d+)?)$/gm)) {
          const xs = phaseTimes.get(m[1]) ?? { warm: [], cold: [] };
          xs[mode].push(Number(m[2]));
          phaseTimes.set(m[1], xs);
        }
      }
    }
    const base = cli.find((r) => r.what === 'lamina runs')!['median ms'];
    for (const mode of ['cold', 'warm'] as const) {
      cli.push({ what: `lamina train iris, mlp, 1 epoch (${mode} host)`, 'median ms': Math.round(median(times[mode])), note: `adds ${Math.round(median(times[mode]) - base)} ms over \`lamina runs\`` });
    }
    cli[cli.length - 1].note += `; CLI loads: ${loadedHeavyModules(train.slice(0, -2), ws)}`;
    const phases = [...phaseTimes].map(([phase, xs]) => ({
      phase,
      'cold ms': xs.cold.length ? Math.round(median(xs.cold)) : '—',
      'warm ms': xs.warm.length ? Math.round(median(xs.warm)) : '—',
    })) as unknown as HostPhaseRow[];
    const summary = [
      `one-epoch iris run adds ${Math.round(median(times.warm) - base)} ms (warm host) / ${Math.round(median(times.cold) - base)} ms (cold) over \`lamina runs\` (goal ≤ 600)`,
      `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${(await import('node:os')).cpus().length} cores`,
    ];
    return { cli, phases, summary };
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

export function printStartupBench(r: Awaited<ReturnType<typeof benchStartup>>): void {
  console.log('\nCLI start and a one-epoch iris run (built CLI, fresh processes, median)');
  console.table(r.cli);
  if (r.phases.length) {
    console.log('Phases of the iris run, median ms since the process started (LAMINA_TRACE_START=1)');
    console.table(r.phases);
  }
  for (const line of r.summary) console.log(line);
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  benchStartup(process.argv.includes('--quick'))
    .then(printStartupBench)
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
