/**
 * The `interactions` importer: a file of (user, item, rating?, timestamp?) events → the SDK's
 * interactions table. Columns are named by options (user, item, rating, timestamp) or guessed from the
 * header; `implicit=true` makes every row a positive, `threshold=T` keeps ratings ≥ T as positives.
 * Duplicate (user, item) rows keep the last one and are counted. Bad cells fail with file:line:column.
 */
import {
  ImportInputError, SPLIT_CODES, type ImportedInteractionsTable, type ImporterContext, type InteractionsSummary,
} from '@lamina/plugin-sdk';
import { readRecords } from './readRecords';
import { SPLIT_METHODS, splitInteractions, type SplitMethod } from './splits';

const GUESSES: Record<'user' | 'item' | 'rating' | 'timestamp', string[]> = {
  user: ['user', 'userid', 'user_id', 'uid', 'customer', 'customerid', 'customer_id', 'reviewerid', 'visitorid'],
  item: ['item', 'itemid', 'item_id', 'movieid', 'movie_id', 'movie', 'productid', 'product_id', 'product', 'asin', 'iid', 'track', 'trackid', 'book', 'isbn'],
  rating: ['rating', 'ratings', 'score', 'stars', 'value', 'overall', 'rate', 'preference'],
  timestamp: ['timestamp', 'time', 'ts', 'date', 'datetime', 'unixreviewtime', 'created_at', 'event_time'],
};

export interface ImportOptions {
  user?: string; item?: string; rating?: string; timestamp?: string;
  /** Item metadata file (item id + title columns), joined for display. */
  items?: string;
  implicit?: boolean; threshold?: number;
  splitMethod: SplitMethod; fractions: [number, number, number]; seed: number;
}

export function importOptions(o: Record<string, unknown>): ImportOptions {
  const s = (k: string) => (o[k] === undefined || o[k] === null || o[k] === '' ? undefined : String(o[k]));
  const method = (s('split-method') ?? s('splitMethod') ?? 'random') as SplitMethod;
  if (!SPLIT_METHODS.includes(method)) throw new ImportInputError(`option split-method must be one of ${SPLIT_METHODS.join(', ')}, got "${method}"`);
  const threshold = s('threshold');
  if (threshold !== undefined && !Number.isFinite(Number(threshold))) throw new ImportInputError(`option threshold must be a number, got "${threshold}"`);
  const fractions = Array.isArray(o.split) && o.split.length === 3 ? (o.split.map(Number) as [number, number, number]) : [0.8, 0.1, 0.1] as [number, number, number];
  const seed = o.seed === undefined || o.seed === null ? 42 : Number(o.seed);
  return {
    user: s('user'), item: s('item'), rating: s('rating'), timestamp: s('timestamp'), items: s('items'),
    implicit: o.implicit === true || s('implicit') === 'true', threshold: threshold === undefined ? undefined : Number(threshold),
    splitMethod: method, fractions, seed,
  };
}

function findColumn(file: string, columns: string[], role: keyof typeof GUESSES, named: string | undefined, required: boolean): number {
  if (named !== undefined) {
    const j = columns.indexOf(named);
    if (j < 0) throw new ImportInputError(`${file}: no column "${named}" for the ${role}; columns are: ${columns.join(', ')}`, { file, line: 1, column: named });
    return j;
  }
  const norm = columns.map((c) => c.toLowerCase().replace(/[\s-]/g, ''));
  for (const g of GUESSES[role]) {
    const j = norm.indexOf(g.replace(/[\s-]/g, ''));
    if (j >= 0) return j;
  }
  if (required) {
    throw new ImportInputError(`${file}: cannot tell which column holds the ${role} (columns: ${columns.join(', ')}); name it with --option ${role}=COLUMN`, { file, line: 1 });
  }
  return -1;
}

function parseTime(v: string): number {
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t / 1000 : NaN;
}

