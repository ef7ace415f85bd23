// API keys: create (shown once), rename, rotate (shown once, old key keeps working until expires_at),
// revoke, delete.
'use strict';

import { api } from '../api.js';
import { h, icon, mount } from '../dom.js';
import { date, dateTime, relative } from '../format.js';
import { confirmDialog, promptDialog, showSecretDialog } from '../modal.js';
import { toast, toastError } from '../toast.js';

/** @typedef {import('../api.js').KeyView} KeyView */

const STATUS = /** @type {Record<string, { label: string, cls: string }>} */ ({
  active: { label: 'Active', cls: 'badge-green' },
  expiring: { label: 'Expiring', cls: 'badge-amber' },
  expired: { label: 'Expired', cls: '' },
  revoked: { label: 'Revoked', cls: 'badge-red' },
});

/** @param {KeyView} k */
export function keyPreview(k) {
  return `${k.prefix}…`;
}

/**
 * @param {import('../app.js').ViewCtx} ctx
 * @returns {HTMLElement}
 */
export function renderKeys(ctx) {
  const body = h('div', { 'data-testid': 'keys-body' }, h('div', { class: 'empty' }, h('span', { class: 'spinner', 'aria-label': 'Loading keys' })));
  const count = h('p', null, 'Keys authenticate calls to POST /api/v1/twitter. Keep them secret.');

  const createBtn = h(
    'button',
    { type: 'button', class: 'btn btn-primary', id: 'create-key-btn', 'data-testid': 'create-key' },
    icon('plus', { width: 15, height: 15 }),
    'Create key',
  );
  createBtn.addEventListener('click', () => void createKey());

  /** @type {KeyView[]} */
  let keys = [];

  async function load() {
    try {
      keys = (await api.listKeys()).keys;
      draw();
    } catch (err) {
      mount(body, h('div', { class: 'empty' }, h('h3', null, 'Could not load your keys'), h('p', null, err instanceof Error ? err.message : String(err))));
    }
  }

  async function createKey() {
    const name = await promptDialog({
      title: 'Create API key',
      description: 'Give the key a label so you can recognise it later, e.g. the app or environment that uses it.',
      label: 'Label',
      placeholder: 'Production server',
      submitLabel: 'Create key',
      inputId: 'new-key-name',
      testid: 'create-key-modal',
    });
    if (name === null) return;
    try {
      const res = await api.createKey(name);
      await load();
      await showSecretDialog({ title: `API key “${res.view.name}” created`, secret: res.key });
    } catch (err) {
      toastError(err);
    }
  }

  /** @param {KeyView} k */
  async function rename(k) {
    const name = await promptDialog({
      title: 'Rename key',
      label: 'Label',
      value: k.name,
      submitLabel: 'Save',
      inputId: 'rename-key-name',
      testid: 'rename-key-modal',
    });
    if (name === null || name === k.name) return;
    try {
      await api.renameKey(k.id, name);
      toast('Key renamed');
      await load();
    } catch (err) {
      toastError(err);
    }
  }

  /** @param {KeyView} k */
  async function rotate(k) {
    const ok = await confirmDialog({
      title: `Rotate “${k.name}”?`,
      message:
        'A new secret is created and shown once. The current key keeps working for a grace period so you can deploy the new one, then it expires automatically.',
      confirmLabel: 'Rotate key',
      testid: 'rotate-confirm',
    });
    if (!ok) return;
    try {
      const res = await api.rotateKey(k.id);
      await load();
      const until = res.previous?.expires_at;
      await showSecretDialog({
        title: `New secret for “${res.view.name}”`,
        secret: res.key,
        note: until
          ? `The old key (${keyPreview(res.previous)}) keeps working until ${dateTime(until)} (${relative(until)}). Replace it before then.`
          : 'The old key keeps working for a short grace period. Replace it soon.',
      });
    } catch (err) {
      toastError(err);
    }
  }

  /** @param {KeyView} k */
  async function revoke(k) {
    const ok = await confirmDialog({
      title: `Revoke “${k.name}”?`,
      message: `Requests using ${keyPreview(k)} will fail with 401 immediately. This cannot be undone.`,
      confirmLabel: 'Revoke key',
      danger: true,
      testid: 'revoke-confirm',
    });
    if (!ok) return;
    try {
      await api.revokeKey(k.id);
      toast(`Key “${k.name}” revoked`);
      await load();
    } catch (err) {
      toastError(err);
    }
  }

  /** @param {KeyView} k */
  async function remove(k) {
    const ok = await confirmDialog({
      title: `Delete “${k.name}”?`,
      message:
        k.status === 'active' || k.status === 'expiring'
          ? `The key stops working immediately and disappears from this list. Usage already recorded is kept.`
          : 'The key disappears from this list. Usage already recorded is kept.',
      confirmLabel: 'Delete key',
      danger: true,
      testid: 'delete-confirm',
    });
    if (!ok) return;
    try {
      await api.deleteKey(k.id);
      toast(`Key “${k.name}” deleted`);
      await load();
    } catch (err) {
      toastError(err);
    }
  }

  /**
   * @param {string} label
   * @param {string} action
   * @param {KeyView} k
   * @param {(k: KeyView) => Promise<void>} fn
   * @param {boolean} [danger]
   */
  const action = (label, action, k, fn, danger = false) =>
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-ghost btn-sm',
        style: danger ? 'color: var(--red)' : undefined,
        'data-action': action,
        'data-testid': `key-${action}`,
        'aria-label': `${label} key ${k.name}`,
        onclick: () => void fn(k),
      },
      label,
    );

  function draw() {
    const live = keys.filter((k) => k.status === 'active' || k.status === 'expiring').length;
    count.textContent = `Keys authenticate calls to POST /api/v1/twitter. ${live} active of ${keys.length}.`;
    if (keys.length === 0) {
      mount(
        body,
        h(
          'div',
          { class: 'empty', 'data-testid': 'keys-empty' },
          h('div', { class: 'empty-icon' }, icon('key', { width: 20, height: 20 })),
          h('h3', null, 'No API keys yet'),
          h('p', null, 'Create a key to start calling the API.'),
        ),
      );
      return;
    }
    const rows = keys.map((k) => {
      const st = STATUS[k.status] ?? { label: k.status, cls: '' };
      const live = k.status === 'active' || k.status === 'expiring';
      let statusNote = null;
      if (k.status === 'expiring' && k.expires_at) statusNote = `expires ${relative(k.expires_at)}`;
      else if (k.status === 'expired' && k.expires_at) statusNote = `expired ${relative(k.expires_at)}`;
      else if (k.status === 'revoked' && k.revoked_at) statusNote = relative(k.revoked_at);
      return h(
        'tr',
        { 'data-testid': 'key-row', 'data-key-id': k.id, 'data-status': k.status, class: live ? '' : 'is-inactive' },
        h('td', null, h('div', { class: 'key-name', 'data-testid': 'key-name' }, k.name)),
        h('td', null, h('code', { class: 'key-prefix', 'data-testid': 'key-prefix', title: 'Only the prefix is stored in a readable form' }, keyPreview(k))),
        h('td', { class: 'nowrap', title: dateTime(k.created_at) }, date(k.created_at)),
        h('td', { class: 'nowrap', title: k.last_used_at ? dateTime(k.last_used_at) : undefined, 'data-testid': 'key-last-used' }, k.last_used_at ? relative(k.last_used_at) : h('span', { class: 'faint' }, 'Never')),
        h(
          'td',
          { class: 'nowrap' },
          h('span', { class: `badge ${st.cls}`, 'data-testid': 'key-status' }, st.label),
          statusNote ? h('div', { class: 'faint', style: 'font-size:12px;margin-top:2px' }, statusNote) : null,
        ),
        h(
          'td',
          { class: 'actions' },
          live ? action('Rename', 'rename', k, rename) : null,
          k.status === 'active' ? action('Rotate', 'rotate', k, rotate) : null,
          live ? action('Revoke', 'revoke', k, revoke, true) : null,
          action('Delete', 'delete', k, remove, true),
        ),
      );
    });
    mount(
      body,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table', 'data-testid': 'keys-table' },
          h('caption', { class: 'sr-only' }, 'Your API keys'),
          h(
            'thead',
            null,
            h('tr', null, h('th', { scope: 'col' }, 'Label'), h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Created'), h('th', { scope: 'col' }, 'Last used'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions'))),
          ),
          h('tbody', null, rows),
        ),
      ),
    );
  }

  void load();

  return h(
    'div',
    { class: 'page', 'data-testid': 'view-keys' },
    h('header', { class: 'page-header' }, h('div', null, h('h1', null, 'API keys'), count), createBtn),
    ctx.me.user.premium
      ? null
      : h(
          'div',
          { class: 'alert alert-warning', 'data-testid': 'keys-premium-notice' },
          icon('alert', { class: 'alert-icon' }),
          h(
            'div',
            { class: 'alert-body' },
            h('strong', null, 'Keys need a Premium plan to make API calls.'),
            h('span', null, 'Without one, requests are refused with 403. ', h('a', { href: '/dashboard', 'data-link': true }, 'Go to your plan'), '.'),
          ),
        ),
    h(
      'section',
      { class: 'card', 'aria-label': 'API keys' },
      body,
      h(
        'div',
        { class: 'card-footer' },
        h('span', null, 'Send the key as ', h('code', null, 'Authorization: Bearer sk-…'), '. All keys share your account’s rate limits.'),
        h('a', { href: '/dashboard/usage', 'data-link': true }, 'View usage →'),
      ),
    ),
  );
}
