// Overview: plan status and billing actions, getting-started steps, headline numbers.
'use strict';

import { api } from '../api.js';
import { h, icon, mount } from '../dom.js';
import { date, num } from '../format.js';
import { toastError } from '../toast.js';
import { planInfo } from './plan.js';
import { codeSample } from './snippets.js';

/**
 * @param {import('../app.js').ViewCtx} ctx
 * @returns {HTMLElement}
 */
export function renderOverview(ctx) {
  const banners = h('div', { class: 'banners', id: 'banners', 'aria-live': 'polite' });
  const planCard = h('section', { class: 'card', 'data-testid': 'plan-card', 'aria-labelledby': 'plan-title' });
  const stats = h('div', { class: 'grid-4', 'data-testid': 'overview-stats' });
  const steps = h('section', { class: 'card', 'aria-labelledby': 'start-title' });

  const page = h(
    'div',
    { class: 'page', 'data-testid': 'view-overview' },
    h(
      'header',
      { class: 'page-header' },
      h('div', null, h('h1', null, 'Overview'), h('p', null, `Signed in as ${ctx.me.user.email}`)),
    ),
    banners,
    planCard,
    stats,
    steps,
  );

  handleBillingReturn(ctx, banners, () => {
    drawPlan(ctx, planCard);
    void drawActivity(ctx, stats, steps);
  });
  drawPlan(ctx, planCard);
  void drawActivity(ctx, stats, steps);
  return page;
}

/**
 * Shows the ?billing=success / ?billing=cancel banner and, after a successful checkout, waits for the
 * webhook to flip the plan to premium.
 * @param {import('../app.js').ViewCtx} ctx
 * @param {HTMLElement} banners
 * @param {() => void} redraw
 */
function handleBillingReturn(ctx, banners, redraw) {
  const billing = ctx.params.get('billing');
  if (billing !== 'success' && billing !== 'cancel') return;
  // drop the query so a reload doesn't replay the banner
  history.replaceState(null, '', location.pathname);
  if (billing === 'cancel') {
    banners.append(
      banner('warning', 'Checkout canceled', 'No charge was made. You can subscribe whenever you are ready.', 'billing-cancel-banner'),
    );
    return;
  }
  const b = banner(
    'success',
    'Payment received — thank you!',
    ctx.me.user.premium ? 'Your Premium plan is active. Create an API key to get started.' : 'Activating your Premium plan…',
    'billing-success-banner',
  );
  banners.append(b);
  if (ctx.me.user.premium) return;
  let tries = 0;
  const poll = async () => {
    if (!b.isConnected) return;
    tries++;
    try {
      const me = await ctx.refreshMe();
      ctx.me = me;
      if (me.user.premium) {
        const body = b.querySelector('.alert-body span');
        if (body) body.textContent = 'Your Premium plan is active. Create an API key to get started.';
        redraw();
        return;
      }
    } catch {
      // keep trying
    }
    if (tries < 20) setTimeout(poll, 1500);
    else {
      const body = b.querySelector('.alert-body span');
      if (body) body.textContent = 'We are still waiting for confirmation from the payment provider. Refresh in a minute.';
    }
  };
  setTimeout(poll, 800);
}

/**
 * @param {'success' | 'warning' | 'danger' | 'info'} kind
 * @param {string} title
 * @param {string} text
 * @param {string} testid
 */
export function banner(kind, title, text, testid) {
  const el = h(
    'div',
    { class: `alert alert-${kind}`, 'data-testid': testid, role: kind === 'danger' ? 'alert' : 'status' },
    icon(kind === 'success' ? 'check' : kind === 'info' ? 'info' : 'alert', { class: 'alert-icon' }),
    h('div', { class: 'alert-body' }, h('strong', null, title), h('span', null, text)),
    h('button', { type: 'button', class: 'alert-close', 'aria-label': 'Dismiss', onclick: () => el.remove() }, '×'),
  );
  return el;
}

