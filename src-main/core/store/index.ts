/** The run store: SQLite schema, runs/datasets/plugins, batched metric writes and reads. */
export { openDatabase, closeDatabase, schemaVersion, latestSchemaVersion, DEFAULT_BUSY_TIMEOUT_MS, type Database, type OpenOptions } from './database';
export { migrations, type Migration } from './migrations';
export {
  RunStore,
  INTERRUPTED_ERROR,
  orderByClause,
  type CreateRunInput,
  type ExperimentRecord,
  type PluginRecord,
  type PluginUpsert,
  type RunPatch,
  type RunProcessIds,
} from './runStore';
export { MetricWriter, type MetricWriterOptions } from './metricWriter';
export { MetricQueries } from './metricQueries';
export { downsampleMinMax, type SeriesPoint } from './downsample';
export { metricDirection, type MetricDirection } from './metricDirection';
export { parseFilter, compileFilter, filterToSql, type FilterNode, type SqlFragment } from './filterExpression';
