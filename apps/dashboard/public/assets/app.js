// Dashboard entry point: session bootstrap, client-side routing under /dashboard, the app shell.
'use strict';

import { api, onUnauthorized, setCsrfToken } from './api.js';
import { brandMark, h, icon, mount } from './dom.js';
import { toast, toastError } from './toast.js';
import { renderAuth } from './views/auth.js';
import { renderOverview } from './views/overview.js';
import { renderKeys } from './views/keys.js';
import { renderUsage } from './views/usage.js';
import { renderAccount } from './views/account.js';
import { LINK_PAGES, renderLinkPage } from './views/links.js';
import { planInfo } from './views/plan.js';

/**
 * @typedef {import('./api.js').Me} Me
 * @typedef {{ me: Me, refreshMe: () => Promise<Me>, navigate: (path: string) => void, params: URLSearchParams }} ViewCtx
 * @typedef {{ path: string, title: string, nav: string, render: (ctx: ViewCtx) => HTMLElement }} Route
 */

const root = /** @type {HTMLElement} */ (document.getElementById('app'));

/** @type {Route[]} */
const ROUTES = [
  { path: '/dashboard', title: 'Overview', nav: 'overview', render: renderOverview },
  { path: '/dashboard/keys', title: 'API keys', nav: 'keys', render: renderKeys },
  { path: '/dashboard/usage', title: 'Usage', nav: 'usage', render: renderUsage },
  { path: '/dashboard/account', title: 'Account', nav: 'account', render: renderAccount },
];
const AUTH_PATHS = ['/dashboard/login', '/dashboard/signup'];

/** @type {Me | null} */
let me = null;

/** @param {string} p */
function normalize(p) {
  const trimmed = p.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** @param {string} path */
function navigate(path, replace = false) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void render();
}

async function refreshMe() {
  me = await api.me();
  setCsrfToken(me.csrf_token);
  return me;
}

/** @param {Route} active */
function shell(active, /** @type {HTMLElement} */ content) {
  if (!me) throw new Error('no session');
  const plan = planInfo(me);
  /** @param {Route} r @param {'home' | 'key' | 'chart' | 'shield'} ic */
  const link = (r, ic) =>
    h(
      'a',
      { href: r.path, 'data-link': true, 'data-testid': `nav-${r.nav}`, 'aria-current': r === active ? 'page' : undefined },
      icon(ic),
      r.title,
    );
  const logoutBtn = h(
    'button',
    { type: 'button', class: 'btn btn-ghost btn-sm', id: 'logout-btn', 'data-testid': 'logout', title: 'Log out' },
    icon('logout', { width: 14, height: 14 }),
    'Log out',
  );
  logoutBtn.addEventListener('click', async () => {
    try {
      await api.logout();
    } catch {
      // the session may already be gone; log out locally anyway
    }
    me = null;
    toast('You have been logged out', { kind: 'info' });
    navigate('/dashboard/login');
  });
  return h(
    'div',
    { class: 'shell' },
    h(
      'aside',
      { class: 'sidebar' },
      h('a', { class: 'brand', href: '/', 'aria-label': 'twdown home' }, brandMark(), 'twdown'),
      h(
        'nav',
        { class: 'nav', 'aria-label': 'Dashboard' },
        h('div', { class: 'nav-label' }, 'Developers'),
        link(ROUTES[0], 'home'),
        link(ROUTES[1], 'key'),
        link(ROUTES[2], 'chart'),
        link(ROUTES[3], 'shield'),
        h('div', { class: 'nav-label' }, 'Resources'),
        h(
          'a',
          { href: '/docs', target: '_blank', rel: 'noopener', 'data-testid': 'nav-docs' },
          icon('book'),
          'API docs',
          icon('external', { class: 'ext' }),
        ),
        h(
          'a',
          { href: '/api/v1/openapi.json', target: '_blank', rel: 'noopener' },
          icon('book'),
          'OpenAPI spec',
          icon('external', { class: 'ext' }),
        ),
      ),
      h(
        'div',
        { class: 'sidebar-footer' },
        h(
          'div',
          { class: 'user-chip' },
          h('span', { class: 'avatar', 'aria-hidden': 'true' }, me.user.email.charAt(0)),
          h(
            'div',
            { class: 'who' },
            h('span', { class: 'email', title: me.user.email, 'data-testid': 'user-email' }, me.user.email),
            h('span', { class: 'plan' }, `${plan.label} plan`),
          ),
        ),
        logoutBtn,
      ),
    ),
    h('main', { class: 'main', id: 'main', tabindex: -1 }, content),
  );
}

let renderSeq = 0;

/** After logging in (or following the sign-up link): where the user wanted to go, else the overview. */
async function enter() {
  await refreshMe();
  const next = sessionStorage.getItem('twdown.next');
  sessionStorage.removeItem('twdown.next');
  navigate(next && next.startsWith('/dashboard') ? next : '/dashboard', true);
}

async function render() {
  const seq = ++renderSeq;
  const path = normalize(location.pathname);
  const params = new URLSearchParams(location.search);

  // pages reached from account mails work with or without a session
  if (LINK_PAGES.includes(path)) {
    document.title = 'Account · twdown';
    mount(root, renderLinkPage({ path, navigate, onAuthenticated: () => enter() }));
    root.dataset.view = path.slice('/dashboard/'.length);
    return;
  }

  if (!me) {
    try {
      await refreshMe();
    } catch (err) {
      me = null;
      if (/** @type {{ status?: number }} */ (err).status !== 401) toastError(err);
    }
    if (seq !== renderSeq) return;
  }

  if (!me) {
    const mode = path === '/dashboard/signup' ? 'signup' : 'login';
    if (!AUTH_PATHS.includes(path)) {
      // remember where the user wanted to go (e.g. /dashboard?billing=success)
      sessionStorage.setItem('twdown.next', path + location.search);
      history.replaceState(null, '', `/dashboard/${mode}`);
    }
    document.title = `${mode === 'signup' ? 'Sign up' : 'Log in'} · twdown`;
    mount(
      root,
      renderAuth({
        mode,
        navigate,
        onAuthenticated: enter,
      }),
    );
    return;
  }

  if (AUTH_PATHS.includes(path)) {
    history.replaceState(null, '', '/dashboard');
    return render();
  }
  const route = ROUTES.find((r) => r.path === path) ?? ROUTES[0];
  if (route.path !== path) history.replaceState(null, '', route.path + location.search);
  document.title = `${route.title} · twdown`;
  const ctx = { me, refreshMe, navigate, params };
  mount(root, shell(route, route.render(ctx)));
  root.dataset.view = route.nav;
}

// Intercept in-app links.
document.addEventListener('click', (e) => {
  const a = /** @type {HTMLElement | null} */ (e.target instanceof Element ? e.target.closest('a[data-link]') : null);
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const href = a.getAttribute('href');
  if (!href) return;
  e.preventDefault();
  if (href !== location.pathname + location.search) navigate(href);
  document.getElementById('main')?.focus({ preventScroll: true });
});
window.addEventListener('popstate', () => void render());

onUnauthorized(() => {
  if (!me) return;
  me = null;
  toast('Your session has expired. Please log in again.', { kind: 'info' });
  void render();
});

void render();
