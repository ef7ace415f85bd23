// Toast notifications in an aria-live region.
'use strict';

import { h } from './dom.js';

/** @returns {HTMLElement} */
function region() {
  let el = document.getElementById('toasts');
  if (!el) {
    el = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'false' });
    document.body.append(el);
  }
  return el;
}

/**
 * @param {string} message
 * @param {{ kind?: 'success' | 'error' | 'info', timeout?: number }} [opts]
 */
export function toast(message, opts = {}) {
  const kind = opts.kind ?? 'success';
  const el = h(
    'div',
    { class: `toast toast-${kind}`, 'data-testid': `toast-${kind}`, role: kind === 'error' ? 'alert' : undefined },
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    h('div', { class: 'msg' }, message),
    h('button', { type: 'button', class: 'alert-close', 'aria-label': 'Dismiss', onclick: () => el.remove() }, '×'),
  );
  region().append(el);
  const timeout = opts.timeout ?? (kind === 'error' ? 7000 : 4000);
  setTimeout(() => el.remove(), timeout);
}

/** @param {unknown} err */
export function toastError(err) {
  const message = err instanceof Error ? err.message : String(err);
  toast(message, { kind: 'error' });
}