/**
 * @param {import('../app.js').ViewCtx} ctx
 * @param {HTMLElement} card
 */
function drawPlan(ctx, card) {
  const me = ctx.me;
  const plan = planInfo(me);
  const sub = me.subscription;

  /**
   * @param {string} id
   * @param {string} label
   * @param {'checkout' | 'portal'} action
   * @param {boolean} primary
   */
  const billingButton = (id, label, action, primary) => {
    const btn = /** @type {HTMLButtonElement} */ (
      h('button', { type: 'button', class: `btn ${primary ? 'btn-primary' : ''}`, id, 'data-testid': id }, icon(action === 'checkout' ? 'zap' : 'card', { width: 15, height: 15 }), label)
    );
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      btn.setAttribute('aria-busy', 'true');
      btn.replaceChildren(h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Redirecting…');
      try {
        const data = action === 'checkout' ? await api.checkout() : await api.portal();
        location.href = data.url;
      } catch (err) {
        btn.disabled = false;
        btn.removeAttribute('aria-busy');
        btn.replaceChildren(icon(action === 'checkout' ? 'zap' : 'card', { width: 15, height: 15 }), label);
        if (/** @type {{ type?: string }} */ (err).type === 'billing_not_configured') {
          me.billing = { configured: false };
          drawPlan(ctx, card);
        }
        toastError(err);
      }
    });
    return btn;
  };

  /** @type {Node[]} */
  const actions = [];
  if (me.billing.configured) {
    if (plan.kind === 'free') actions.push(billingButton('subscribe-btn', 'Subscribe to Premium', 'checkout', true));
    if (sub && (plan.kind !== 'free' || sub.status === 'canceled')) {
      actions.push(billingButton('manage-billing-btn', plan.kind === 'past_due' ? 'Update payment method' : 'Manage billing', 'portal', plan.kind === 'past_due'));
    }
  }

  /** @type {Array<[string, Node | string]>} */
  const rows = [['Plan', plan.label]];
  if (sub) {
    rows.push(['Subscription', sub.status.replace(/_/g, ' ')]);
    if (sub.current_period_end) rows.push([sub.cancel_at_period_end ? 'Ends on' : 'Renews on', date(sub.current_period_end)]);
  }
  if (me.user.complimentary) rows.push(['Access', 'Complimentary (granted by an operator)']);
  rows.push(['API access', me.user.premium ? h('span', { class: 'badge badge-green' }, 'Enabled') : h('span', { class: 'badge' }, 'Disabled')]);

  mount(
    card,
    h(
      'div',
      { class: 'card-header' },
      h('div', null, h('h2', { id: 'plan-title' }, 'Plan'), h('p', null, 'Your subscription and billing')),
    ),
    h(
      'div',
      { class: 'card-body' },
      h(
        'div',
        { class: 'plan-row' },
        h(
          'div',
          null,
          h(
            'div',
            { class: 'plan-name' },
            h('span', { id: 'plan-name', 'data-testid': 'plan-name', 'data-plan': plan.kind }, plan.label),
            h('span', { class: `badge ${plan.badgeClass}`, 'data-testid': 'plan-badge' }, plan.badge),
          ),
          h('p', { class: 'muted', style: 'margin-top:4px' }, plan.summary),
        ),
        actions.length ? h('div', { class: 'plan-actions' }, actions) : null,
      ),
      me.billing.configured
        ? null
        : h(
            'div',
            { class: 'alert alert-info', style: 'margin-top:16px', 'data-testid': 'billing-not-configured', role: 'note' },
            icon('info', { class: 'alert-icon' }),
            h(
              'div',
              { class: 'alert-body' },
              h('strong', null, 'Billing is not configured on this server — ask an operator to grant premium.'),
              h('span', null, 'Payments are disabled here, so subscriptions cannot be started or managed from the dashboard.'),
            ),
          ),
      h('dl', { class: 'dl' }, rows.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
    ),
  );
}

/**
 * @param {import('../app.js').ViewCtx} ctx
 * @param {HTMLElement} stats
 * @param {HTMLElement} steps
 */
