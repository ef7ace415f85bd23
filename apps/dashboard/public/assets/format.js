// Formatting helpers: dates, relative times, numbers.
'use strict';

const nf = new Intl.NumberFormat('en-US');

/** @param {number} n */
export function num(n) {
  return nf.format(n);
}

/**
 * Accepts ISO strings, unix seconds or unix milliseconds.
 * @param {string | number | null | undefined} v
 * @returns {Date | null}
 */
export function toDate(v) {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return new Date(v < 1e12 ? v * 1000 : v);
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** @param {string | number | null | undefined} v */
export function date(v) {
  const d = toDate(v);
  return d ? d.toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric' }) : '—';
}

/** @param {string | number | null | undefined} v */
export function dateTime(v) {
  const d = toDate(v);
  return d
    ? d.toLocaleString('en-US', { month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' })
    : '—';
}

/**
 * "3 minutes ago" / "in 2 hours".
 * @param {string | number | null | undefined} v
 * @param {number} [now]
 */
export function relative(v, now = Date.now()) {
  const d = toDate(v);
  if (!d) return '—';
  const diff = (d.getTime() - now) / 1000;
  const abs = Math.abs(diff);
  /** @type {[Intl.RelativeTimeFormatUnit, number][]} */
  const units = [
    ['year', 31536000],
    ['month', 2592000],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ];
  if (abs < 45) return diff < 0 ? 'just now' : 'in a few seconds';
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, secs] of units) {
    if (abs >= secs || unit === 'second') return rtf.format(Math.round(diff / secs), unit);
  }
  return '—';
}

/**
 * Compact duration until a unix-seconds timestamp: "42s", "12m 5s", "3h 20m".
 * @param {number} resetAtSeconds
 * @param {number} [now]
 */
export function untilShort(resetAtSeconds, now = Date.now()) {
  let secs = Math.max(0, Math.round(resetAtSeconds - now / 1000));
  const h = Math.floor(secs / 3600);
  secs -= h * 3600;
  const m = Math.floor(secs / 60);
  const sec = secs - m * 60;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

/** @param {string} s */
export function capitalize(s) {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}
