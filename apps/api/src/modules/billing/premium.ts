/** Subscription statuses that grant API access. */
export const PREMIUM_STATUSES = new Set(['active', 'trialing']);

export interface PremiumInputs {
  complimentaryPremium: boolean;
  subscriptions: ReadonlyArray<{ status: string; pastDueSince: Date | null }>;
}

/**
 * The single definition of "premium": an operator grant, or a Stripe subscription that is
 * active/trialing, or past_due for less than the grace period.
 */
export function isPremium(user: PremiumInputs, now: Date, pastDueGraceHours: number): boolean {
  if (user.complimentaryPremium) return true;
  return user.subscriptions.some((s) => {
    if (PREMIUM_STATUSES.has(s.status)) return true;
    if (s.status === 'past_due' && s.pastDueSince) {
      return now.getTime() - s.pastDueSince.getTime() < pastDueGraceHours * 3_600_000;
    }
    return false;
  });
}
