/**
 * Numbered schema migrations. `openDatabase` applies every migration whose version is
 * above the file's `PRAGMA user_version`, each in its own transaction. Never edit a
 * migration that has shipped: append a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const v1 = `
CREATE TABLE experiments (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

CREATE TABLE runs (
  id             TEXT PRIMARY KEY,
  experiment_id  INTEGER NOT NULL REFERENCES experiments(id),
  name           TEXT,
  status         TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  seed           INTEGER NOT NULL,
  backend        TEXT,
  backend_reason TEXT,
  model_name     TEXT NOT NULL,
  source         TEXT NOT NULL,
  source_hash    TEXT NOT NULL,
  topology       TEXT,            -- JSON
  dataset_id     TEXT NOT NULL,   -- no FK: a run outlives its dataset (the hash is what replay checks)
  dataset_hash   TEXT NOT NULL,
  config         TEXT NOT NULL,   -- JSON TrainConfig
  created_at     TEXT NOT NULL,
  started_at     TEXT,
  ended_at       TEXT,
  duration_ms    REAL,
  error          TEXT,
  error_stack    TEXT,
  parent_run_id  TEXT,            -- provenance ids stay even when the referenced run is deleted
  replay_of      TEXT,
  resumed_from   TEXT,
  notes          TEXT NOT NULL DEFAULT '',
  owner_pid      INTEGER,         -- the Lamina process that drives the run
  host_pid       INTEGER          -- the training host process
);
CREATE INDEX runs_experiment_created ON runs (experiment_id, created_at);
CREATE INDEX runs_created ON runs (created_at);
CREATE INDEX runs_status ON runs (status);

-- num: the value as a number when it reads as one, so filters/sorts compare numerically.
CREATE TABLE params (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  num    REAL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX params_key_num ON params (key, num);
CREATE INDEX params_key_value ON params (key, value);

-- Full resolution; value NULL stands for NaN (SQLite has no NaN).
CREATE TABLE metrics (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key    TEXT NOT NULL,
  step   INTEGER NOT NULL,
  epoch  INTEGER,
  value  REAL,
  time   REAL NOT NULL
);
CREATE INDEX metrics_run_key_step ON metrics (run_id, key, step);

CREATE TABLE metric_summaries (
  run_id    TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key       TEXT NOT NULL,
  last      REAL,
  last_step INTEGER NOT NULL,
  min       REAL,
  max       REAL,
  best      REAL,
  best_step INTEGER,
  count     INTEGER NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX metric_summaries_key_last ON metric_summaries (key, last);

CREATE TABLE tags (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  num    REAL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX tags_key_value ON tags (key, value);

CREATE TABLE artifacts (
  run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  path       TEXT NOT NULL,
  kind       TEXT NOT NULL,
  bytes      INTEGER NOT NULL,
  sha256     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, path)
) WITHOUT ROWID;

CREATE TABLE evaluations (
  run_id     TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  report     TEXT NOT NULL,      -- JSON
  created_at TEXT NOT NULL
);

CREATE TABLE datasets (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  kind       TEXT NOT NULL,
  source     TEXT NOT NULL,
  rows       INTEGER NOT NULL,
  target     TEXT,
  task       TEXT NOT NULL,
  hash       TEXT NOT NULL,
  file       TEXT NOT NULL,
  bytes      INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  meta       TEXT NOT NULL       -- the full DatasetMeta as JSON
);

CREATE TABLE plugins (
  id           TEXT PRIMARY KEY,
  version      TEXT NOT NULL,
  path         TEXT NOT NULL,
  enabled      INTEGER NOT NULL DEFAULT 1,
  error        TEXT,
  manifest     TEXT NOT NULL,    -- JSON
  installed_at TEXT NOT NULL
);
`;

/**
 * Live state every Lamina process sharing the workspace can read: a running run's latest progress
 * (written by its owner about once a second) and a cancel asked for by another process (the owner
 * polls for it and stops its host, so a run started by the CLI can be cancelled from the lab).
 */
