// Landing page: show this server's origin in the example, live rate limits, and "Dashboard" when signed in.
'use strict';

import { copyText } from './clipboard.js';

const origin = location.origin;
for (const el of document.querySelectorAll('[data-origin]')) el.textContent = origin;

const copyBtn = document.getElementById('copy-curl');
copyBtn?.addEventListener('click', async () => {
  const text = document.getElementById('curl-example')?.textContent ?? '';
  if (await copyText(text)) {
    copyBtn.textContent = 'Copied';
    setTimeout(() => (copyBtn.textContent = 'Copy'), 1500);
  }
});

/** Fill in the live per-account limits from the API's own documentation. */
async function showLimits() {
  try {
    const res = await fetch('/api/v1/twitter', { headers: { Accept: 'application/json' } });
    if (!res.ok) return;
    const docs = await res.json();
    /** @type {Array<{ window: string, limit: number }>} */
    const windows = docs?.rate_limits?.windows ?? [];
    if (!windows.length) return;
    const nf = new Intl.NumberFormat('en-US');
    const line = document.getElementById('limits-line');
    if (line) line.textContent = windows.map((w) => `${nf.format(w.limit)} / ${w.window}`).join(' · ') + ' per account';
  } catch {
    // keep the generic copy
  }
}

/** Swap the auth buttons for a dashboard link when a session exists. */
async function showSession() {
  try {
    const res = await fetch('/dashboard/api/me', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!res.ok) return;
    const cta = document.getElementById('auth-cta');
    if (!cta) return;
    const a = document.createElement('a');
    a.className = 'btn btn-primary';
    a.href = '/dashboard';
    a.textContent = 'Open dashboard';
    a.dataset.testid = 'landing-dashboard';
    cta.replaceChildren(a);
  } catch {
    // logged out or offline: keep Log in / Sign up
  }
}

void showLimits();
void showSession();
