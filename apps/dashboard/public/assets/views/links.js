// Pages reached from account mails and around them: "check your email", the sign-up link
// (verify-email), forgot password, the reset link (reset-password), the email-change link
// (confirm-email). Links carry their token in the URL fragment (#token=...), which browsers never
// send to the server; the page posts it to the API.
'use strict';

import { api } from '../api.js';
import { brandMark, h } from '../dom.js';
import { toast } from '../toast.js';

export const LINK_PAGES = [
  '/dashboard/check-email',
  '/dashboard/verify-email',
  '/dashboard/forgot-password',
  '/dashboard/reset-password',
  '/dashboard/confirm-email',
];

/** The token from `#token=...`, removed from the address bar (and from history) once read. */
function takeToken() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
  return token;
}

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
 * A small form: fields, an error line, a submit button that shows progress.
 * @param {string} id
 * @param {HTMLElement[]} fields
 * @param {string} label
 * @param {(showError: (msg: string) => void) => Promise<void>} onSubmit
 */
function form(id, fields, label, onSubmit) {
  const error = h('div', { class: 'form-error', 'data-testid': `${id}-error`, role: 'alert', hidden: true });
  const submit = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'submit', class: 'btn btn-primary btn-block btn-lg', 'data-testid': `${id}-submit` }, label)
  );
  const showError = (/** @type {string} */ msg) => {
    error.textContent = msg;
    error.hidden = false;
  };
  const el = h('form', { id, 'data-testid': id, novalidate: true }, ...fields, error, submit);
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    try {
      await onSubmit(showError);
    } catch (err) {
      showError(err instanceof Error ? err.message : String(err));
    } finally {
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
    }
  });
  return el;
}

/**
 * @param {string} testid
 * @param {string} title
 * @param {string} lead
 * @param {...(HTMLElement | null)} body
 */
function page(testid, title, lead, ...body) {
  return h(
    'div',
    { class: 'auth-page', 'data-testid': testid },
    h(
      'div',
      { class: 'auth-box' },
      h('a', { class: 'brand', href: '/' }, brandMark(), 'twdown'),
      h('div', { class: 'card auth-card' }, h('h1', null, title), h('p', { 'data-testid': `${testid}-lead` }, lead), ...body),
      h('p', { class: 'auth-switch' }, h('a', { href: '/dashboard/login', 'data-link': true }, 'Back to log in')),
    ),
  );
}

const PASSWORD_MIN = 10;

/**
 * @param {{ path: string, navigate: (path: string) => void, onAuthenticated: () => Promise<void> }} opts
 * @returns {HTMLElement}
 */
export function renderLinkPage(opts) {
  switch (opts.path) {
    case '/dashboard/check-email': {
      const to = sessionStorage.getItem('twdown.mailedTo') ?? 'your address';
      return page(
        'check-email-page',
        'Check your email',
        `We sent a link to ${to}. Follow it (it works once, for 24 hours) and enter the password you chose to open your account. No mail? Check spam, or sign up again to get a new link.`,
      );
    }
    case '/dashboard/verify-email': {
      const token = takeToken();
      const pw = field('verify-password', 'Password chosen at sign-up', { type: 'password', autocomplete: 'current-password' });
      return page(
        'verify-email-page',
        'Confirm your email',
        'Enter the password you chose when you signed up to confirm this address and open your account.',
        form('verify-form', [pw.el], 'Confirm and log in', async (showError) => {
          if (!pw.input.value) return showError('Enter your password.');
          await api.verifyEmail(token, pw.input.value);
          toast('Email confirmed. Welcome to twdown!');
          await opts.onAuthenticated();
        }),
      );
    }
    case '/dashboard/forgot-password': {
      const email = field('forgot-email', 'Email', { type: 'email', autocomplete: 'email', placeholder: 'you@company.com' });
      const done = h('div', { class: 'alert alert-info', 'data-testid': 'forgot-sent', role: 'status', hidden: true });
      const f = form('forgot-form', [email.el], 'Send reset link', async (showError) => {
        if (!email.input.value.trim() || !email.input.checkValidity()) return showError('Enter a valid email address.');
        await api.forgotPassword(email.input.value.trim());
        done.textContent = `If ${email.input.value.trim()} has an account, a reset link is on its way. It works once, for 1 hour.`;
        done.hidden = false;
        f.hidden = true;
      });
      return page('forgot-page', 'Forgot your password?', 'We will email you a link to choose a new one.', f, done);
    }
    case '/dashboard/reset-password': {
      const token = takeToken();
      const pw = field('reset-password', 'New password', { type: 'password', autocomplete: 'new-password', minlength: PASSWORD_MIN });
      return page(
        'reset-page',
        'Choose a new password',
        'At least 10 characters. Every session of the account will be logged out.',
        form('reset-form', [pw.el], 'Set new password', async (showError) => {
          if (pw.input.value.length < PASSWORD_MIN) return showError(`Choose a password of at least ${PASSWORD_MIN} characters.`);
          await api.resetPassword(token, pw.input.value);
          toast('Password changed. Log in with the new one.');
          opts.navigate('/dashboard/login');
        }),
      );
    }
    default: {
      // /dashboard/confirm-email: the link is enough (the change was asked for by a logged-in owner)
      const token = takeToken();
      const status = h('div', { class: 'alert alert-info', 'data-testid': 'confirm-email-status', role: 'status' }, 'Confirming…');
      api.confirmEmail(token).then(
        (res) => {
          status.textContent = `Done: your account now uses ${res.email}.`;
        },
        (/** @type {unknown} */ err) => {
          status.className = 'form-error';
          status.textContent = err instanceof Error ? err.message : String(err);
        },
      );
      return page('confirm-email-page', 'New email address', 'Confirming the new address of your account.', status);
    }
  }
}