async function drawActivity(ctx, stats, steps) {
  /** @param {string} label @param {string} value @param {string} sub @param {string} testid */
  const stat = (label, value, sub, testid) =>
    h(
      'div',
      { class: 'card stat' },
      h('div', { class: 'stat-label' }, label),
      h('div', { class: 'stat-value', 'data-testid': testid }, value),
      h('div', { class: 'stat-sub' }, sub),
    );
  mount(
    stats,
    stat('Requests · 24h', '—', 'Loading…', 'stat-requests'),
    stat('Rate-limited · 24h', '—', '', 'stat-429'),
    stat('Active keys', '—', '', 'stat-keys'),
    stat('Credits', '—', '', 'stat-credits'),
  );
  drawSteps(ctx, steps, null, null);

  const [keysRes, usageRes] = await Promise.allSettled([api.listKeys(), api.usage()]);
  const keys = keysRes.status === 'fulfilled' ? keysRes.value.keys : null;
  const usage = usageRes.status === 'fulfilled' ? usageRes.value : null;
  if (keysRes.status === 'rejected' && usageRes.status === 'rejected') toastError(keysRes.reason);

  const active = keys ? keys.filter((k) => k.status === 'active' || k.status === 'expiring').length : null;
  mount(
    stats,
    stat('Requests · 24h', usage ? num(usage.last_24h.totals.requests) : '—', usage ? `${num(usage.last_30d.totals.requests)} in the last 30 days` : 'Unavailable', 'stat-requests'),
    stat('Rate-limited · 24h', usage ? num(usage.last_24h.totals.rate_limited) : '—', 'Requests answered with 429', 'stat-429'),
    stat('Active keys', active === null ? '—' : num(active), keys ? `${num(keys.length)} total` : 'Unavailable', 'stat-keys'),
    stat('Credits', usage ? num(usage.credits.balance) : '—', usage ? creditsLine(usage.credits) : 'Unavailable', 'stat-credits'),
  );
  drawSteps(ctx, steps, active, usage ? usage.last_30d.totals.requests : null);
}

/**
 * @param {import('../api.js').Credits} credits
 * @returns {string}
 */
export function creditsLine(credits) {
  return `For conversions · ${num(credits.convert_cost_per_minute)} per started minute`;
}

/**
 * @param {import('../app.js').ViewCtx} ctx
 * @param {HTMLElement} card
 * @param {number | null} activeKeys
 * @param {number | null} requests
 */
function drawSteps(ctx, card, activeKeys, requests) {
  const premium = ctx.me.user.premium === true;
  /** @param {boolean} done @param {number} n @param {string} title @param {Node | string} text */
  const step = (done, n, title, text) =>
    h('li', { class: done ? 'done' : '' }, h('span', { class: 'step-num', 'aria-hidden': 'true' }, done ? '✓' : String(n)), h('div', null, h('strong', null, title, done ? h('span', { class: 'sr-only' }, ' (done)') : null), h('span', null, text)));
  mount(
    card,
    h('div', { class: 'card-header' }, h('div', null, h('h2', { id: 'start-title' }, 'Get started'), h('p', null, 'Three steps to your first download link'))),
    h(
      'div',
      { class: 'card-body grid-2' },
      h(
        'ol',
        { class: 'steps' },
        step(premium, 1, 'Subscribe to Premium', premium ? 'Your plan includes API access.' : 'API calls require an active subscription.'),
        step((activeKeys ?? 0) > 0, 2, 'Create an API key', h('span', null, 'Keys live on the ', h('a', { href: '/dashboard/keys', 'data-link': true }, 'API keys'), ' page and are shown once.')),
        step((requests ?? 0) > 0, 3, 'Make your first request', h('span', null, 'Send a post URL, get media URLs back. See the ', h('a', { href: '/docs', target: '_blank', rel: 'noopener' }, 'API docs'), '.')),
      ),
      codeSample(),
    ),
  );
}
