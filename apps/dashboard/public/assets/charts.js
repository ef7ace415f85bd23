// Hand-drawn inline SVG bar charts: two series per slot (requests, rate-limited), y grid with nice ticks,
// x labels, a native <title> tooltip per slot and a richer floating tooltip on hover.
'use strict';

import { h, s } from './dom.js';
import { num } from './format.js';

/**
 * @typedef {{ at: string, requests: number, rate_limited: number }} Point
 * @typedef {{ points: Point[], granularity: 'hour' | 'day', label: string, testid?: string }} ChartOpts
 */

/**
 * A "nice" integer axis: a step of 1, 2, 2.5 or 5 × 10^n giving about `ticks` intervals, and the
 * first multiple of it at or above `max`.
 * @param {number} max
 * @param {number} ticks
 * @returns {{ top: number, step: number }}
 */
export function niceScale(max, ticks = 4) {
  if (max <= ticks) return { top: ticks, step: 1 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 && mag >= 10 ? 2.5 : norm <= 5 ? 5 : 10;
  const step = Math.max(1, Math.ceil(nice * mag));
  return { top: Math.max(step, Math.ceil(max / step) * step), step };
}

/**
 * @param {Date} d
 * @param {'hour' | 'day'} g
 */
function tickLabel(d, g) {
  return g === 'hour'
    ? d.toLocaleTimeString('en-US', { hour: 'numeric' }).replace(' ', '').toLowerCase()
    : d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/**
 * @param {Date} d
 * @param {'hour' | 'day'} g
 */
function slotTitle(d, g) {
  if (g === 'day') return d.toLocaleDateString('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
  const end = new Date(d.getTime() + 3600_000);
  const t = (/** @type {Date} */ x) => x.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });
  return `${d.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })}, ${t(d)} – ${t(end)}`;
}

/** @type {HTMLElement | null} */
let tipEl = null;
function tip() {
  if (!tipEl) {
    tipEl = h('div', { class: 'chart-tip', role: 'presentation', hidden: true });
    document.body.append(tipEl);
  }
  return tipEl;
}

/**
 * Draw the chart into `host` at the host's current width.
 * @param {HTMLElement} host
 * @param {ChartOpts} opts
 */
function draw(host, opts) {
  const { points, granularity } = opts;
  const width = Math.max(280, Math.floor(host.clientWidth || 640));
  const height = 220;
  const m = { top: 12, right: 18, bottom: 28, left: 40 };
  const iw = width - m.left - m.right;
  const ih = height - m.top - m.bottom;
  const n = Math.max(1, points.length);
  const max = Math.max(0, ...points.map((p) => Math.max(p.requests, p.rate_limited)));
  const { top, step } = niceScale(max);
  const y = (/** @type {number} */ v) => m.top + ih - (v / top) * ih;
  const slot = iw / n;
  const gap = Math.max(1, Math.min(6, slot * 0.22));
  const barW = Math.max(1, (slot - gap) / 2);

  const grid = [];
  for (let v = 0; v <= top; v += step) {
    grid.push(
      s('line', { class: v === 0 ? 'axis-line' : 'grid-line', x1: m.left, x2: width - m.right, y1: y(v), y2: y(v) }),
      s('text', { x: m.left - 8, y: y(v) + 4, 'text-anchor': 'end' }, num(v)),
    );
  }

  const labelEvery = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(iw / 56))));
  const slots = points.map((p, i) => {
    const d = new Date(p.at);
    const x0 = m.left + i * slot;
    const title = `${slotTitle(d, granularity)}\nRequests: ${num(p.requests)}\nRate-limited (429): ${num(p.rate_limited)}`;
    const reqH = y(0) - y(p.requests);
    const rlH = y(0) - y(p.rate_limited);
    const g = s(
      'g',
      { class: 'slot', 'data-at': p.at, 'data-requests': p.requests, 'data-rate-limited': p.rate_limited },
      s('title', null, title),
      s('rect', { class: 'hit', x: x0, y: m.top, width: slot, height: ih, rx: 3 }),
      p.requests > 0
        ? s('rect', { class: 'bar-req', x: x0 + gap / 2, y: y(p.requests), width: barW, height: Math.max(1.5, reqH), rx: Math.min(2, barW / 2) })
        : null,
      p.rate_limited > 0
        ? s('rect', { class: 'bar-rl', x: x0 + gap / 2 + barW, y: y(p.rate_limited), width: barW, height: Math.max(1.5, rlH), rx: Math.min(2, barW / 2) })
        : null,
      (n - 1 - i) % labelEvery === 0
        ? s('text', { x: x0 + slot / 2, y: height - 8, 'text-anchor': 'middle' }, tickLabel(d, granularity))
        : null,
    );
    g.addEventListener('mousemove', (e) => {
      const t = tip();
      t.replaceChildren(
        h('b', null, slotTitle(d, granularity)),
        h('br'),
        `Requests: ${num(p.requests)}`,
        h('br'),
        `Rate-limited (429): ${num(p.rate_limited)}`,
      );
      t.hidden = false;
      const r = t.getBoundingClientRect();
      const left = Math.min(window.innerWidth - r.width - 8, e.clientX + 14);
      t.style.left = `${Math.max(8, left)}px`;
      t.style.top = `${Math.max(8, e.clientY - r.height - 10)}px`;
    });
    g.addEventListener('mouseleave', () => {
      tip().hidden = true;
    });
    return g;
  });

  const totalReq = points.reduce((a, p) => a + p.requests, 0);
  const totalRl = points.reduce((a, p) => a + p.rate_limited, 0);
  const svg = s(
    'svg',
    {
      class: 'chart',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': `${opts.label}: ${num(totalReq)} requests and ${num(totalRl)} rate-limited over ${n} ${granularity === 'hour' ? 'hours' : 'days'}`,
      'data-testid': opts.testid,
    },
    grid,
    slots,
  );
  host.replaceChildren(svg);
}

/**
 * Create a self-resizing bar chart element.
 * @param {ChartOpts} opts
 * @returns {HTMLElement}
 */
export function barChart(opts) {
  const host = h('div', { class: 'chart-host' });
  let lastWidth = 0;
  const ro = new ResizeObserver(() => {
    if (!host.isConnected) {
      ro.disconnect();
      return;
    }
    const w = host.clientWidth;
    if (w && Math.abs(w - lastWidth) > 2) {
      lastWidth = w;
      draw(host, opts);
    }
  });
  ro.observe(host);
  // draw once immediately (before layout) so the SVG exists even if the observer fires late
  queueMicrotask(() => draw(host, opts));
  return host;
}

/** Chart legend for the two series. */
export function legend() {
  return h(
    'div',
    { class: 'chart-legend', 'aria-hidden': 'true' },
    h('span', null, h('i', { style: 'background: var(--series-1)' }), 'Requests'),
    h('span', null, h('i', { style: 'background: var(--series-2)' }), 'Rate-limited (429)'),
  );
}
