// Sign up / log in forms.
'use strict';

import { api } from '../api.js';
import { brandMark, h } from '../dom.js';
import { toast } from '../toast.js';

/**
 * @param {{ mode: 'login' | 'signup', navigate: (path: string) => void, onAuthenticated: () => Promise<void> }} opts
 * @returns {HTMLElement}
 */
export function renderAuth(opts) {
  const signup = opts.mode === 'signup';
  const p = signup ? 'signup' : 'login';

  const email = /** @type {HTMLInputElement} */ (
    h('input', {
      id: `${p}-email`,
      'data-testid': `${p}-email`,
      class: 'input',
      type: 'email',
      name: 'email',
      autocomplete: 'email',
      required: true,
      placeholder: 'you@company.com',
    })
  );
  const password = /** @type {HTMLInputElement} */ (
    h('input', {
      id: `${p}-password`,
      'data-testid': `${p}-password`,
      class: 'input',
      type: 'password',
      name: 'password',
      autocomplete: signup ? 'new-password' : 'current-password',
      required: true,
      minlength: signup ? 10 : undefined,
      'aria-describedby': signup ? `${p}-password-hint` : undefined,
    })
  );
  const error = h('div', { class: 'form-error', id: `${p}-error`, 'data-testid': 'auth-error', role: 'alert', hidden: true });
  const submit = /** @type {HTMLButtonElement} */ (
    h(
      'button',
      { type: 'submit', class: 'btn btn-primary btn-block btn-lg', id: `${p}-submit`, 'data-testid': `${p}-submit` },
      signup ? 'Create account' : 'Log in',
    )
  );

  /** @param {string} msg */
  const showError = (msg) => {
    error.textContent = msg;
    error.hidden = false;
  };

  const form = h(
    'form',
    { id: `${p}-form`, 'data-testid': `${p}-form`, novalidate: true },
    h('div', { class: 'field' }, h('label', { class: 'label', for: email.id }, 'Email'), email),
    h(
      'div',
      { class: 'field' },
      h('label', { class: 'label', for: password.id }, 'Password'),
      password,
      signup
        ? h('span', { class: 'hint', id: `${p}-password-hint` }, 'At least 10 characters. We email you a link to confirm the address.')
        : h('a', { class: 'hint', href: '/dashboard/forgot-password', 'data-link': true, 'data-testid': 'goto-forgot' }, 'Forgot your password?'),
    ),
    error,
    submit,
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    email.removeAttribute('aria-invalid');
    password.removeAttribute('aria-invalid');
    if (!email.value.trim() || !email.checkValidity()) {
      email.setAttribute('aria-invalid', 'true');
      email.focus();
      return showError('Enter a valid email address.');
    }
    if (!password.value || (signup && password.value.length < 10)) {
      password.setAttribute('aria-invalid', 'true');
      password.focus();
      return showError(signup ? 'Choose a password of at least 10 characters.' : 'Enter your password.');
    }
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    submit.replaceChildren(h('span', { class: 'spinner', 'aria-hidden': 'true' }), signup ? 'Creating account…' : 'Logging in…');
    try {
      if (signup) {
        // nothing is open yet: the account opens from the link we mail
        await api.signup(email.value.trim(), password.value);
        sessionStorage.setItem('twdown.mailedTo', email.value.trim());
        opts.navigate('/dashboard/check-email');
        return;
      }
      await api.login(email.value.trim(), password.value);
      toast('Welcome back!');
      await opts.onAuthenticated();
    } catch (err) {
      showError(err instanceof Error ? err.message : String(err));
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
      submit.replaceChildren(signup ? 'Create account' : 'Log in');
    }
  });

  return h(
    'div',
    { class: 'auth-page', 'data-testid': `${p}-page` },
    h(
      'div',
      { class: 'auth-box' },
      h('a', { class: 'brand', href: '/' }, brandMark(), 'twdown'),
      h(
        'div',
        { class: 'card auth-card' },
        h('h1', null, signup ? 'Create your account' : 'Log in to twdown'),
        h('p', null, signup ? 'Get API keys for the TwitterDown-compatible media API.' : 'Manage your keys, billing and usage.'),
        form,
      ),
      h(
        'p',
        { class: 'auth-switch' },
        signup ? 'Already have an account? ' : "Don't have an account? ",
        h(
          'a',
          { href: signup ? '/dashboard/login' : '/dashboard/signup', 'data-link': true, 'data-testid': signup ? 'goto-login' : 'goto-signup' },
          signup ? 'Log in' : 'Sign up',
        ),
      ),
    ),
  );
}
