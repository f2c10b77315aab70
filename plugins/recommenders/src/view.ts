/**
 * Run-detail view "Recommendations": pick a user, see their history (titles when the import joined item
 * metadata) and the run's top-k recommendations with scores. It runs the plugin's own `users` and
 * `recommend` commands through the view bridge (plugin API 1.2: `runCommand`), which hand the commands
 * the run this view shows; nothing else of the workspace is reachable from here.
 */
import type { LaminaViewGlobal } from '@lamina/plugin-sdk/viewBridge';
import type { Recommendations } from './recommend';

declare const laminaView: LaminaViewGlobal;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, style?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (style) e.setAttribute('style', style);
  return e;
}

const CELL = 'padding: 3px 10px; border-bottom: 1px solid #8883; text-align: left; vertical-align: top';

function table(testId: string, caption: string, head: string[], rows: (string | number)[][], numeric: number[]): HTMLElement {
  const box = el('section', undefined, 'flex: 1 1 320px; min-width: 0');
  box.appendChild(el('h3', caption, 'font-size: 13px; margin: 0 0 6px; font-weight: 600'));
  const t = el('table', undefined, 'border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums');
  t.setAttribute('data-testid', testId);
  const tr = el('tr');
  head.forEach((h, c) => tr.appendChild(el('th', h, `${CELL}; font-weight: 600; ${numeric.includes(c) ? 'text-align: right' : ''}`)));
  t.appendChild(tr);
  for (const r of rows) {
    const row = el('tr');
    r.forEach((v, c) => row.appendChild(el('td', String(v), `${CELL}; ${numeric.includes(c) ? 'text-align: right' : ''}`)));
    t.appendChild(row);
  }
  if (!rows.length) t.appendChild(el('tr')).appendChild(el('td', 'None.', CELL)).setAttribute('colspan', String(head.length));
  box.appendChild(t);
  return box;
}

laminaView.register('recommendations', async (root, view) => {
  root.setAttribute('style', 'font: 13px system-ui, sans-serif; color: #1d2433; padding: 4px');
  const run = (commandId: string, args: Record<string, unknown>) => view.request('runCommand', { commandId, args });
  let list: { total: number; users: { id: string; interactions: number }[] };
  try {
    list = (await run('users', { limit: 5000 })) as typeof list;
  } catch (e) {
    root.textContent = e instanceof Error ? e.message : String(e);
    return;
  }
  // A div, not a <form>: the view's sandbox (allow-scripts only) blocks form submission, submit events included.
  const form = el('div', undefined, 'display: flex; gap: 12px; align-items: end; flex-wrap: wrap; margin-bottom: 10px');
  const field = (label: string, input: HTMLElement) => {
    const l = el('label', undefined, 'display: flex; flex-direction: column; gap: 2px; font-size: 12px');
    l.append(label, input);
    form.appendChild(l);
  };
  const user = el('select', undefined, 'font: inherit; padding: 3px 6px; min-width: 160px');
  user.setAttribute('data-testid', 'rec-user');
  for (const u of list.users) {
    const o = el('option', `${u.id} (${u.interactions} known)`);
    o.value = u.id;
    user.appendChild(o);
  }
  const k = el('input', undefined, 'font: inherit; padding: 3px 6px; width: 64px');
  k.type = 'number';
  k.min = '1';
  k.max = '100';
  k.value = '10';
  k.setAttribute('data-testid', 'rec-k');
  field(`User (${list.total}${list.total > list.users.length ? `, first ${list.users.length} listed` : ''})`, user);
  field('Top k', k);
  const show = el('button', 'Show', 'font: inherit; padding: 4px 14px');
  show.type = 'button';
  form.appendChild(show);
  const status = el('p', '', 'margin: 4px 0; color: #5a6275');
  status.setAttribute('data-testid', 'rec-status');
  const out = el('div', undefined, 'display: flex; gap: 20px; flex-wrap: wrap; align-items: flex-start');
  root.append(form, status, out);

  let latest = 0; // only the newest request draws (a select change and a click can overlap)
  const render = async () => {
    const mine = ++latest;
    status.textContent = 'Scoring…';
    out.replaceChildren();
    try {
      const r = (await run('recommend', { user: user.value, k: Number(k.value) })) as Recommendations;
      if (mine !== latest) return;
      status.textContent = `${r.trainer}: top ${r.k} for user ${r.user}, excluding the ${r.historyTotal} items they already have (training and validation).`;
      out.append(
        table('rec-recommendations', 'Recommendations', ['#', 'Item', 'Title', 'Score'], r.recommendations.map((x) => [x.rank, x.item, x.title ?? '—', x.score.toFixed(4)]), [0, 3]),
        table(
          'rec-history',
          `History (${r.historyTotal}${r.history.length < r.historyTotal ? `, top ${r.history.length} shown` : ''})`,
          r.implicit ? ['Item', 'Title'] : ['Item', 'Title', 'Rating'],
          r.history.map((x) => (r.implicit ? [x.item, x.title ?? '—'] : [x.item, x.title ?? '—', x.rating])),
          r.implicit ? [] : [2],
        ),
      );
    } catch (e) {
      if (mine === latest) status.textContent = e instanceof Error ? e.message : String(e);
    }
  };
  show.addEventListener('click', () => void render());
  user.addEventListener('change', () => void render());
  k.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') void render();
  });
  await render();
});