const runControl = `
ALTER TABLE runs ADD COLUMN progress TEXT;             -- JSON RunProgress while running
ALTER TABLE runs ADD COLUMN cancel_requested_at TEXT;
`;

/**
 * The owner's lease: its process start time (PID reuse guard, see runs/ownerLease.ts) and when it last
 * renewed the lease (with each progress write). A run whose owner is gone is failed by whoever looks next.
 */
const ownerLease = `
ALTER TABLE runs ADD COLUMN owner_started TEXT;        -- /proc/<pid>/stat starttime on Linux, else NULL
ALTER TABLE runs ADD COLUMN lease_at TEXT;             -- ISO time the owner last renewed its lease
`;

/**
 * Sweeps (core/sweeps): a sweep's spec and state, and one row per trial. A trial's training is an
 * ordinary run, child of the sweep's own run (runs.parent_run_id); `attempt` 2 is the one re-queue of
 * a trial cut off by a process that died.
 */
const sweeps = `
CREATE TABLE sweeps (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  run_id            TEXT,             -- the sweep's own (parent) run, made when it first runs
  spec              TEXT NOT NULL,    -- JSON SweepSpec, checked
  spec_text         TEXT NOT NULL,    -- as the user wrote it
  status            TEXT NOT NULL CHECK (status IN ('created', 'running', 'finished', 'stopped', 'failed')),
  owner_pid         INTEGER,
  stop_requested_at TEXT,
  budget_used_ms    REAL NOT NULL DEFAULT 0,
  created_at        TEXT NOT NULL,
  started_at        TEXT,
  ended_at          TEXT
);

CREATE TABLE sweep_trials (
  sweep_id   TEXT NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
  idx        INTEGER NOT NULL,
  run_id     TEXT,
  status     TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'stopped_early', 'cut_off')),
  params     TEXT NOT NULL,           -- JSON
  metric     REAL,
  reason     TEXT,
  attempt    INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  ended_at   TEXT,
  PRIMARY KEY (sweep_id, idx)
);
CREATE INDEX sweep_trials_run ON sweep_trials(run_id);
`;

/**
 * Min/max rollups of every metric series at a few step resolutions (store/metricRollup.ts), written
 * at ingest so charts of long runs read thousands of rows, not millions. `rollup` = 1 marks series
 * whose rollup holds every point; older ones (0) are rolled up on first read.
 */
const metricRollups = `
CREATE TABLE metric_rollups (
  run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key         TEXT NOT NULL,
  level       INTEGER NOT NULL,   -- bucket width ROLLUP_WIDTHS[level] steps
  bucket      INTEGER NOT NULL,   -- floor(step / width)
  count       INTEGER NOT NULL,
  first_rowid INTEGER NOT NULL, first_step INTEGER NOT NULL, first_value REAL,
  last_rowid  INTEGER NOT NULL, last_step  INTEGER NOT NULL, last_value  REAL,
  min_rowid   INTEGER, min_step INTEGER, min_value REAL,   -- metrics.rowid of the bucket's lowest point
  max_rowid   INTEGER, max_step INTEGER, max_value REAL,
  PRIMARY KEY (run_id, key, level, bucket)
) WITHOUT ROWID;
ALTER TABLE metric_summaries ADD COLUMN rollup INTEGER NOT NULL DEFAULT 0;
`;

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: v1 },
  { version: 2, name: 'run progress and cross-process cancel', sql: runControl },
  { version: 3, name: 'run owner lease (pid and start time)', sql: ownerLease },
  { version: 4, name: 'sweeps and their trials', sql: sweeps },
  { version: 5, name: 'metric rollups', sql: metricRollups },
];

/** The schema version this code writes. */
export const latestSchemaVersion = migrations[migrations.length - 1].version;
