/**
 * The `sweeps` and `sweep_trials` tables (migration 4). Only the core writes them; several Lamina
 * processes may read (the lab shows a sweep the CLI runs) and ask for a stop (`stop_requested_at`).
 */
import type { openDatabase } from '../store/database';
import type { SweepSpec } from './spec';
import type { Params } from './sampling';
import { notFound } from '../util/errors';

type Database = ReturnType<typeof openDatabase>;

export type SweepStatus = 'created' | 'running' | 'finished' | 'stopped' | 'failed';
export type TrialStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'stopped_early' | 'cut_off';

export interface SweepRecord {
  id: string;
  name: string;
  runId: string | null;
  spec: SweepSpec;
  specText: string;
  status: SweepStatus;
  ownerPid: number | null;
  stopRequestedAt: string | null;
  budgetUsedMs: number;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

export interface TrialRecord {
  sweepId: string;
  idx: number;
  runId: string | null;
  status: TrialStatus;
  params: Params;
  metric: number | null;
  reason: string | null;
  attempt: number;
  createdAt: string;
  endedAt: string | null;
}

interface SweepRow {
  id: string;
  name: string;
  run_id: string | null;
  spec: string;
  spec_text: string;
  status: SweepStatus;
  owner_pid: number | null;
  stop_requested_at: string | null;
  budget_used_ms: number;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

interface TrialRow {
  sweep_id: string;
  idx: number;
  run_id: string | null;
  status: TrialStatus;
  params: string;
  metric: number | null;
  reason: string | null;
  attempt: number;
  created_at: string;
  ended_at: string | null;
}

const sweepOf = (r: SweepRow): SweepRecord => ({
  id: r.id,
  name: r.name,
  runId: r.run_id,
  spec: JSON.parse(r.spec) as SweepSpec,
  specText: r.spec_text,
  status: r.status,
  ownerPid: r.owner_pid,
  stopRequestedAt: r.stop_requested_at,
  budgetUsedMs: r.budget_used_ms,
  createdAt: r.created_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
});

const trialOf = (r: TrialRow): TrialRecord => ({
  sweepId: r.sweep_id,
  idx: r.idx,
  runId: r.run_id,
  status: r.status,
  params: JSON.parse(r.params) as Params,
  metric: r.metric,
  reason: r.reason,
  attempt: r.attempt,
  createdAt: r.created_at,
  endedAt: r.ended_at,
});

export class SweepStore {
  constructor(private readonly db: Database) {}

  create(s: { id: string; name: string; spec: SweepSpec; specText: string }, trials: Params[]): SweepRecord {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO sweeps (id, name, spec, spec_text, status, created_at) VALUES (?, ?, ?, ?, 'created', ?)`)
        .run(s.id, s.name, JSON.stringify(s.spec), s.specText, now);
      trials.forEach((p, i) => this.addTrial(s.id, i, p, 1));
    })();
    return this.require(s.id);
  }

  addTrial(sweepId: string, idx: number, params: Params, attempt: number): void {
    this.db
      .prepare(`INSERT INTO sweep_trials (sweep_id, idx, status, params, attempt, created_at) VALUES (?, ?, 'pending', ?, ?, ?)`)
      .run(sweepId, idx, JSON.stringify(params), attempt, new Date().toISOString());
  }

  get(ref: string): SweepRecord | null {
    const row = (this.db.prepare(`SELECT * FROM sweeps WHERE id = ?`).get(ref) ??
      this.db.prepare(`SELECT * FROM sweeps WHERE name = ? ORDER BY created_at DESC LIMIT 1`).get(ref) ??
      (ref.length >= 4 ? this.db.prepare(`SELECT * FROM sweeps WHERE id LIKE ? LIMIT 2`).all(`${ref}%`) : [])) as SweepRow | SweepRow[] | undefined;
    if (Array.isArray(row)) return row.length === 1 ? sweepOf(row[0]) : null;
    return row ? sweepOf(row) : null;
  }

  require(ref: string): SweepRecord {
    const s = this.get(ref);
    if (!s) throw notFound(`no sweep "${ref}" (see lamina sweep list)`);
    return s;
  }

  list(): SweepRecord[] {
    return (this.db.prepare(`SELECT * FROM sweeps ORDER BY created_at DESC`).all() as SweepRow[]).map(sweepOf);
  }

  update(id: string, patch: Partial<Pick<SweepRecord, 'runId' | 'status' | 'ownerPid' | 'stopRequestedAt' | 'budgetUsedMs' | 'startedAt' | 'endedAt'>>): void {
    const cols: Record<string, string> = {
      runId: 'run_id',
      status: 'status',
      ownerPid: 'owner_pid',
      stopRequestedAt: 'stop_requested_at',
      budgetUsedMs: 'budget_used_ms',
      startedAt: 'started_at',
      endedAt: 'ended_at',
    };
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (!entries.length) return;
    this.db
      .prepare(`UPDATE sweeps SET ${entries.map(([k]) => `${cols[k]} = ?`).join(', ')} WHERE id = ?`)
      .run(...entries.map(([, v]) => v as string | number | null), id);
  }

  trials(sweepId: string): TrialRecord[] {
    return (this.db.prepare(`SELECT * FROM sweep_trials WHERE sweep_id = ? ORDER BY idx`).all(sweepId) as TrialRow[]).map(trialOf);
  }

  updateTrial(sweepId: string, idx: number, patch: Partial<Pick<TrialRecord, 'runId' | 'status' | 'metric' | 'reason' | 'endedAt'>>): void {
    const cols: Record<string, string> = { runId: 'run_id', status: 'status', metric: 'metric', reason: 'reason', endedAt: 'ended_at' };
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (!entries.length) return;
    this.db
      .prepare(`UPDATE sweep_trials SET ${entries.map(([k]) => `${cols[k]} = ?`).join(', ')} WHERE sweep_id = ? AND idx = ?`)
      .run(...entries.map(([, v]) => v as string | number | null), sweepId, idx);
  }
}