export function importInteractions(file: string, ctx: Pick<ImporterContext, 'options' | 'logger'>): ImportedInteractionsTable {
  const opt = importOptions(ctx.options);
  const { columns, rows } = readRecords(file);
  const uCol = findColumn(file, columns, 'user', opt.user, true);
  const iCol = findColumn(file, columns, 'item', opt.item, true);
  const rCol = findColumn(file, columns, 'rating', opt.rating, false);
  const tCol = findColumn(file, columns, 'timestamp', opt.timestamp, false);
  const implicit = opt.implicit || opt.threshold !== undefined || rCol < 0;
  if (rows.length === 0) throw new ImportInputError(`${file}: has a header (${columns.join(', ')}) but no data rows`, { file, line: 2 });

  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const index = (m: Map<string, number>, k: string) => {
    let v = m.get(k);
    if (v === undefined) m.set(k, (v = m.size));
    return v;
  };
  // (user, item) → position in `kept`: a later duplicate replaces the earlier row in place.
  const latest = new Map<string, number>();
  const kept: { u: number; i: number; t: number; v: number }[] = [];
  const histogram: Record<string, number> = {};
  let duplicates = 0, below = 0;
  for (const { cells, line } of rows) {
    const user = cells[uCol], item = cells[iCol];
    if (user === '') throw new ImportInputError(`${file}:${line}:${uCol + 1}: the user column "${columns[uCol]}" is empty`, { file, line, column: uCol + 1 });
    if (item === '') throw new ImportInputError(`${file}:${line}:${iCol + 1}: the item column "${columns[iCol]}" is empty`, { file, line, column: iCol + 1 });
    let rating = 1;
    if (rCol >= 0) {
      rating = Number(cells[rCol]);
      if (cells[rCol] === '' || !Number.isFinite(rating)) {
        throw new ImportInputError(`${file}:${line}:${rCol + 1}: the rating column "${columns[rCol]}" holds ${JSON.stringify(cells[rCol])}, not a number`, { file, line, column: rCol + 1 });
      }
      histogram[String(rating)] = (histogram[String(rating)] ?? 0) + 1;
    }
    let t = 0;
    if (tCol >= 0) {
      t = parseTime(cells[tCol]);
      if (!Number.isFinite(t)) throw new ImportInputError(`${file}:${line}:${tCol + 1}: the timestamp column "${columns[tCol]}" holds ${JSON.stringify(cells[tCol])}, not a time`, { file, line, column: tCol + 1 });
    }
    const key = `${user}\u0000${item}`;
    const prev = latest.get(key);
    if (prev !== undefined) duplicates++;
    if (opt.threshold !== undefined && rating < opt.threshold) {
      below++;
      if (prev !== undefined) kept[prev].v = NaN; // the last row decides: a later low rating removes the positive
      continue;
    }
    const row = { u: index(userIndex, user), i: index(itemIndex, item), t, v: implicit ? 1 : rating };
    if (prev !== undefined) kept[prev] = row;
    else {
      latest.set(key, kept.length);
      kept.push(row);
    }
  }
  const final = kept.filter((r) => !Number.isNaN(r.v));
  if (final.length === 0) throw new ImportInputError(`${file}: no interactions left (${below} rows below the threshold ${opt.threshold})`, { file });
  if (duplicates) ctx.logger.warn(`${file}: ${duplicates} duplicate (user, item) rows; the last of each was kept`);
  if (opt.splitMethod === 'temporal' && tCol < 0) {
    throw new ImportInputError(`${file}: the temporal split needs a timestamp column (columns: ${columns.join(', ')}); name it with --option timestamp=COLUMN`, { file });
  }

  const users = Int32Array.from(final, (r) => r.u);
  const items = Int32Array.from(final, (r) => r.i);
  const split = splitInteractions({ users, timestamps: tCol >= 0 ? Float64Array.from(final, (r) => r.t) : null }, opt.splitMethod, opt.fractions, opt.seed);
  const userIds = [...userIndex.keys()];
  const itemIds = [...itemIndex.keys()];
  const summary = summarise(users, items, split, userIds.length, itemIds.length, histogram, duplicates, below, opt.splitMethod);
  const itemTitles = opt.items ? readTitles(opt.items, itemIds) : undefined;
  return {
    columns: ['user_index', 'item_index', 'timestamp', 'value'],
    rows: final.map((r) => [r.u, r.i, r.t, r.v]),
    interactions: { userIds, itemIds, implicit, hasTimestamps: tCol >= 0, split: Array.from(split), summary, ...(itemTitles ? { itemTitles } : {}) },
  };
}

/** Titles per item id from a metadata file (item column guessed like the interactions', title: title/name). */
function readTitles(file: string, itemIds: string[]): (string | null)[] {
  const { columns, rows } = readRecords(file);
  const idCol = findColumn(file, columns, 'item', undefined, true);
  const norm = columns.map((c) => c.toLowerCase());
  const titleCol = ['title', 'name', 'item_name', 'product_title'].map((c) => norm.indexOf(c)).find((j) => j >= 0);
  if (titleCol === undefined) throw new ImportInputError(`${file}: no title column (title or name) in the item metadata; columns are: ${columns.join(', ')}`, { file, line: 1 });
  const byId = new Map<string, string>();
  for (const { cells } of rows) byId.set(cells[idCol], cells[titleCol]);
  return itemIds.map((id) => byId.get(id) ?? null);
}

export function summarise(
  users: Int32Array, items: Int32Array, split: Uint8Array, numUsers: number, numItems: number,
  ratingHistogram: Record<string, number>, duplicates: number, belowThreshold: number, method: string,
): InteractionsSummary {
  const n = users.length;
  const popularity = new Array<number>(numItems).fill(0);
  const trainUser = new Uint8Array(numUsers), trainItem = new Uint8Array(numItems);
  const counts = [0, 0, 0];
  for (let r = 0; r < n; r++) {
    popularity[items[r]]++;
    counts[split[r]]++;
    if (split[r] === SPLIT_CODES.train) {
      trainUser[users[r]] = 1;
      trainItem[items[r]] = 1;
    }
  }
  const unseen = (code: number, of: Int32Array, seen: Uint8Array) => {
    let c = 0;
    for (let r = 0; r < n; r++) if (split[r] === code && !seen[of[r]]) c++;
    return c;
  };
  const usersWithRows = new Set(users).size, itemsWithRows = new Set(items).size;
  return {
    users: usersWithRows, items: itemsWithRows, interactions: n,
    density: n / Math.max(1, usersWithRows * itemsWithRows),
    ratingHistogram, itemPopularity: popularity.filter((c) => c > 0).sort((a, b) => b - a),
    duplicates, belowThreshold,
    unseenUsers: { validation: unseen(1, users, trainUser), test: unseen(2, users, trainUser) },
    unseenItems: { validation: unseen(1, items, trainItem), test: unseen(2, items, trainItem) },
    split: { method, train: counts[0], validation: counts[1], test: counts[2] },
  };
}
