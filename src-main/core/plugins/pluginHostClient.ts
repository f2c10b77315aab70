/**
 * The core's short jobs for plugin code: probe (load + activate each plugin), run a dataset
 * importer, run a command. Each job is one host process, like a training run, so plugin code never runs in
 * the core (or the Electron main) process, and a plugin that crashes its host harms nothing.
 */
import type { HostLauncher } from '../engine/hostLauncher';
import { forkHostLauncher } from '../engine/hostLauncher';
import { trainingHostEntry } from '../engine/hostEntry';
import type { CommandRunRecord, CoreToHostMessage, HostToCoreMessage, PluginCodeRef, PluginCommandResultMessage, PluginErrorMessage, PluginImportedMessage, PluginProbedMessage } from '../engine/protocol';
import { LaminaError } from '../util/errors';

export interface PluginJobResult<T> {
  answer: T | null;
  /** Plugin failures the host reported along the way. */
  pluginErrors: PluginErrorMessage[];
  error: string | null;
  /** The host's error, when it sent one (reason 'data': the input's fault). */
  errorDetail?: { reason: string; line?: number; column?: number };
}

/**
 * How long loading and activating plugins may take before the check gives up on them. Loading is
 * normally well under a second; a plugin whose code never returns (a loop at its top level, a promise
 * that never settles) must not leave `plugins.check` (or an install) waiting for ever.
 * $LAMINA_PLUGIN_PROBE_TIMEOUT_MS overrides it.
 */
export const PLUGIN_PROBE_TIMEOUT_MS = 120_000;

function probeTimeoutMs(): number {
  const raw = Number(process.env.LAMINA_PLUGIN_PROBE_TIMEOUT_MS);
  return Number.isFinite(raw) && raw > 0 ? raw : PLUGIN_PROBE_TIMEOUT_MS;
}

export class PluginHostClient {
  constructor(private readonly launcher: HostLauncher = forkHostLauncher) {}

  private job<T extends HostToCoreMessage>(msg: CoreToHostMessage, answerType: T['type'], timeoutMs?: number): Promise<PluginJobResult<T>> {
    const host = this.launcher.launch(trainingHostEntry(), { name: 'lamina-plugin-host' });
    const pluginErrors: PluginErrorMessage[] = [];
    let answer: T | null = null;
    let error: string | null = null;
    let errorDetail: PluginJobResult<T>['errorDetail'];
    let timer: NodeJS.Timeout | undefined;
    if (timeoutMs) {
      timer = setTimeout(() => {
        if (!answer && !error) error = `did not finish within ${Math.round(timeoutMs / 1000)} s`;
        host.kill('SIGKILL');
      }, timeoutMs);
      timer.unref();
    }
    return new Promise((resolve) => {
      host.onMessage((m) => {
        if (m.type === answerType) answer = m as T;
        else if (m.type === 'plugin.error') pluginErrors.push(m);
        else if (m.type === 'error') {
          error = m.message;
          errorDetail = { reason: m.reason, line: m.line, column: m.column };
        }
      });
      host.onExit((code, signal) => {
        if (timer) clearTimeout(timer);
        if (!answer && !error) error = `plugin host ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${host.stderrTail() ? `: ${host.stderrTail().trim().split('\n').slice(-3).join(' ')}` : ''}`;
        resolve({ answer, pluginErrors, error, ...(errorDetail ? { errorDetail } : {}) });
      });
      host.send(msg);
    });
  }

  /**
   * Loads and activates the plugins in one host. If that host does not answer in time, each plugin is
   * tried alone, so only the ones that hang are reported ("did not finish loading within N s").
   */
  async probe(plugins: PluginCodeRef[], timeoutMs = probeTimeoutMs()): Promise<PluginProbedMessage['results']> {
    if (!plugins.length) return [];
    const r = await this.job<PluginProbedMessage>({ type: 'plugin.probe', plugins }, 'plugin.probed', timeoutMs);
    if (r.answer) return r.answer.results;
    if (plugins.length === 1 || !r.error?.startsWith('did not finish')) {
      if (r.error?.startsWith('did not finish')) return [{ id: plugins[0].id, ok: false, error: `did not finish loading within ${Math.round(timeoutMs / 1000)} s (does its code wait or loop at load time?)` }];
      throw new LaminaError('failed', `could not check plugins: ${r.error}`);
    }
    const results: PluginProbedMessage['results'] = [];
    for (const p of plugins) results.push(...(await this.probe([p], timeoutMs)));
    return results;
  }

  importTable(plugin: PluginCodeRef, importerId: string, file: string, options: Record<string, unknown>): Promise<PluginJobResult<PluginImportedMessage>> {
    return this.job<PluginImportedMessage>({ type: 'plugin.import', plugin, importerId, file, options }, 'plugin.imported');
  }

  runCommand(plugin: PluginCodeRef, commandId: string, args: Record<string, unknown>, run?: CommandRunRecord): Promise<PluginJobResult<PluginCommandResultMessage>> {
    return this.job<PluginCommandResultMessage>({ type: 'plugin.command', plugin, commandId, args, ...(run ? { run } : {}) }, 'plugin.commanded');
  }
}
