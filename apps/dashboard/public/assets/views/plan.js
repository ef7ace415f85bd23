// Derives the plan shown to the user from GET /dashboard/api/me.
'use strict';

import { date } from '../format.js';

/**
 * @typedef {{ kind: 'premium' | 'free' | 'past_due', label: string, badge: string, badgeClass: string, summary: string }} PlanInfo
 */

const PAST_DUE = new Set(['past_due', 'unpaid', 'incomplete']);

/**
 * @param {import('../api.js').Me} me
 * @returns {PlanInfo}
 */
export function planInfo(me) {
  const sub = me.subscription;
  const status = sub?.status ?? null;
  if (status && PAST_DUE.has(status) && !me.user.complimentary) {
    return {
      kind: 'past_due',
      label: 'Past due',
      badge: status === 'incomplete' ? 'Payment incomplete' : 'Past due',
      badgeClass: 'badge-red',
      summary: me.user.premium
        ? 'Your last payment failed. API access continues for now — update your payment method to keep it.'
        : 'Your last payment failed and API access is paused. Update your payment method to restore it.',
    };
  }
  if (me.user.premium) {
    if (me.user.complimentary && !(status === 'active' || status === 'trialing')) {
      return {
        kind: 'premium',
        label: 'Premium',
        badge: 'Complimentary',
        badgeClass: 'badge-accent',
        summary: 'Premium access granted by an operator. Full API access with the standard rate limits.',
      };
    }
    if (sub?.cancel_at_period_end) {
      return {
        kind: 'premium',
        label: 'Premium',
        badge: 'Cancels ' + date(sub.current_period_end),
        badgeClass: 'badge-amber',
        summary: `Your subscription ends on ${date(sub.current_period_end)}. Resume it from the billing portal to keep API access.`,
      };
    }
    return {
      kind: 'premium',
      label: 'Premium',
      badge: status === 'trialing' ? 'Trial' : 'Active',
      badgeClass: 'badge-green',
      summary: 'Full API access to POST /api/v1/twitter with the standard rate limits.',
    };
  }
  return {
    kind: 'free',
    label: 'Free',
    badge: status === 'canceled' ? 'Canceled' : 'No subscription',
    badgeClass: '',
    summary: 'API calls need a premium subscription. Subscribe to start using your keys.',
  };
}
