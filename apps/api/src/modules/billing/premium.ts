import type { Env } from '../../lib/config/env';

/** Subscription statuses that grant API access. */
export const PREMIUM_STATUSES = new Set(['active', 'trialing']);

export interface PremiumInputs {
  complimentaryPremium: boolean;
  subscriptions: ReadonlyArray<{ status: string; pastDueSince: Date | null; priceId: string | null }>;
}

export interface PremiumPolicy {
  pastDueGraceHours: number;
  /** Stripe prices that are the premium plan; a subscription to any other price grants nothing. */
  prices: ReadonlySet<string>;
}

export function premiumPolicyFrom(env: Pick<Env, 'BILLING_PAST_DUE_GRACE_HOURS' | 'STRIPE_PRICE_ID' | 'STRIPE_PRICE_IDS'>): PremiumPolicy {
  const prices = [env.STRIPE_PRICE_ID, ...env.STRIPE_PRICE_IDS].filter((p): p is string => Boolean(p));
  return { pastDueGraceHours: env.BILLING_PAST_DUE_GRACE_HOURS, prices: new Set(prices) };
}

/**
 * The single definition of "premium": an operator grant, or a Stripe subscription to one of the
 * premium prices that is active/trialing, or past_due for less than the grace period.
 */
export function isPremium(user: PremiumInputs, now: Date, policy: PremiumPolicy): boolean {
  if (user.complimentaryPremium) return true;
  return user.subscriptions.some((s) => {
    if (!s.priceId || !policy.prices.has(s.priceId)) return false;
    if (PREMIUM_STATUSES.has(s.status)) return true;
    if (s.status === 'past_due' && s.pastDueSince) {
      return now.getTime() - s.pastDueSince.getTime() < policy.pastDueGraceHours * 3_600_000;
    }
    return false;
  });
}
