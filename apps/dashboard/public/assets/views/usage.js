// Usage: current rate-limit standing, credits, hourly/daily charts, per-key totals.
'use strict';

import { api } from '../api.js';
import { h, icon, mount } from '../dom.js';
import { capitalize, dateTime, num, untilShort } from '../format.js';
import { barChart, legend } from '../charts.js';
import { toastError } from '../toast.js';
import { keyPreview } from './keys.js';

/** @typedef {import('../api.js').Usage} Usage */

/**
 * @param {import('../app.js').ViewCtx} _ctx
 * @returns {HTMLElement}
 */
export function renderUsage(_ctx) {
  const loading = () => h('div', { class: 'empty' }, h('span', { class: 'spinner', 'aria-label': 'Loading' }));
  const standing = h('div', { class: 'card-body' }, loading());
  const day = h('div', { class: 'card-body', style: 'display:grid;gap:18px' }, loading());
  const month = h('div', { class: 'card-body', style: 'display:grid;gap:18px' }, loading());
  const perKey = h('div', null, loading());
  const credits = h('div', null, loading());
  const updated = h('span', { class: 'faint', style: 'font-size:12.5px' });

  const refreshBtn = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'button', class: 'btn', id: 'usage-refresh', 'data-testid': 'usage-refresh' }, icon('refresh', { width: 14, height: 14 }), 'Refresh')
  );
  refreshBtn.addEventListener('click', () => void load());

  /** @type {ReturnType<typeof setInterval> | null} */
  let ticker = null;

  async function load() {
    refreshBtn.disabled = true;
    try {
      const [usage, keysRes] = await Promise.all([api.usage(), api.listKeys().catch(() => ({ keys: [] }))]);
      drawStanding(usage);
      drawCredits(usage.credits);
      drawSeries(day, usage.last_24h.totals, usage.last_24h.hourly, 'hour', '24h', 'Requests per hour, last 24 hours');
      drawSeries(month, usage.last_30d.totals, usage.last_30d.daily, 'day', '30d', 'Requests per day, last 30 days');
      drawPerKey(usage, keysRes.keys);
      updated.textContent = `Updated ${new Date().toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', second: '2-digit' })}`;
      page.dataset.loaded = 'true';
    } catch (err) {
      toastError(err);
      for (const el of [standing, credits, day, month, perKey]) {
        if (el.querySelector('.spinner')) mount(el, h('div', { class: 'empty' }, 'Could not load usage.'));
      }
    } finally {
      refreshBtn.disabled = false;
    }
  }

  /** @param {Usage} usage */
  function drawStanding(usage) {
    const order = { minute: 0, hour: 1, day: 2 };
    const windows = [...usage.windows].sort((a, b) => order[a.window] - order[b.window]);
    /** @type {Array<{ el: HTMLElement, resetAt: number }>} */
    const clocks = [];
    const meters = windows.map((w) => {
      const pct = w.limit > 0 ? Math.min(100, (w.used / w.limit) * 100) : 0;
      const clock = h('span', null, `resets in ${untilShort(w.reset_at)}`);
      clocks.push({ el: clock, resetAt: w.reset_at });
      return h(
        'div',
        { 'data-testid': `meter-${w.window}`, 'data-used': w.used, 'data-limit': w.limit },
        h('div', { class: 'meter-head' }, h('strong', null, `Per ${w.window}`), h('span', { class: 'nums' }, `${num(w.used)} / ${num(w.limit)}`)),
        h(
          'div',
          {
            class: `meter${pct >= 100 ? ' full' : pct >= 80 ? ' warn' : ''}`,
            role: 'progressbar',
            'aria-label': `Requests this ${w.window}`,
            'aria-valuemin': 0,
            'aria-valuemax': w.limit,
            'aria-valuenow': w.used,
            'aria-valuetext': `${w.used} of ${w.limit} used`,
          },
          h('span', { style: `width:${pct.toFixed(1)}%` }),
        ),
        h('div', { class: 'meter-foot' }, `${num(w.remaining)} remaining · `, clock),
      );
    });
    mount(standing, windows.length ? h('div', { class: 'meters' }, meters) : h('div', { class: 'empty' }, 'No rate-limit windows configured.'));
    if (ticker) clearInterval(ticker);
    ticker = setInterval(() => {
      if (!standing.isConnected) {
        if (ticker) clearInterval(ticker);
        return;
      }
      for (const c of clocks) c.el.textContent = c.resetAt * 1000 <= Date.now() ? 'window reset — refresh to update' : `resets in ${untilShort(c.resetAt)}`;
    }, 1000);
  }

  /** @param {import('../api.js').Credits} c */
  function drawCredits(c) {
    const summary = h(
      'div',
      { class: 'card-body chart-totals' },
      h('div', { class: 'chart-total' }, h('div', { class: 'v', 'data-testid': 'credits-balance', 'data-balance': c.balance }, num(c.balance)), h('div', { class: 'l' }, 'Balance')),
      h('div', { class: 'chart-total' }, h('div', { class: 'v' }, num(c.per_period)), h('div', { class: 'l' }, 'Granted each paid billing period')),
      h('div', { class: 'chart-total' }, h('div', { class: 'v' }, num(c.convert_cost_per_minute)), h('div', { class: 'l' }, 'Per started minute of a conversion')),
    );
    if (c.recent.length === 0) {
      mount(credits, summary, h('div', { class: 'empty', 'data-testid': 'credits-empty' }, h('p', null, 'No credit activity yet.')));
      return;
    }
    mount(
      credits,
      summary,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table', 'data-testid': 'credits-table' },
          h('caption', { class: 'sr-only' }, 'Recent credit entries, newest first'),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Entry'), h('th', { scope: 'col' }, 'Reason'), h('th', { scope: 'col', class: 'num' }, 'Credits'))),
          h(
            'tbody',
            null,
            c.recent.map((e) =>
              h(
                'tr',
                { 'data-testid': 'credit-row', 'data-kind': e.kind, 'data-amount': e.amount },
                h('td', null, dateTime(e.created_at)),
                h('td', null, h('span', { class: 'badge' + (e.kind === 'grant' ? ' badge-green' : e.kind === 'refund' ? ' badge-amber' : '') }, capitalize(e.kind))),
                h('td', null, e.reason),
                h('td', { class: `num${e.amount > 0 ? ' amount-plus' : ''}` }, `${e.amount > 0 ? '+' : '−'}${num(Math.abs(e.amount))}`),
              ),
            ),
          ),
        ),
      ),
    );
  }

  /**
   * @param {HTMLElement} host
   * @param {import('../api.js').Totals} totals
   * @param {import('../api.js').Point[]} points
   * @param {'hour' | 'day'} granularity
   * @param {string} id
   * @param {string} label
   */
  function drawSeries(host, totals, points, granularity, id, label) {
    mount(
      host,
      h(
        'div',
        { class: 'chart-totals' },
        h('div', { class: 'chart-total' }, h('div', { class: 'v', 'data-testid': `usage-${id}-requests` }, num(totals.requests)), h('div', { class: 'l' }, h('i', { style: 'background:var(--series-1)' }), 'Requests')),
        h('div', { class: 'chart-total' }, h('div', { class: 'v', 'data-testid': `usage-${id}-rate-limited` }, num(totals.rate_limited)), h('div', { class: 'l' }, h('i', { style: 'background:var(--series-2)' }), 'Rate-limited (429)')),
      ),
      barChart({ points, granularity, label, testid: `chart-${id}` }),
    );
  }

  /**
   * @param {Usage} usage
   * @param {import('../api.js').KeyView[]} keys
   */
  function drawPerKey(usage, keys) {
    const byId = new Map(keys.map((k) => [k.id, k]));
    const entries = Object.entries(usage.per_key_30d).sort((a, b) => b[1].requests - a[1].requests);
    // keys without traffic still get a row, so the table doubles as a key inventory
    for (const k of keys) if (!usage.per_key_30d[k.id] && k.status !== 'revoked' && k.status !== 'expired') entries.push([k.id, { requests: 0, rate_limited: 0 }]);
    if (entries.length === 0) {
      mount(perKey, h('div', { class: 'empty', 'data-testid': 'per-key-empty' }, h('h3', null, 'No traffic yet'), h('p', null, 'Calls made with your keys show up here.')));
      return;
    }
    const total = entries.reduce((a, [, t]) => a + t.requests, 0) || 1;
    mount(
      perKey,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table', 'data-testid': 'per-key-table' },
          h('caption', { class: 'sr-only' }, 'Requests per key, last 30 days'),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col', class: 'num' }, 'Requests'), h('th', { scope: 'col', class: 'num' }, 'Rate-limited'), h('th', { scope: 'col', class: 'num' }, 'Share'))),
          h(
            'tbody',
            null,
            entries.map(([id, t]) => {
              const k = byId.get(id);
              return h(
                'tr',
                { 'data-testid': 'per-key-row', 'data-key-id': id, 'data-requests': t.requests },
                h('td', null, k ? h('div', null, h('span', { class: 'key-name' }, k.name), ' ', h('code', { class: 'key-prefix' }, keyPreview(k))) : h('span', { class: 'faint' }, 'Deleted key')),
                h('td', null, k ? h('span', { class: 'badge' + (k.status === 'active' ? ' badge-green' : k.status === 'revoked' ? ' badge-red' : k.status === 'expiring' ? ' badge-amber' : '') }, capitalize(k.status)) : '—'),
                h('td', { class: 'num' }, num(t.requests)),
                h('td', { class: 'num' }, num(t.rate_limited)),
                h('td', { class: 'num faint' }, `${Math.round((t.requests / total) * 100)}%`),
              );
            }),
          ),
        ),
      ),
    );
  }

  const page = h(
    'div',
    { class: 'page', 'data-testid': 'view-usage' },
    h(
      'header',
      { class: 'page-header' },
      h('div', null, h('h1', null, 'Usage'), h('p', null, 'Requests and rate-limited calls across all your keys.')),
      h('div', { style: 'display:flex;gap:12px;align-items:center' }, updated, refreshBtn),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'standing-title' },
      h('div', { class: 'card-header' }, h('div', null, h('h2', { id: 'standing-title' }, 'Rate limits'), h('p', null, 'Your current standing in each window. Limits are shared by all keys.'))),
      standing,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'credits-title', 'data-testid': 'usage-credits' },
      h('div', { class: 'card-header' }, h('div', null, h('h2', { id: 'credits-title' }, 'Credits'), h('p', null, 'Conversions are paid with credits; downloads and /api/v1/twitter are free.'))),
      credits,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'day-title', 'data-testid': 'usage-24h' },
      h('div', { class: 'card-header' }, h('div', null, h('h2', { id: 'day-title' }, 'Last 24 hours'), h('p', null, 'Hourly, in your local time')), legend()),
      day,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'month-title', 'data-testid': 'usage-30d' },
      h('div', { class: 'card-header' }, h('div', null, h('h2', { id: 'month-title' }, 'Last 30 days'), h('p', null, 'Daily, UTC')), legend()),
      month,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'perkey-title' },
      h('div', { class: 'card-header' }, h('div', null, h('h2', { id: 'perkey-title' }, 'By key'), h('p', null, 'Last 30 days'))),
      perKey,
    ),
  );
  void load();
  return page;
}
