// Account settings: password, email address, logging out everywhere.
'use strict';

import { api } from '../api.js';
import { h } from '../dom.js';
import { toast } from '../toast.js';

/**
 * @param {string} id
 * @param {string} label
 * @param {Record<string, unknown>} attrs
 */
function field(id, label, attrs) {
  const input = /** @type {HTMLInputElement} */ (h('input', { id, 'data-testid': id, class: 'input', required: true, ...attrs }));
  return { input, el: h('div', { class: 'field' }, h('label', { class: 'label', for: id }, label), input) };
}

/**
 * @param {string} id
 * @param {string} title
 * @param {string} lead
 * @param {HTMLElement[]} fields
 * @param {string} label
 * @param {(done: (msg: string) => void) => Promise<void>} onSubmit
 */
function section(id, title, lead, fields, label, onSubmit) {
  const note = h('div', { class: 'form-error', 'data-testid': `${id}-note`, role: 'status', hidden: true });
  const submit = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': `${id}-submit` }, label));
  const form = h('form', { id, 'data-testid': id, novalidate: true, class: 'card-body account-form' }, h('p', { class: 'muted' }, lead), ...fields, note, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    note.hidden = true;
    submit.disabled = true;
    try {
      await onSubmit((msg) => {
        note.className = 'alert alert-info';
        note.textContent = msg;
        note.hidden = false;
      });
    } catch (err) {
      note.className = 'form-error';
      note.textContent = err instanceof Error ? err.message : String(err);
      note.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  return h('section', { class: 'card', 'aria-label': title }, h('div', { class: 'card-header' }, h('h2', null, title)), form);
}

/**
 * @param {import('../app.js').ViewCtx} ctx
 * @returns {HTMLElement}
 */
export function renderAccount(ctx) {
  const current = field('account-current-password', 'Current password', { type: 'password', autocomplete: 'current-password' });
  const next = field('account-new-password', 'New password (at least 10 characters)', { type: 'password', autocomplete: 'new-password', minlength: 10 });
  const password = section('password-form', 'Password', 'Changing it logs out every other session.', [current.el, next.el], 'Change password', async (done) => {
    const res = await api.changePassword(current.input.value, next.input.value);
    current.input.value = '';
    next.input.value = '';
    done(`Password changed. ${res.other_sessions_ended} other session(s) logged out.`);
  });

  const email = field('account-new-email', 'New email address', { type: 'email', autocomplete: 'email' });
  const confirm = field('account-email-password', 'Current password', { type: 'password', autocomplete: 'current-password' });
  const emailForm = section(
    'email-form',
    'Email address',
    `Now ${ctx.me.user.email}. We send a link to the new address; the change happens when it is followed, and the old address is told.`,
    [email.el, confirm.el],
    'Send confirmation link',
    async (done) => {
      await api.changeEmail(email.input.value.trim(), confirm.input.value);
      confirm.input.value = '';
      done(`Check ${email.input.value.trim()} for the confirmation link (it works once, for 24 hours).`);
    },
  );

  const everywhere = section('logout-all-form', 'Sessions', 'Log out of twdown on every device and browser, this one included.', [], 'Log out everywhere', async () => {
    await api.logoutAll();
    toast('Logged out everywhere', { kind: 'info' });
    location.assign('/dashboard/login');
  });

  return h(
    'div',
    { class: 'page', 'data-testid': 'view-account' },
    h('header', { class: 'page-header' }, h('div', null, h('h1', null, 'Account'), h('p', null, ctx.me.user.email))),
    password,
    emailForm,
    everywhere,
  );
}
