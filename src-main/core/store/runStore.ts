/**
 * The run store: experiments, runs and everything attached to them (params, tags,
 * artifacts, evaluations), the dataset catalog and the plugins table. Synchronous
 * (better-sqlite3): it runs in the core process and every call is a short transaction.
 * Metric points are written by MetricWriter and read by MetricQueries.
 */
import type { Statement } from 'better-sqlite3';
import type { ActiveRun, ArtifactRecord, ClassificationReport, DatasetMeta, RunProgress, RunRecord, RunStatus } from '../domain';
import type { RunListItem, RunListQuery } from '../service';
import { LaminaError, notFound, inputError } from '../util/errors';
import type { Database } from './database';
import { filterToSql } from './filterExpression';
import { ownStartTime, ownerEndedReason } from '../runs/ownerLease';
import { escapeLike, namespaceOf, numericValue, runColumn, runColumnNames } from './runColumns';

export interface ExperimentRecord {
  id: number;
  name: string;
  createdAt: string;
  runCount: number;
}

/** What createRun needs; omitted optional fields default to null ('' for notes, 'queued' for status). */
export type CreateRunInput = Pick<
  RunRecord,
  'id' | 'experiment' | 'seed' | 'modelName' | 'source' | 'sourceHash' | 'datasetId' | 'datasetHash' | 'config'
> &
  Partial<Omit<RunRecord, 'id' | 'experiment' | 'seed' | 'modelName' | 'source' | 'sourceHash' | 'datasetId' | 'datasetHash' | 'config'>> &
  RunProcessIds;

export interface RunProcessIds {
  /** The Lamina process that drives the run; markInterruptedRuns checks it is alive. */
  ownerPid?: number | null;
  /** The training host process. */
  hostPid?: number | null;
  /** The owner's process start time (runs/ownerLease.ts); defaults to this process's when ownerPid is this process. */
  ownerStarted?: string | null;
}

export type RunPatch = Partial<Omit<RunRecord, 'id' | 'createdAt'>> & RunProcessIds;

export interface PluginRecord {
  id: string;
  version: string;
  /** Folder the plugin was installed into. */
  path: string;
  enabled: boolean;
  /** Why it was disabled (load/validation failure), else null. */
  error: string | null;
  manifest: unknown;
  installedAt: string;
}

export type PluginUpsert = Omit<PluginRecord, 'enabled' | 'error' | 'installedAt'> &
  Partial<Pick<PluginRecord, 'enabled' | 'error' | 'installedAt'>>;

/** @deprecated runs of dead owners now say which process ended: see ownerEndedReason. */
export const INTERRUPTED_ERROR = 'the process running it ended';

interface RunRow {
  id: string;
  experiment: string;
  name: string | null;
  status: RunStatus;
  seed: number;
  backend: RunRecord['backend'];
  backend_reason: string | null;
  model_name: string;
  source: string;
  source_hash: string;
  topology: string | null;
  dataset_id: string;
  dataset_hash: string;
  config: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  error: string | null;
  error_stack: string | null;
  parent_run_id: string | null;
  replay_of: string | null;
  resumed_from: string | null;
  notes: string;
  owner_pid: number | null;
  host_pid: number | null;
  owner_started: string | null;
  lease_at: string | null;
}

/** RunRecord/RunPatch field → column; `experiment` is handled apart (it is a foreign key). */
const patchColumns: Record<string, { column: string; encode?: (v: unknown) => unknown }> = {
  name: { column: 'name' },
  status: { column: 'status' },
  seed: { column: 'seed' },
  backend: { column: 'backend' },
  backendReason: { column: 'backend_reason' },
  modelName: { column: 'model_name' },
  source: { column: 'source' },
  sourceHash: { column: 'source_hash' },
  topology: { column: 'topology', encode: (v) => (v == null ? null : JSON.stringify(v)) },
  datasetId: { column: 'dataset_id' },
  datasetHash: { column: 'dataset_hash' },
  config: { column: 'config', encode: (v) => JSON.stringify(v) },
  startedAt: { column: 'started_at' },
  endedAt: { column: 'ended_at' },
  durationMs: { column: 'duration_ms' },
  error: { column: 'error' },
  errorStack: { column: 'error_stack' },
  parentRunId: { column: 'parent_run_id' },
  replayOf: { column: 'replay_of' },
  resumedFrom: { column: 'resumed_from' },
  notes: { column: 'notes' },
  ownerPid: { column: 'owner_pid' },
  hostPid: { column: 'host_pid' },
  ownerStarted: { column: 'owner_started' },
};

