// Accessible modal dialogs: focus trap, Escape to close, focus restored on close.
'use strict';

import { h, icon } from './dom.js';
import { copyText } from './clipboard.js';
import { toast } from './toast.js';

let seq = 0;

/**
 * @typedef {{ close: (value?: unknown) => void, el: HTMLElement, done: Promise<unknown> }} ModalHandle
 */

/**
 * @param {{ title: string, description?: string | Node, body?: Node | Node[], footer: (close: (v?: unknown) => void) => Node[],
 *   testid?: string, wide?: boolean, dismissable?: boolean, initialFocus?: string }} opts
 * @returns {ModalHandle}
 */
export function openModal(opts) {
  const id = `modal-${++seq}`;
  const previouslyFocused = document.activeElement;
  /** @type {(v: unknown) => void} */
  let resolve = () => undefined;
  const done = new Promise((r) => (resolve = r));
  const dismissable = opts.dismissable !== false;

  /** @param {unknown} [value] */
  const close = (value) => {
    document.removeEventListener('keydown', onKey, true);
    backdrop.remove();
    if (previouslyFocused instanceof HTMLElement && previouslyFocused.isConnected) previouslyFocused.focus();
    resolve(value);
  };

  const dialog = h(
    'div',
    {
      class: `modal${opts.wide ? ' modal-wide' : ''}`,
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': `${id}-title`,
      'aria-describedby': opts.description ? `${id}-desc` : undefined,
      'data-testid': opts.testid,
    },
    h(
      'div',
      { class: 'modal-header' },
      h('h2', { id: `${id}-title` }, opts.title),
      opts.description ? h('p', { id: `${id}-desc` }, opts.description) : null,
    ),
    opts.body ? h('div', { class: 'modal-body' }, opts.body) : null,
    h('div', { class: 'modal-footer' }, opts.footer(close)),
  );
  const backdrop = h('div', { class: 'modal-backdrop' }, dialog);
  backdrop.addEventListener('mousedown', (e) => {
    if (e.target === backdrop && dismissable) close(undefined);
  });

  /** @param {KeyboardEvent} e */
  function onKey(e) {
    if (e.key === 'Escape' && dismissable) {
      e.preventDefault();
      close(undefined);
    } else if (e.key === 'Tab') {
      const focusables = /** @type {HTMLElement[]} */ ([
        ...dialog.querySelectorAll('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])'),
      ]).filter((el) => !el.hasAttribute('disabled'));
      if (focusables.length === 0) return;
      const first = focusables[0];
      const last = focusables[focusables.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }
  document.addEventListener('keydown', onKey, true);
  document.body.append(backdrop);
  const focusTarget =
    (opts.initialFocus && /** @type {HTMLElement | null} */ (dialog.querySelector(opts.initialFocus))) ||
    /** @type {HTMLElement | null} */ (dialog.querySelector('input, .modal-footer .btn-primary, .modal-footer .btn-danger, button'));
  focusTarget?.focus();
  return { close, el: dialog, done };
}

/**
 * Confirmation dialog. Resolves true when confirmed.
 * @param {{ title: string, message: string | Node, confirmLabel: string, danger?: boolean, testid?: string }} opts
 * @returns {Promise<boolean>}
 */
export async function confirmDialog(opts) {
  const m = openModal({
    title: opts.title,
    description: opts.message,
    testid: opts.testid ?? 'confirm-dialog',
    footer: (close) => [
      h('button', { type: 'button', class: 'btn', onclick: () => close(false) }, 'Cancel'),
      h(
        'button',
        {
          type: 'button',
          class: `btn ${opts.danger ? 'btn-danger' : 'btn-primary'}`,
          'data-testid': 'confirm-ok',
          onclick: () => close(true),
        },
        opts.confirmLabel,
      ),
    ],
  });
  return (await m.done) === true;
}

/**
 * Single text-field dialog. Resolves the trimmed value, or null when cancelled.
 * @param {{ title: string, description?: string, label: string, value?: string, placeholder?: string,
 *   submitLabel: string, maxLength?: number, testid?: string, inputId?: string }} opts
 * @returns {Promise<string | null>}
 */
export async function promptDialog(opts) {
  const inputId = opts.inputId ?? `prompt-input-${seq + 1}`;
  const input = /** @type {HTMLInputElement} */ (
    h('input', {
      id: inputId,
      class: 'input',
      type: 'text',
      value: opts.value ?? '',
      placeholder: opts.placeholder,
      maxlength: opts.maxLength ?? 64,
      autocomplete: 'off',
      required: true,
      'data-testid': inputId,
    })
  );
  const form = h(
    'form',
    { id: `${inputId}-form`, novalidate: true },
    h('div', { class: 'field' }, h('label', { class: 'label', for: inputId }, opts.label), input),
  );
  const m = openModal({
    title: opts.title,
    description: opts.description,
    body: form,
    testid: opts.testid,
    initialFocus: `#${inputId}`,
    footer: (close) => [
      h('button', { type: 'button', class: 'btn', onclick: () => close(null) }, 'Cancel'),
      h('button', { type: 'submit', class: 'btn btn-primary', form: `${inputId}-form`, 'data-testid': 'prompt-submit' }, opts.submitLabel),
    ],
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (!value) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    m.close(value);
  });
  input.select();
  const v = await m.done;
  return typeof v === 'string' ? v : null;
}

/**
 * Shows a freshly created secret key exactly once, with a copy button.
 * @param {{ title: string, secret: string, note?: string | Node }} opts
 * @returns {Promise<void>}
 */
export async function showSecretDialog(opts) {
  const copyBtn = h(
    'button',
    { type: 'button', class: 'btn', id: 'copy-new-key', 'data-testid': 'copy-new-key' },
    icon('copy', { width: 14, height: 14 }),
    h('span', null, 'Copy'),
  );
  copyBtn.addEventListener('click', async () => {
    const ok = await copyText(opts.secret);
    const label = copyBtn.querySelector('span');
    if (ok) {
      if (label) label.textContent = 'Copied';
      copyBtn.firstElementChild?.replaceWith(icon('check', { width: 14, height: 14 }));
      toast('API key copied to clipboard');
    } else {
      toast('Could not copy automatically — select the key and copy it by hand.', { kind: 'info' });
      const code = document.getElementById('new-key-value');
      if (code) window.getSelection()?.selectAllChildren(code);
    }
  });
  const m = openModal({
    title: opts.title,
    description: 'Copy this key now and store it somewhere safe.',
    testid: 'new-key-modal',
    dismissable: false,
    wide: true,
    body: [
      h(
        'div',
        { class: 'secret' },
        h('code', { id: 'new-key-value', 'data-testid': 'new-key-value', tabindex: 0 }, opts.secret),
        copyBtn,
      ),
      h(
        'div',
        { class: 'alert alert-warning', role: 'note' },
        icon('alert', { class: 'alert-icon' }),
        h(
          'div',
          { class: 'alert-body' },
          h('strong', null, 'This key will not be shown again.'),
          'We only store a hash of it. If you lose it, rotate the key or create a new one.',
        ),
      ),
      opts.note
        ? h('div', { class: 'alert alert-info' }, icon('info', { class: 'alert-icon' }), h('div', { class: 'alert-body' }, opts.note))
        : null,
    ].filter(/** @returns {n is HTMLElement} */ (n) => n !== null),
    initialFocus: '#copy-new-key',
    footer: (close) => [
      h('button', { type: 'button', class: 'btn btn-primary', id: 'new-key-done', 'data-testid': 'new-key-done', onclick: () => close() }, "I've saved my key"),
    ],
  });
  await m.done;
}
