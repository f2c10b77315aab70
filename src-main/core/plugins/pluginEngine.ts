/**
 * An EngineClient that knows about plugins: it adds to each training start the plugin code the
 * run needs (the trainer's plugin, the metrics that apply to the task) and records what plugin
 * code reports back — failures (the plugin is disabled), params and nested child runs — before
 * passing every message on to the run manager.
 */
import { randomUUID } from 'node:crypto';
import type { MetricPoint } from '../domain';
import { EngineClient, type HostJob } from '../engine/engineClient';
import type { HostLauncher } from '../engine/hostLauncher';
import type { CoreToHostMessage, HostToCoreMessage, PluginCodeRef, StartTrainingMessage } from '../engine/protocol';
import type { MetricWriter } from '../store/metricWriter';
import type { RunStore } from '../store/runStore';
import type { PluginRegistry } from './registry';
import type { RemoteRunHooks, RemoteTraining } from '../distributed/coordinator';

export class PluginAwareEngine extends EngineClient {
  /** When set (`--queue`), training runs on queue workers instead of a local host process. */
  remote: RemoteTraining | null = null;

  constructor(
    launcher: HostLauncher | undefined,
    private readonly registry: PluginRegistry,
    private readonly store: RunStore,
    private readonly metrics: MetricWriter,
  ) {
    super(launcher);
  }

  override run(start: CoreToHostMessage, onMessage: (m: HostToCoreMessage) => void = () => {}): HostJob {
    if (start.type !== 'start') return super.run(start, onMessage);
    const msg = this.withPlugins(start);
    const children = new Map<string, string>();
    const handle = (m: HostToCoreMessage) => {
      try {
        this.onPluginMessage(msg, children, m);
      } finally {
        onMessage(m);
      }
    };
    const job = this.remote ? this.remote.run(msg, handle, this.remoteHooks(msg.runId, children)) : super.run(msg, handle);
    // Child runs still open when the parent ends share its ending.
    job.outcome.then((o) => {
      const error = o.kind === 'done' ? null : 'the parent run failed';
      const status = o.kind === 'done' ? (o.message.status === 'cancelled' ? 'cancelled' : 'completed') : 'failed';
      for (const id of children.values()) this.endChild(id, status, error);
    }).catch(() => {});
    return job;
  }

  /** The store side of a queued run: a restarted attempt replaces the cut-off attempt's metrics. */
  private remoteHooks(runId: string, children: Map<string, string>): RemoteRunHooks {
    return {
      restarted: ({ attempt, worker, previousWorker }) => {
        const removed = this.metrics.discardRun(runId);
        for (const id of children.values()) this.endChild(id, 'failed', 'cut off: the worker training it was lost and the run restarted');
        children.clear();
        this.store.setTags(runId, {
          'queue.restarted': `attempt ${attempt} on ${worker} replaced ${removed} metric points of the attempt cut off on ${previousWorker ?? 'an unknown worker'}`,
        });
      },
      tags: (tags) => this.store.setTags(runId, tags),
    };
  }

  private withPlugins(start: StartTrainingMessage): StartTrainingMessage {
    const refs = new Map<string, PluginCodeRef>();
    const trainerName = start.config.trainer;
    let trainer: StartTrainingMessage['trainer'];
    if (trainerName) {
      const t = this.registry.trainer(trainerName);
      const ref = this.registry.ref(t.plugin)!;
      refs.set(ref.id, ref);
      trainer = { pluginId: ref.id, trainerId: t.trainerId, hasModel: !start.source.startsWith(NO_MODEL_MARK) };
    }
    const pluginMetrics = this.registry.metrics(start.dataset.task).map(({ plugin, metricIds }) => {
      const ref = this.registry.ref(plugin)!;
      refs.set(ref.id, ref);
      return { pluginId: ref.id, metricIds };
    });
    if (!refs.size) return start;
    return { ...start, plugins: [...refs.values()], pluginMetrics, ...(trainer ? { trainer } : {}) };
  }

  private onPluginMessage(start: StartTrainingMessage, children: Map<string, string>, m: HostToCoreMessage): void {
    switch (m.type) {
      case 'plugin.error':
        this.registry.recordFailure(m.pluginId, m.phase, m.message);
        this.store.setTags(start.runId, { [`plugin_error.${m.pluginId}`]: `${m.phase}: ${m.message}`.slice(0, 500) });
        break;
      case 'run.params': {
        const id = m.child ? children.get(m.child) : start.runId;
        if (id) this.store.setParams(id, Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, String(v)])));
        break;
      }
      case 'run.child': {
        const parent = this.store.requireRun(start.runId);
        const id = randomUUID().replace(/-/g, '');
        this.store.createRun({
          ...parent,
          id,
          name: m.name,
          status: 'running',
          modelName: m.name,
          topology: null,
          createdAt: new Date().toISOString(),
          startedAt: new Date().toISOString(),
          endedAt: null,
          durationMs: null,
          error: null,
          errorStack: null,
          parentRunId: parent.id,
          replayOf: null,
          resumedFrom: null,
          notes: '',
          ownerPid: process.pid,
        } as Parameters<RunStore['createRun']>[0]);
        this.store.setParams(id, Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, String(v)])));
        children.set(m.key, id);
        break;
      }
      case 'run.childMetrics': {
        const id = children.get(m.key);
        if (id) this.metrics.write(id, m.points as MetricPoint[]);
        break;
      }
      case 'run.childEnd': {
        const id = children.get(m.key);
        if (id) {
          this.endChild(id, m.error ? 'failed' : 'completed', m.error ?? null);
          children.delete(m.key);
        }
        break;
      }
      default:
        break;
    }
  }

  private endChild(id: string, status: 'completed' | 'failed' | 'cancelled', error: string | null): void {
    const run = this.store.requireRun(id);
    if (run.status !== 'running') return;
    this.metrics.flush();
    const endedAt = new Date();
    const startedAt = run.startedAt ? Date.parse(run.startedAt) : endedAt.getTime();
    this.store.updateRun(id, { status, error, endedAt: endedAt.toISOString(), durationMs: endedAt.getTime() - startedAt });
  }
}

/** Source text recorded for runs whose plugin trainer builds its own models (no --model). */
export const NO_MODEL_MARK = '// lamina: no model source; plugin trainer ';
