/**
 * Run-detail view "Ensemble members": a table of the members (each one's validation and test score,
 * and the ensemble's after it joined) and a chart of the ensemble's score against the number of
 * members. Runs in Lamina's sandboxed view iframe and reads the run only through the view bridge.
 */
import type { LaminaViewGlobal } from '@lamina/plugin-sdk/viewBridge';

declare const laminaView: LaminaViewGlobal;

type Point = { step: number; value: number };

const SVG = 'http://www.w3.org/2000/svg';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, style?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (style) e.setAttribute('style', style);
  return e;
}

const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(4));

/** A small line chart: one polyline per series over steps 1..n, y from the data's range. */
function chart(series: { name: string; points: Point[]; color: string }[]): SVGSVGElement {
  const w = 560;
  const h = 220;
  const pad = { l: 48, r: 12, t: 12, b: 28 };
  const all = series.flatMap((s) => s.points);
  const maxX = Math.max(1, ...all.map((p) => p.step));
  let lo = Math.min(...all.map((p) => p.value));
  let hi = Math.max(...all.map((p) => p.value));
  if (!(hi > lo)) [lo, hi] = [lo - 0.05, hi + 0.05];
  const x = (s: number) => pad.l + ((s - 1) / Math.max(1, maxX - 1)) * (w - pad.l - pad.r);
  const y = (v: number) => pad.t + (1 - (v - lo) / (hi - lo)) * (h - pad.t - pad.b);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('width', '100%');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Ensemble score against number of members');
  const text = (tx: number, ty: number, s: string, anchor = 'end') => {
    const t = document.createElementNS(SVG, 'text');
    t.setAttribute('x', String(tx));
    t.setAttribute('y', String(ty));
    t.setAttribute('font-size', '11');
    t.setAttribute('text-anchor', anchor);
    t.setAttribute('fill', 'currentColor');
    t.textContent = s;
    svg.appendChild(t);
  };
  text(pad.l - 6, y(hi) + 4, hi.toFixed(3));
  text(pad.l - 6, y(lo) + 4, lo.toFixed(3));
  text(x(1), h - 8, '1', 'middle');
  text(x(maxX), h - 8, String(maxX), 'middle');
  text((pad.l + w) / 2, h - 8, 'members', 'middle');
  series.forEach((s, i) => {
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', s.points.map((p) => `${x(p.step)},${y(p.value)}`).join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', s.color);
    line.setAttribute('stroke-width', '2');
    svg.appendChild(line);
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', String(w - pad.r));
    label.setAttribute('y', String(pad.t + 12 + i * 14));
    label.setAttribute('font-size', '11');
    label.setAttribute('text-anchor', 'end');
    label.setAttribute('fill', s.color);
    label.textContent = s.name;
    svg.appendChild(label);
  });
  return svg;
}

laminaView.register('members', async (root, view) => {
  const runId = view.context.runId;
  if (!runId) return void (root.textContent = 'No run.');
  const keys = await view.request('listMetricKeys', { runId });
  const score = keys.includes('members/test_r2') || keys.includes('member/test_r2') ? 'r2' : 'accuracy';
  if (!keys.some((k) => k.startsWith('members/') || k.startsWith('member/'))) {
    return void (root.textContent = 'Not an ensemble run: no members recorded.');
  }
  const series = async (key: string) => (keys.includes(key) ? await view.request('getMetricSeries', { runId, key }) : []);
  const [memberVal, memberTest, ensVal, ensTest] = await Promise.all([
    series(`member/val_${score}`), series(`member/test_${score}`), series(`members/val_${score}`), series(`members/test_${score}`),
  ]);
  const detail = (await view.request('getRun', { runId })) as { metrics?: { key: string; last: number }[] };
  const last = new Map((detail.metrics ?? []).map((m) => [m.key, m.last]));
  root.setAttribute('style', 'font: 13px system-ui, sans-serif; color: inherit');
  const gain = last.get('gain_over_best_member');
  root.appendChild(
    el('p', `Ensemble test ${score}: ${fmt(last.get(`ensemble_test_${score}`) ?? last.get(`test_${score}`))} · best member: ${fmt(last.get(`best_member_test_${score}`))} · gain: ${gain === undefined ? '—' : (gain >= 0 ? '+' : '') + gain.toFixed(4)}`),
  );
  root.appendChild(chart([
    { name: `ensemble test ${score}`, points: ensTest, color: '#2f6fde' },
    { name: `ensemble validation ${score}`, points: ensVal, color: '#d9822b' },
    ...(memberTest.length ? [{ name: `member test ${score}`, points: memberTest, color: '#8a8f98' }] : []),
  ]));
  const n = Math.max(memberTest.length, ensTest.length);
  const at = (ps: Point[], step: number) => ps.find((p) => p.step === step)?.value;
  const table = el('table', undefined, 'border-collapse: collapse; margin-top: 8px; font-variant-numeric: tabular-nums');
  const head = el('tr');
  for (const h of ['member', `val ${score}`, `test ${score}`, `ensemble val (1..m)`, `ensemble test (1..m)`]) head.appendChild(el('th', h, 'text-align: right; padding: 2px 10px; border-bottom: 1px solid #8884'));
  table.appendChild(head);
  for (let m = 1; m <= n; m++) {
    const tr = el('tr');
    tr.setAttribute('data-member', String(m));
    for (const v of [String(m), fmt(at(memberVal, m)), fmt(at(memberTest, m)), fmt(at(ensVal, m)), fmt(at(ensTest, m))]) tr.appendChild(el('td', v, 'text-align: right; padding: 2px 10px'));
    table.appendChild(tr);
  }
  root.appendChild(table);
});
