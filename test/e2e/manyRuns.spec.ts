/**
 * 10,000 runs seeded through the run store: the experiments table lists, sorts, filters and
 * searches them through server-side paging. Timings are printed (and attached to the report).
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer, type E2EServer } from './support/server';
import { shot, watchConsole } from './support/page';

const N = 10_000;
let server: E2EServer;
let workspace: string;

test.beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'lamina-e2e-runs-'));
  server = await spawnServer(workspace, ['--seed-runs', String(N)]);
});
test.afterAll(async () => {
  await server?.stop();
  rmSync(workspace, { recursive: true, force: true });
});

async function api(method: string, input: unknown): Promise<{ ms: number; value: { total: number; items: { id: string; metrics: Record<string, number> }[] } }> {
  const t0 = performance.now();
  const res = await fetch(`${server.origin}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value: never };
  expect(body.ok).toBe(true);
  return { ms: Math.round(performance.now() - t0), value: body.value };
}

test('10,000 runs: API list/sort/filter/search timings', async ({}, testInfo) => {
  const timings: Record<string, number> = {};
  const first = await api('runs.list', { limit: 100 });
  expect(first.value.total).toBe(N);
  timings['list first page'] = first.ms;
  const sorted = await api('runs.list', { limit: 100, orderBy: '-metrics.test_accuracy' });
  expect(sorted.value.items[0]!.metrics.test_accuracy).toBeGreaterThanOrEqual(sorted.value.items[99]!.metrics.test_accuracy!);
  timings['sort by metric'] = sorted.ms;
  const filtered = await api('runs.list', { limit: 100, filter: 'metrics.test_accuracy > 0.9 and params.optimizer = "adam"' });
  expect(filtered.value.total).toBeGreaterThan(0);
  expect(filtered.value.total).toBeLessThan(N);
  timings['filter metric+param'] = filtered.ms;
  const searched = await api('runs.list', { limit: 100, search: 'sweep run 9999' });
  expect(searched.value.total).toBeGreaterThanOrEqual(1);
  timings['search'] = searched.ms;
  const deep = await api('runs.list', { limit: 100, offset: 9900, orderBy: 'params.learning_rate' });
  expect(deep.value.items).toHaveLength(100);
  timings['last page sorted by param'] = deep.ms;
  console.log('API timings (ms):', JSON.stringify(timings));
  testInfo.annotations.push({ type: 'timings-api-ms', description: JSON.stringify(timings) });
});

/** Wait, checking every animation frame, until the runs table's total lies in [min, max]. */
async function tableTotal(page: Page, min: number, max: number): Promise<number> {
  const handle = await page.waitForFunction(
    ([lo, hi]) => {
      const el = document.querySelector('[data-testid="runs-table"]') as HTMLElement | null;
      if (!el || el.dataset.loading !== 'false') return null;
      const total = Number(el.dataset.total);
      return total >= lo! && total <= hi! ? total : null;
    },
    [min, max],
    { polling: 'raf', timeout: 120_000 },
  );
  return (await handle.jsonValue()) as number;
}

/**
 * Input event → painted rows, measured in the page: the time the Enter that applies
 * the filter, to the first animation frame whose DOM shows the expected total and first row
 * (a rAF callback runs just before that frame is painted), both by performance.now().
 */
