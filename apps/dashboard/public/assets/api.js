// JSON client for the dashboard API (/dashboard/api/*). Session is an httpOnly cookie; every unsafe
// request other than signup/login carries the CSRF token handed out by signup/login/me.
'use strict';

/**
 * @typedef {{ id: string, email: string, premium?: boolean, complimentary?: boolean }} User
 * @typedef {{ status: string, current_period_end: string | number | null, cancel_at_period_end: boolean } | null} Subscription
 * @typedef {{ user: User, subscription: Subscription, billing: { configured: boolean }, csrf_token: string }} Me
 * @typedef {{ id: string, name: string, prefix: string, status: string, created_at: string,
 *   last_used_at: string | null, revoked_at: string | null, expires_at: string | null }} KeyView
 * @typedef {{ at: string, requests: number, rate_limited: number }} Point
 * @typedef {{ requests: number, rate_limited: number }} Totals
 * @typedef {{ window: 'minute' | 'hour' | 'day', limit: number, used: number, remaining: number, reset_at: number }} WindowStanding
 * @typedef {{ id: string, kind: 'grant' | 'spend' | 'refund', amount: number, reason: string, created_at: string }} CreditEntry
 * @typedef {{ balance: number, per_period: number, convert_cost_per_minute: number, recent: CreditEntry[] }} Credits
 * @typedef {{ windows: WindowStanding[], last_24h: { totals: Totals, hourly: Point[] },
 *   last_30d: { totals: Totals, daily: Point[] }, per_key_30d: Record<string, Totals>, credits: Credits }} Usage
 */

const BASE = '/dashboard/api';

/** Error carrying the API's envelope details. */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status
   * @param {string} type
   * @param {unknown} [details]
   */
  constructor(message, status, type, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.details = details;
  }
}

/** @type {string | null} */
let csrfToken = null;

/** @param {string | null | undefined} token */
export function setCsrfToken(token) {
  if (token) csrfToken = token;
}

/** @type {Array<() => void>} */
const unauthorizedListeners = [];
/** Called whenever an authenticated request comes back 401 (session expired). */
export function onUnauthorized(/** @type {() => void} */ fn) {
  unauthorizedListeners.push(fn);
}

/**
 * @template T
 * @param {'GET' | 'POST' | 'PATCH' | 'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {{ csrf?: boolean, quiet401?: boolean }} [opts]
 * @returns {Promise<T>}
 */
async function request(method, path, body, opts = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (opts.csrf !== false && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  }
  let res;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
  } catch {
    throw new ApiError('Network error: could not reach the server.', 0, 'network');
  }
  /** @type {any} */
  let payload = null;
  const text = await res.text();
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }
  if (!res.ok || (payload && typeof payload.code === 'number' && payload.code !== 0)) {
    const message = (payload && payload.message) || `Request failed (${res.status})`;
    const type = (payload && payload.error && payload.error.type) || 'http_' + res.status;
    if (res.status === 401 && !opts.quiet401) for (const fn of unauthorizedListeners) fn();
    throw new ApiError(message, res.status, type, payload && payload.error);
  }
  const data = payload ? payload.data : undefined;
  if (data && typeof data === 'object' && 'csrf_token' in data) setCsrfToken(data.csrf_token);
  return /** @type {T} */ (data);
}

export const api = {
  /** @returns {Promise<Me>} */
  me: () => request('GET', '/me', undefined, { quiet401: true }),
  /** @returns {Promise<{ user: User, csrf_token: string }>} */
  signup: (/** @type {string} */ email, /** @type {string} */ password) =>
    request('POST', '/signup', { email, password }, { csrf: false, quiet401: true }),
  /** @returns {Promise<{ user: User, csrf_token: string }>} */
  login: (/** @type {string} */ email, /** @type {string} */ password) =>
    request('POST', '/login', { email, password }, { csrf: false, quiet401: true }),
  logout: () => request('POST', '/logout', {}, { quiet401: true }),
  /** Ends every session of the account, this one included. */
  logoutAll: () => request('POST', '/logout-all', {}, { quiet401: true }),
  /** The emailed sign-up link plus the password chosen at sign-up. @returns {Promise<{ user: User, csrf_token: string }>} */
  verifyEmail: (/** @type {string} */ token, /** @type {string} */ password) =>
    request('POST', '/verify-email', { token, password }, { csrf: false, quiet401: true }),
  forgotPassword: (/** @type {string} */ email) => request('POST', '/password/forgot', { email }, { csrf: false, quiet401: true }),
  /** @returns {Promise<{ password_reset: true, email: string }>} */
  resetPassword: (/** @type {string} */ token, /** @type {string} */ password) =>
    request('POST', '/password/reset', { token, password }, { csrf: false, quiet401: true }),
  /** @returns {Promise<{ email: string }>} */
  confirmEmail: (/** @type {string} */ token) => request('POST', '/email/confirm', { token }, { csrf: false, quiet401: true }),
  /** @returns {Promise<{ password_changed: true, other_sessions_ended: number }>} */
  changePassword: (/** @type {string} */ current, /** @type {string} */ next) =>
    request('POST', '/password', { current_password: current, new_password: next }),
  changeEmail: (/** @type {string} */ email, /** @type {string} */ password) => request('POST', '/email', { email, password }),

  /** @returns {Promise<{ url: string }>} */
  checkout: () => request('POST', '/billing/checkout', {}),
  /** @returns {Promise<{ url: string }>} */
  portal: () => request('POST', '/billing/portal', {}),

  /** @returns {Promise<{ keys: KeyView[] }>} */
  listKeys: () => request('GET', '/keys'),
  /** @returns {Promise<{ key: string, view: KeyView }>} */
  createKey: (/** @type {string} */ name) => request('POST', '/keys', { name }),
  /** @returns {Promise<{ view: KeyView }>} */
  renameKey: (/** @type {string} */ id, /** @type {string} */ name) =>
    request('PATCH', `/keys/${encodeURIComponent(id)}`, { name }),
  /** @returns {Promise<{ view: KeyView }>} */
  revokeKey: (/** @type {string} */ id) => request('POST', `/keys/${encodeURIComponent(id)}/revoke`, {}),
  /** @returns {Promise<{ key: string, view: KeyView, previous: KeyView }>} */
  rotateKey: (/** @type {string} */ id) => request('POST', `/keys/${encodeURIComponent(id)}/rotate`, {}),
  deleteKey: (/** @type {string} */ id) => request('DELETE', `/keys/${encodeURIComponent(id)}`),

  /** @returns {Promise<Usage>} */
  usage: () => request('GET', '/usage'),
};