const RUN_SELECT = `SELECT r.*, e.name AS experiment FROM runs r JOIN experiments e ON e.id = r.experiment_id`;

function rowToRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    experiment: row.experiment,
    name: row.name,
    status: row.status,
    seed: row.seed,
    backend: row.backend,
    backendReason: row.backend_reason,
    modelName: row.model_name,
    source: row.source,
    sourceHash: row.source_hash,
    topology: row.topology == null ? null : JSON.parse(row.topology),
    datasetId: row.dataset_id,
    datasetHash: row.dataset_hash,
    config: JSON.parse(row.config),
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms,
    error: row.error,
    errorStack: row.error_stack,
    parentRunId: row.parent_run_id,
    replayOf: row.replay_of,
    resumedFrom: row.resumed_from,
    notes: row.notes,
  };
}

/** Upper bound for an id-prefix range scan (ids are ASCII; U+FFFF sorts after them). */
function prefixEnd(prefix: string): string {
  return prefix + '\uffff';
}

export class RunStore {
  private readonly stmts = new Map<string, Statement>();

  constructor(readonly db: Database) {}

  /** Prepared statements are cached: listRuns and friends are called often. */
  private stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      // listRuns builds one SQL text per filter shape; bound the cache so user filters cannot grow it forever.
      if (this.stmts.size >= 256) this.stmts.clear();
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  // ------------------------------------------------------------ experiments

  ensureExperiment(name: string): ExperimentRecord {
    if (typeof name !== 'string' || name.trim() === '') throw inputError('experiment name must not be empty', { field: 'experiment' });
    this.stmt(`INSERT INTO experiments (name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING`).run(name, new Date().toISOString());
    return this.stmt(
      `SELECT e.id, e.name, e.created_at AS createdAt, (SELECT count(*) FROM runs r WHERE r.experiment_id = e.id) AS runCount
       FROM experiments e WHERE e.name = ?`,
    ).get(name) as ExperimentRecord;
  }

  listExperiments(): ExperimentRecord[] {
    return this.stmt(
      `SELECT e.id, e.name, e.created_at AS createdAt, (SELECT count(*) FROM runs r WHERE r.experiment_id = e.id) AS runCount
       FROM experiments e ORDER BY e.name`,
    ).all() as ExperimentRecord[];
  }

  // ------------------------------------------------------------ runs