async function enterToRows(page: Page, expected: { total: number; firstId: string }): Promise<{ ms: number; fetchMs: number }> {
  await page.evaluate(() => {
    const w = window as unknown as { __enterAt?: number };
    delete w.__enterAt;
    // Capture phase on document: runs before the input's own handler starts the fetch.
    document.addEventListener('keyup', (e) => e.key === 'Enter' && (w.__enterAt ??= performance.now()), { capture: true });
  });
  const watch = page.evaluate(
    ({ total, firstId }) =>
      new Promise<{ ms: number; fetchMs: number }>((resolvePromise) => {
        const w = window as unknown as { __enterAt?: number };
        const tick = (now: number) => {
          const table = document.querySelector('[data-testid="runs-table"]') as HTMLElement | null;
          const first = document.querySelector('[data-testid="run-row"]');
          if (w.__enterAt !== undefined && table && Number(table.dataset.total) === total && first?.getAttribute('data-run-id') === firstId) {
            resolvePromise({ ms: now - w.__enterAt, fetchMs: Number(table.dataset.fetchMs) });
          } else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    expected,
  );
  await page.getByTestId('runs-filter').locator('input').press('Enter');
  return watch;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(label: string, timings: Record<string, number>, fn: () => Promise<unknown>): Promise<void> {
  const t0 = Date.now();
  await fn();
  timings[label] = Date.now() - t0;
}

test('10,000 runs: the experiments table stays fast', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await page.goto(server.url);
  await expect(page.getByTestId('nav-experiments')).toBeVisible();
  const timings: Record<string, number> = {};

  await timed('open table (10k runs, page of 100)', timings, async () => {
    await page.getByTestId('nav-experiments').click();
    await tableTotal(page, N, N);
    await page.getByTestId('run-row').first().waitFor();
  });
  // Virtualised: only the visible rows of the page are in the DOM.
  expect(await page.getByTestId('run-row').count()).toBeLessThan(100);

  // Filter applied with Enter → filtered rows painted: alternate two filters, median of 7 each way.
  const filter = page.getByTestId('runs-filter').locator('input');
  const filters = ['metrics.test_accuracy > 0.95 and params.optimizer = "sgd"', 'metrics.test_accuracy < 0.8 and params.optimizer = "adam"'];
  const expected = await Promise.all(
    filters.map(async (f) => {
      const r = await api('runs.list', { limit: 1, filter: f, orderBy: '-createdAt' });
      return { total: r.value.total, firstId: r.value.items[0]!.id };
    }),
  );
  expect(expected[0]!.total).not.toBe(expected[1]!.total);
  const samples: number[] = [];
  const fetches: number[] = [];
  for (let i = 0; i < 14; i++) {
    await filter.fill(filters[i % 2]!);
    const r = await enterToRows(page, expected[i % 2]!);
    samples.push(Math.round(r.ms));
    fetches.push(r.fetchMs);
  }
  timings['filter: Enter → filtered rows painted (median of 14)'] = median(samples);
  timings['filter: of which fetch in browser (median)'] = median(fetches);
  console.log('filter Enter → painted rows, each (ms):', samples.join(', '));
  await filter.fill('');
  await filter.press('Enter');
  await tableTotal(page, N, N);

  let filteredTotal = 0;
  await filter.fill('metrics.test_accuracy > 0.95 and params.optimizer = "sgd"');
  await timed('filter (Enter → rows)', timings, async () => {
    await filter.press('Enter');
    filteredTotal = await tableTotal(page, 1, N - 1);
  });

  await timed('search (typing → rows, incl. 150 ms debounce)', timings, async () => {
    await page.getByTestId('runs-search').locator('input').fill('sweep-3');
    await tableTotal(page, 1, filteredTotal - 1);
  });
  expect(filteredTotal).toBeGreaterThan(0);

  await page.getByTestId('runs-search').locator('input').fill('');
  await filter.fill('');
  await timed('clear filters (→ 10k again)', timings, async () => {
    await filter.press('Enter');
    await tableTotal(page, N, N);
  });

  const before = await page.getByTestId('run-row').first().getAttribute('data-run-id');
  await timed('sort by metric (click → rows)', timings, async () => {
    await page.locator('th', { hasText: 'test_accuracy' }).click();
    await expect.poll(() => page.getByTestId('run-row').first().getAttribute('data-run-id'), { intervals: [20] }).not.toBe(before);
  });
  timings['last page: fetch in browser'] = Number(await page.getByTestId('runs-table').getAttribute('data-fetch-ms'));
  timings['last page: render to next frame'] = Number(await page.getByTestId('runs-table').getAttribute('data-render-ms'));
  await shot(page, '11-experiments-10k');

  console.log('UI timings (ms):', JSON.stringify(timings));
  testInfo.annotations.push({ type: 'timings-ui-ms', description: JSON.stringify(timings) });
  expect(errors).toEqual([]);
  // The 200 ms filtering requirement is a speed, not a behaviour: the timings above are printed and
  // attached to the report, and `npm run bench` measures the store's side against a reference.
});
