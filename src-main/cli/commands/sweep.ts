/**
 * `lamina sweep create SPEC | run SWEEP [--parallel N] [--queue redis://…] | show SWEEP | stop SWEEP | list`
 * (docs/SWEEPS.md). `show --json` prints exactly { id, status, trials: [{ run, status, params, metric }], best }.
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SweepTrialView, SweepView } from '../../core/sweeps/sweepService';
import { queueTrialExecutor } from '../../core/sweeps/executors';
import type { Command } from '../command';
import { num, str, usage } from '../args';
import { formatMetric, table } from '../output';

const SUBCOMMANDS = ['create', 'run', 'show', 'stop', 'list'] as const;

/** The contract of `lamina sweep show --json` (issue #15): these keys, nothing else. */
export function sweepShowJson(v: SweepView) {
  const trial = (t: SweepTrialView) => ({ run: t.run, status: t.status, params: t.params, metric: t.metric });
  return { id: v.id, status: v.status, trials: v.trials.map(trial), best: v.best ? trial(v.best) : null };
}

function paramsText(p: Record<string, unknown>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : String(v)}`)
    .join(' ');
}

function humanSweep(v: SweepView): string {
  const done = v.trials.filter((t) => t.status !== 'pending' && t.status !== 'running').length;
  const lines = [
    `Sweep ${v.id} (${v.name}) ${v.status}: ${v.method}, ${v.metric.goal} ${v.metric.name}; ${done}/${v.planned ?? '?'} trials ended`,
  ];
  if (v.trials.length) {
    lines.push(
      table(
        ['#', 'RUN', 'STATUS', v.metric.name.toUpperCase(), 'PARAMS'],
        v.trials.map((t) => [t.idx, t.run ? t.run.slice(0, 8) : '-', t.status + (t.attempt > 1 ? ' (retry)' : ''), t.metric === null ? '-' : formatMetric(t.metric), paramsText(t.params)]),
      ),
    );
  }
  lines.push(v.best ? `best: trial ${v.best.idx} (run ${v.best.run}) ${v.metric.name}=${formatMetric(v.best.metric!)} ${paramsText(v.best.params)}` : 'best: none yet');
  return lines.join('\n');
}

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'hyper-parameter sweeps (W&B sweep spec): create SPEC | run SWEEP | show SWEEP | stop SWEEP | list',
  usage: 'lamina sweep create SPEC | sweep run SWEEP [--parallel N] [--queue redis://HOST:PORT] | sweep show SWEEP | sweep stop SWEEP | sweep list',
  options: { parallel: { type: 'string' }, queue: { type: 'string' } },
  async run({ args, out, core }) {
    const [sub, target] = args.positionals;
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw usage(`lamina sweep needs one of: ${SUBCOMMANDS.join(', ')}${sub ? ` (got "${sub}")` : ''}`);
    }
    if (sub !== 'list' && !target) throw usage(`lamina sweep ${sub} needs ${sub === 'create' ? 'a SPEC file (YAML or JSON)' : 'a SWEEP id or name'}`);
    if (sub !== 'run' && (args.values.parallel !== undefined || args.values.queue !== undefined)) {
      throw usage(`--parallel and --queue belong to lamina sweep run`);
    }
    switch (sub) {
      case 'create': {
        const file = resolve(target);
        if (!existsSync(file) || !statSync(file).isFile()) throw usage(`lamina sweep create: no spec file ${target}`);
        const v = core().sweeps.create(readFileSync(file, 'utf8'), { file: target, baseDir: dirname(file) });
        out.result({ id: v.id, name: v.name, method: v.method, planned: v.planned }, () => v.id);
        return;
      }
      case 'list': {
        const list = core().sweeps.list();
        out.result(
          list.map((v) => ({ id: v.id, name: v.name, status: v.status, method: v.method, metric: v.metric, trials: v.trials.length, planned: v.planned, best: v.best?.metric ?? null })),
          () =>
            list.length
              ? table(
                  ['ID', 'NAME', 'STATUS', 'METHOD', 'TRIALS', 'BEST'],
                  list.map((v) => [v.id, v.name, v.status, v.method, `${v.trials.length}/${v.planned ?? '?'}`, v.best ? `${v.metric.name}=${formatMetric(v.best.metric!)}` : '-']),
                )
              : 'No sweeps. Create one with: lamina sweep create SPEC.yaml',
        );
        return;
      }
      case 'show': {
        const v = core().sweeps.view(target);
        out.result(sweepShowJson(v), () => humanSweep(v));
        return;
      }
      case 'stop': {
        const v = core().sweeps.stop(target);
        out.result(sweepShowJson(v), () => `Sweep ${v.id}: ${v.status === 'running' ? 'stop asked for (the process running it stops its trials)' : v.status}`);
        return;
      }
      case 'run': {
        const queue = str(args.values.queue);
        // With --queue, --parallel is how many trials wait on the queue at once (workers take them).
        const parallel = num(args.values.parallel, 'parallel', { int: true, min: 1 }) ?? (queue ? 8 : 1);
        const lamina = core();
        lamina.sweeps.view(target); // a missing sweep is an error before anything starts
        let executor;
        if (queue) {
          if (!/^rediss?:\/\//.test(queue)) throw usage(`--queue must be a redis://HOST:PORT address, got "${queue}"`);
          const make = queueTrialExecutor();
          if (!make) {
            throw usage('--queue: this build has no queue executor (distributed workers on BullMQ/Redis are not installed); run without --queue to train the trials on this machine');
          }
          executor = make(queue, lamina);
          // Connect before the sweep starts, so a wrong address or password is one line and nothing runs.
          await (executor as { connect?: () => Promise<unknown> }).connect?.();
        }
        const abort = new AbortController();
        const onSigint = () => {
          out.warn('\nstopping the sweep (its running trials are cancelled)…');
          abort.abort('the sweep was stopped');
        };
        process.once('SIGINT', onSigint);
        try {
          const v = await lamina.sweeps.run(target, { parallel, executor, signal: abort.signal, log: (line) => out.warn(line) });
          out.result(sweepShowJson(v), () => humanSweep(v));
          return v.status === 'finished' ? 0 : 1;
        } finally {
          process.off('SIGINT', onSigint);
          await (executor as { close?: () => Promise<void> } | undefined)?.close?.();
        }
      }
    }
  },
};