  createRun(input: CreateRunInput): RunRecord {
    if (!input.id) throw inputError('run id must not be empty', { field: 'id' });
    const createdAt = input.createdAt ?? new Date().toISOString();
    this.db.transaction(() => {
      const exp = this.ensureExperiment(input.experiment);
      try {
        this.stmt(
          `INSERT INTO runs (id, experiment_id, name, status, seed, backend, backend_reason, model_name, source, source_hash,
             topology, dataset_id, dataset_hash, config, created_at, started_at, ended_at, duration_ms, error, error_stack,
             parent_run_id, replay_of, resumed_from, notes, owner_pid, host_pid, owner_started, lease_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          input.id,
          exp.id,
          input.name ?? null,
          input.status ?? 'queued',
          input.seed,
          input.backend ?? null,
          input.backendReason ?? null,
          input.modelName,
          input.source,
          input.sourceHash,
          input.topology == null ? null : JSON.stringify(input.topology),
          input.datasetId,
          input.datasetHash,
          JSON.stringify(input.config),
          createdAt,
          input.startedAt ?? null,
          input.endedAt ?? null,
          input.durationMs ?? null,
          input.error ?? null,
          input.errorStack ?? null,
          input.parentRunId ?? null,
          input.replayOf ?? null,
          input.resumedFrom ?? null,
          input.notes ?? '',
          input.ownerPid ?? null,
          input.hostPid ?? null,
          input.ownerStarted !== undefined ? input.ownerStarted : input.ownerPid === process.pid ? ownStartTime() : null,
          input.ownerPid != null ? createdAt : null,
        );
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw new LaminaError('conflict', `a run with id ${input.id} already exists`);
        }
        throw err;
      }
    }).immediate();
    return this.getRun(input.id)!;
  }

  updateRun(id: string, patch: RunPatch): RunRecord {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (field === 'experiment') continue;
      const col = patchColumns[field];
      if (!col) throw inputError(`cannot update run field "${field}"`, { field });
      sets.push(`${col.column} = ?`);
      values.push(col.encode ? col.encode(value) : value);
    }
    this.db.transaction(() => {
      if (patch.experiment !== undefined) {
        sets.push('experiment_id = ?');
        values.push(this.ensureExperiment(patch.experiment).id);
      }
      if (sets.length === 0) {
        if (!this.stmt(`SELECT 1 FROM runs WHERE id = ?`).get(id)) throw notFound(`no run ${id}`);
        return;
      }
      // Column names come from the fixed patchColumns table, never from the caller.
      const info = this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
      if (info.changes === 0) throw notFound(`no run ${id}`);
    }).immediate();
    return this.getRun(id)!;
  }

  /** How many runs the workspace holds (children and replays included). */
  countRuns(): number {
    return (this.stmt(`SELECT count(*) AS n FROM runs`).get() as { n: number }).n;
  }

  /**
   * A run by full id or by a unique id prefix (like git). Null when nothing matches;
   * an ambiguous prefix is an input error listing the candidates.
   */
  getRun(idOrPrefix: string): RunRecord | null {
    const exact = this.stmt(`${RUN_SELECT} WHERE r.id = ?`).get(idOrPrefix) as RunRow | undefined;
    if (exact) return rowToRun(exact);
    const id = this.resolveRunId(idOrPrefix, false);
    return id ? rowToRun(this.stmt(`${RUN_SELECT} WHERE r.id = ?`).get(id) as RunRow) : null;
  }

  /** getRun, but a missing run is a not-found error. */
  requireRun(idOrPrefix: string): RunRecord {
    const run = this.getRun(idOrPrefix);
    if (!run) throw notFound(`no run matches "${idOrPrefix}"`);
    return run;
  }

  /** The full id for an id or unique prefix; null (or not-found when `required`) if none. */
  resolveRunId(idOrPrefix: string, required = true): string | null {
    if (idOrPrefix === '') throw inputError('run id must not be empty', { field: 'id' });
    if (this.stmt(`SELECT 1 FROM runs WHERE id = ?`).get(idOrPrefix)) return idOrPrefix;
    const ids = (this.stmt(`SELECT id FROM runs WHERE id >= ? AND id < ? ORDER BY id LIMIT 6`).all(idOrPrefix, prefixEnd(idOrPrefix)) as { id: string }[]).map((r) => r.id);
    if (ids.length === 1) return ids[0];
    if (ids.length > 1) {
      throw inputError(`run id prefix "${idOrPrefix}" is ambiguous: it matches ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`, { field: 'id' });
    }
    if (required) throw notFound(`no run matches "${idOrPrefix}"`);
    return null;
  }

  /** The owner's latest progress for a running run (about once a second; see RunManager). */
  setRunProgress(id: string, progress: RunProgress | null): void {
    // Progress renews the owner's lease.
    this.stmt(`UPDATE runs SET progress = ?, lease_at = ? WHERE id = ?`).run(progress ? JSON.stringify(progress) : null, new Date().toISOString(), id);
  }

  /** Asks the run's owner (maybe another process) to cancel it; false when it is not running. */
  requestCancel(id: string): boolean {
    return (
      this.stmt(`UPDATE runs SET cancel_requested_at = COALESCE(cancel_requested_at, ?) WHERE id = ? AND status IN ('running', 'queued')`).run(new Date().toISOString(), id)
        .changes > 0
    );
  }

  /** Of these runs, the ones someone asked to cancel. */
  cancelRequested(ids: string[]): string[] {
    if (ids.length === 0) return [];
    return this.stmt(`SELECT id FROM runs WHERE cancel_requested_at IS NOT NULL AND id IN (SELECT value FROM json_each(?))`)
      .pluck()
      .all(JSON.stringify(ids)) as string[];
  }

  /** Runs running or queued now, newest first, with their progress. */
  listActiveRuns(): Omit<ActiveRun, 'local'>[] {
    const rows = this.stmt(
      `SELECT r.id, r.name, e.name AS experiment, r.model_name AS modelName, r.dataset_id AS datasetId, r.started_at AS startedAt,
              r.backend, r.progress, r.cancel_requested_at AS cancelRequestedAt
         FROM runs r JOIN experiments e ON e.id = r.experiment_id
        WHERE r.status IN ('running', 'queued')
        ORDER BY r.created_at DESC, r.id`,
    ).all() as (Omit<ActiveRun, 'local' | 'progress' | 'cancelRequested'> & { progress: string | null; cancelRequestedAt: string | null })[];
    return rows.map(({ progress, cancelRequestedAt, ...r }) => ({ ...r, progress: progress ? (JSON.parse(progress) as RunProgress) : null, cancelRequested: cancelRequestedAt !== null }));
  }

  getRunProcessIds(id: string): { ownerPid: number | null; hostPid: number | null } | null {
    const row = this.stmt(`SELECT owner_pid AS ownerPid, host_pid AS hostPid FROM runs WHERE id = ?`).get(id) as
      | { ownerPid: number | null; hostPid: number | null }
      | undefined;
    return row ?? null;
  }

  /** Ids of a run's nested runs (ensemble members, sweep trials), children before their own children. */
  descendantRunIds(id: string): string[] {
    const rows = this.stmt(
      `WITH RECURSIVE tree(id) AS (SELECT id FROM runs WHERE parent_run_id = ? UNION SELECT r.id FROM runs r JOIN tree t ON r.parent_run_id = t.id) SELECT id FROM tree`,
    ).all(id) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** Deletes a run (exact id) and, by cascade, its params, metrics, tags, artifacts rows and evaluation. */
  deleteRun(id: string): boolean {
    return this.stmt(`DELETE FROM runs WHERE id = ?`).run(id).changes > 0;
  }

  /**
   * Runs still 'running' or 'queued' whose owner process is gone (or was never recorded) become
   * 'failed', saying which process ended. `isAlive` gets the owner's pid and recorded start time, so a
   * reused pid does not keep a dead owner's run alive. Called when a Lamina process opens the
   * workspace and when it lists runs. Returns the ids it marked.
   */
  markInterruptedRuns(isAlive: (pid: number, startedAt: string | null) => boolean): string[] {
    const marked: string[] = [];
    const rows = this.stmt(`SELECT id, owner_pid AS ownerPid, owner_started AS ownerStarted FROM runs WHERE status IN ('running', 'queued')`).all() as {
      id: string;
      ownerPid: number | null;
      ownerStarted: string | null;
    }[];
    const dead = rows.filter((row) => row.ownerPid == null || !isAlive(row.ownerPid, row.ownerStarted));
    if (dead.length === 0) return marked; // the common case writes nothing
    const now = new Date().toISOString();
    this.db.transaction(() => {
      for (const row of dead) {
        const changed = this.stmt(
          `UPDATE runs SET status = 'failed', error = ?, progress = NULL, ended_at = COALESCE(ended_at, ?)
            WHERE id = ? AND status IN ('running', 'queued') AND owner_pid IS ? AND owner_started IS ?`,
        ).run(ownerEndedReason(row.ownerPid), now, row.id, row.ownerPid, row.ownerStarted).changes;
        if (changed) marked.push(row.id);
      }
    }).immediate();
    return marked;
  }

  // ------------------------------------------------------------ params, tags

  /** Upserts params (values stored as text; numeric-looking ones also as numbers). */
  setParams(runId: string, params: Record<string, string | number | boolean>): void {
    this.setKeyValues('params', runId, params);
  }

  getParams(runId: string): Record<string, string> {
    return this.keyValues('params', runId);
  }

  setTags(runId: string, tags: Record<string, string>): void {
    this.setKeyValues('tags', runId, tags);
  }

  getTags(runId: string): Record<string, string> {
    return this.keyValues('tags', runId);
  }

  deleteTag(runId: string, key: string): boolean {
    return this.stmt(`DELETE FROM tags WHERE run_id = ? AND key = ?`).run(runId, key).changes > 0;
  }

  private setKeyValues(table: 'params' | 'tags', runId: string, record: Record<string, string | number | boolean>): void {
    const upsert = this.stmt(
      `INSERT INTO ${table} (run_id, key, value, num) VALUES (?, ?, ?, ?)
       ON CONFLICT(run_id, key) DO UPDATE SET value = excluded.value, num = excluded.num`,
    );
    this.db.transaction(() => {
      if (!this.stmt(`SELECT 1 FROM runs WHERE id = ?`).get(runId)) throw notFound(`no run ${runId}`);
      for (const [key, raw] of Object.entries(record)) {
        if (key === '') throw inputError(`${table === 'params' ? 'param' : 'tag'} name must not be empty`, { field: table });
        const value = String(raw);
        upsert.run(runId, key, value, numericValue(value));
      }
    }).immediate();
  }

  private keyValues(table: 'params' | 'tags', runId: string): Record<string, string> {
    const rows = this.stmt(`SELECT key, value FROM ${table} WHERE run_id = ? ORDER BY key`).all(runId) as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  // ------------------------------------------------------------ artifacts, evaluations

  /** Records an artifact; re-adding the same path replaces its row. */
  addArtifact(artifact: ArtifactRecord): void {
    this.stmt(
      `INSERT INTO artifacts (run_id, path, kind, bytes, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(run_id, path) DO UPDATE SET kind = excluded.kind, bytes = excluded.bytes, sha256 = excluded.sha256, created_at = excluded.created_at`,
    ).run(artifact.runId, artifact.path, artifact.kind, artifact.bytes, artifact.sha256, artifact.createdAt);
  }

  listArtifacts(runId: string): ArtifactRecord[] {
    return this.stmt(
      `SELECT run_id AS runId, path, kind, bytes, sha256, created_at AS createdAt FROM artifacts WHERE run_id = ? ORDER BY path`,
    ).all(runId) as ArtifactRecord[];
  }

  saveEvaluation<T = ClassificationReport>(runId: string, report: T): void {
    this.stmt(
      `INSERT INTO evaluations (run_id, report, created_at) VALUES (?, ?, ?)
       ON CONFLICT(run_id) DO UPDATE SET report = excluded.report, created_at = excluded.created_at`,
    ).run(runId, JSON.stringify(report), new Date().toISOString());
  }

  getEvaluation<T = ClassificationReport>(runId: string): T | null {
    const row = this.stmt(`SELECT report FROM evaluations WHERE run_id = ?`).get(runId) as { report: string } | undefined;
    return row ? (JSON.parse(row.report) as T) : null;
  }

  // ------------------------------------------------------------ run list

  listRuns(q: RunListQuery = {}): { total: number; items: RunListItem[] } {
    const where: string[] = [];
    const params: (string | number)[] = [];

    if (q.experiment !== undefined) {
      where.push('e.name = ?');
      params.push(q.experiment);
    }
    if (q.status !== undefined) {
      where.push('r.status = ?');
      params.push(q.status);
    }
    if (q.search !== undefined) {
      for (const term of q.search.split(/\s+/).filter(Boolean)) {
        const p = `%${escapeLike(term)}%`;
        const like = (expr: string) => `${expr} LIKE ? ESCAPE '\\'`;
        where.push(
          `(${like('r.name')} OR ${like('r.id')} OR ${like('e.name')} OR ${like('r.model_name')}
            OR EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND (${like('t.key')} OR ${like('t.value')}))
            OR EXISTS (SELECT 1 FROM params p WHERE p.run_id = r.id AND (${like('p.key')} OR ${like('p.value')})))`,
        );
        params.push(p, p, p, p, p, p, p, p);
      }
    }
    if (q.filter !== undefined) {
      const f = filterToSql(q.filter);
      if (f) {
        where.push(`(${f.sql})`);
        params.push(...f.params);
      }
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const from = `FROM runs r JOIN experiments e ON e.id = r.experiment_id`;

    const total = (this.stmt(`SELECT count(*) AS n ${from} ${whereSql}`).get(...params) as { n: number }).n;

    const order = orderByClause(q.orderBy);
    const limit = q.limit ?? -1;
    const offset = q.offset ?? 0;
    if (!Number.isInteger(limit) || limit < -1) throw inputError(`limit must be a non-negative integer, got ${q.limit}`, { field: 'limit' });
    if (!Number.isInteger(offset) || offset < 0) throw inputError(`offset must be a non-negative integer, got ${q.offset}`, { field: 'offset' });

    const rows = this.stmt(
      `SELECT r.id, r.name, e.name AS experiment, r.status, r.model_name AS modelName, r.dataset_id AS datasetId, r.backend,
              r.seed, r.created_at AS createdAt, r.duration_ms AS durationMs, r.parent_run_id AS parentRunId
       ${from} ${order.join} ${whereSql}
       ORDER BY ${order.orderSql} LIMIT ? OFFSET ?`,
    ).all(...order.params, ...params, limit, offset) as Omit<RunListItem, 'params' | 'metrics' | 'tags'>[];

    const items: RunListItem[] = rows.map((r) => ({ ...r, params: {}, metrics: {}, tags: {} }));
    if (items.length) {
      const byId = new Map(items.map((it) => [it.id, it]));
      const ids = JSON.stringify(items.map((it) => it.id));
      for (const [table, field] of [
        ['params', 'params'],
        ['tags', 'tags'],
      ] as const) {
        const kv = this.stmt(`SELECT run_id AS runId, key, value FROM ${table} WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY key`).all(ids) as {
          runId: string;
          key: string;
          value: string;
        }[];
        for (const row of kv) byId.get(row.runId)![field][row.key] = row.value;
      }
      const ms = this.stmt(
        `SELECT run_id AS runId, key, last FROM metric_summaries WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY key`,
      ).all(ids) as { runId: string; key: string; last: number | null }[];
      for (const row of ms) byId.get(row.runId)!.metrics[row.key] = row.last ?? NaN;
    }
    return { total, items };
  }

  // ------------------------------------------------------------ datasets

  insertDataset(meta: DatasetMeta): void {
    if (this.datasetNameTaken(meta.name)) throw new LaminaError('conflict', `a dataset named "${meta.name}" already exists`, { field: 'name' });
    try {
      this.stmt(
        `INSERT INTO datasets (id, name, kind, source, rows, target, task, hash, file, bytes, created_at, meta)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        meta.id,
        meta.name,
        meta.kind,
        meta.source,
        meta.rows,
        meta.target,
        meta.task,
        meta.hash,
        meta.file,
        meta.bytes,
        meta.createdAt,
        JSON.stringify(meta),
      );
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new LaminaError('conflict', `a dataset with id ${meta.id} already exists`, { field: 'id' });
      if (code === 'SQLITE_CONSTRAINT_UNIQUE') throw new LaminaError('conflict', `a dataset named "${meta.name}" already exists`, { field: 'name' });
      throw err;
    }
  }

  /** By exact id, then exact name, then unique id prefix; ambiguous prefix → input error. */
  getDataset(idOrName: string): DatasetMeta | null {
    if (idOrName === '') return null;
    const row = (this.stmt(`SELECT meta FROM datasets WHERE id = ?`).get(idOrName) ??
      this.stmt(`SELECT meta FROM datasets WHERE name = ?`).get(idOrName)) as { meta: string } | undefined;
    if (row) return JSON.parse(row.meta) as DatasetMeta;
    const matches = this.stmt(`SELECT id, meta FROM datasets WHERE id >= ? AND id < ? ORDER BY id LIMIT 6`).all(idOrName, prefixEnd(idOrName)) as {
      id: string;
      meta: string;
    }[];
    if (matches.length === 1) return JSON.parse(matches[0].meta) as DatasetMeta;
    if (matches.length > 1) {
      throw inputError(`dataset id prefix "${idOrName}" is ambiguous: it matches ${matches.slice(0, 5).map((m) => m.id).join(', ')}${matches.length > 5 ? ', …' : ''}`, {
        field: 'dataset',
      });
    }
    return null;
  }

  /** Like getDataset, but a missing dataset is a not-found error that lists what there is. */
  requireDataset(idOrName: string): DatasetMeta {
    const found = this.getDataset(idOrName);
    if (found) return found;
    const names = this.listDatasets().map((d) => d.name);
    throw notFound(`no dataset "${idOrName}"${names.length ? `; datasets: ${names.join(', ')}` : ' (import one first)'}`);
  }

  listDatasets(): DatasetMeta[] {
    return (this.stmt(`SELECT meta FROM datasets ORDER BY created_at, name`).all() as { meta: string }[]).map((r) => JSON.parse(r.meta) as DatasetMeta);
  }

  deleteDataset(id: string): boolean {
    return this.stmt(`DELETE FROM datasets WHERE id = ?`).run(id).changes > 0;
  }

  datasetNameTaken(name: string): boolean {
    return this.stmt(`SELECT 1 FROM datasets WHERE name = ?`).get(name) !== undefined;
  }

  // ------------------------------------------------------------ plugins

  /** Inserts or updates a plugin; `enabled`/`error` keep their stored values unless given. */
  upsertPlugin(p: PluginUpsert): PluginRecord {
    this.stmt(
      `INSERT INTO plugins (id, version, path, enabled, error, manifest, installed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET version = excluded.version, path = excluded.path, manifest = excluded.manifest,
         installed_at = excluded.installed_at,
         enabled = CASE WHEN ? THEN excluded.enabled ELSE plugins.enabled END,
         error = CASE WHEN ? THEN excluded.error ELSE plugins.error END`,
    ).run(
      p.id,
      p.version,
      p.path,
      p.enabled === false ? 0 : 1,
      p.error ?? null,
      JSON.stringify(p.manifest ?? null),
      p.installedAt ?? new Date().toISOString(),
      p.enabled !== undefined ? 1 : 0,
      p.error !== undefined ? 1 : 0,
    );
    return this.getPlugin(p.id)!;
  }

  getPlugin(id: string): PluginRecord | null {
    const row = this.stmt(`SELECT * FROM plugins WHERE id = ?`).get(id) as PluginRow | undefined;
    return row ? rowToPlugin(row) : null;
  }

  listPlugins(): PluginRecord[] {
    return (this.stmt(`SELECT * FROM plugins ORDER BY id`).all() as PluginRow[]).map(rowToPlugin);
  }

  setPluginEnabled(id: string, enabled: boolean): void {
    if (this.stmt(`UPDATE plugins SET enabled = ? WHERE id = ?`).run(enabled ? 1 : 0, id).changes === 0) throw notFound(`no plugin ${id}`);
  }

  setPluginError(id: string, error: string | null): void {
    if (this.stmt(`UPDATE plugins SET error = ? WHERE id = ?`).run(error, id).changes === 0) throw notFound(`no plugin ${id}`);
  }

  deletePlugin(id: string): boolean {
    return this.stmt(`DELETE FROM plugins WHERE id = ?`).run(id).changes > 0;
  }
}

interface PluginRow {
  id: string;
  version: string;
  path: string;
  enabled: number;
  error: string | null;
  manifest: string;
  installed_at: string;
}

function rowToPlugin(row: PluginRow): PluginRecord {
  return {
    id: row.id,
    version: row.version,
    path: row.path,
    enabled: row.enabled === 1,
    error: row.error,
    manifest: JSON.parse(row.manifest),
    installedAt: row.installed_at,
  };
}

/**
 * `metrics.<key>` / `params.<key>` / `tags.<key>` / a run column, `-` prefix (or a trailing
 * " desc") for descending. NULLs sort last either way; newest-first breaks ties.
 */
export function orderByClause(orderBy: string | undefined): { join: string; orderSql: string; params: string[] } {
  const tie = 'r.created_at DESC, r.rowid DESC';
  let spec = (orderBy ?? '').trim();
  if (spec === '') return { join: '', orderSql: tie, params: [] };
  let desc = false;
  if (spec.startsWith('-')) {
    desc = true;
    spec = spec.slice(1).trim();
  } else if (spec.startsWith('+')) {
    spec = spec.slice(1).trim();
  }
  const suffix = /\s+(asc|desc)$/i.exec(spec);
  if (suffix) {
    desc = suffix[1].toLowerCase() === 'desc';
    spec = spec.slice(0, suffix.index).trim();
  }
  const dir = desc ? 'DESC' : 'ASC';
  const dot = spec.indexOf('.');
  const ns = dot > 0 ? namespaceOf(spec.slice(0, dot)) : undefined;
  if (ns) {
    const key = spec.slice(dot + 1);
    if (key === '') throw inputError(`orderBy: expected a key after "${spec}"`, { field: 'orderBy' });
    if (ns === 'metrics') {
      return {
        join: 'LEFT JOIN metric_summaries o ON o.run_id = r.id AND o.key = ?',
        orderSql: `(o.last IS NULL), o.last ${dir}, ${tie}`,
        params: [key],
      };
    }
    // Numbers before text, numbers numerically: lr 0.001 < 0.01 < 0.1 whatever their spelling.
    return {
      join: `LEFT JOIN ${ns} o ON o.run_id = r.id AND o.key = ?`,
      orderSql: `(o.value IS NULL), (o.num IS NULL), o.num ${dir}, o.value ${dir}, ${tie}`,
      params: [key],
    };
  }
  const col = runColumn(spec);
  if (!col) {
    throw inputError(`orderBy: unknown field "${spec}": use metrics.<key>, params.<key>, tags.<key> or one of ${runColumnNames.join(', ')}`, {
      field: 'orderBy',
    });
  }
  return { join: '', orderSql: `(${col.sql} IS NULL), ${col.sql} ${dir}, ${tie}`, params: [] };
}
