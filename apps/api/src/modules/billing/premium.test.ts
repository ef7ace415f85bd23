import { isPremium, premiumPolicyFrom, type PremiumInputs } from './premium';

// The promise from docs/billing.md, stated with fixed values: premium is complimentary, or a
// subscription to a premium price that is active/trialing, or past_due for LESS than the grace
// period (72 h here). The boundaries are what the HTTP tests (hours apart) cannot pin down.
const PLAN = 'price_plan';
const OLD_PLAN = 'price_old_plan';
const HOUR_MS = 3_600_000;
const NOW = new Date('2026-06-01T12:00:00Z');
const policy = premiumPolicyFrom({ BILLING_PAST_DUE_GRACE_HOURS: 72, STRIPE_PRICE_ID: PLAN, STRIPE_PRICE_IDS: [OLD_PLAN] });

const sub = (status: string, opts: { pastDueForMs?: number; priceId?: string | null } = {}) => ({
  status,
  pastDueSince: opts.pastDueForMs === undefined ? null : new Date(NOW.getTime() - opts.pastDueForMs),
  priceId: opts.priceId === undefined ? PLAN : opts.priceId,
});
const user = (subscriptions: PremiumInputs['subscriptions'], complimentaryPremium = false): PremiumInputs => ({ complimentaryPremium, subscriptions });

describe('isPremium (fixed table)', () => {
  it.each([
    { name: 'past_due for 72 h minus 1 ms', pastDueForMs: 72 * HOUR_MS - 1, premium: true },
    { name: 'past_due for exactly 72 h', pastDueForMs: 72 * HOUR_MS, premium: false },
    { name: 'past_due for 72 h plus 1 ms', pastDueForMs: 72 * HOUR_MS + 1, premium: false },
    { name: 'past_due since now', pastDueForMs: 0, premium: true },
  ])('when the subscription is $name, then premium is $premium', ({ pastDueForMs, premium }) => {
    expect(isPremium(user([sub('past_due', { pastDueForMs })]), NOW, policy)).toBe(premium);
  });

  it('when past_due has no start time recorded, then no premium (no grace without a start)', () => {
    expect(isPremium(user([sub('past_due')]), NOW, policy)).toBe(false);
  });

  it('when active/trialing but the subscription has no price, then no premium', () => {
    expect(isPremium(user([sub('active', { priceId: null })]), NOW, policy)).toBe(false);
    expect(isPremium(user([sub('trialing', { priceId: null })]), NOW, policy)).toBe(false);
  });

  it('when the price is STRIPE_PRICE_ID or one of STRIPE_PRICE_IDS, then premium; any other price, none', () => {
    expect(isPremium(user([sub('active', { priceId: PLAN })]), NOW, policy)).toBe(true);
    expect(isPremium(user([sub('trialing', { priceId: OLD_PLAN })]), NOW, policy)).toBe(true);
    expect(isPremium(user([sub('active', { priceId: 'price_other' })]), NOW, policy)).toBe(false);
    expect(isPremium(user([sub('past_due', { pastDueForMs: HOUR_MS, priceId: 'price_other' })]), NOW, policy)).toBe(false);
  });

  it('when any one of several subscriptions qualifies, then premium; when none does, none', () => {
    expect(isPremium(user([sub('canceled'), sub('active')]), NOW, policy)).toBe(true);
    expect(isPremium(user([sub('canceled'), sub('unpaid'), sub('past_due', { pastDueForMs: 100 * HOUR_MS })]), NOW, policy)).toBe(false);
    expect(isPremium(user([]), NOW, policy)).toBe(false);
  });

  it('when the account is complimentary, then premium without any subscription', () => {
    expect(isPremium(user([], true), NOW, policy)).toBe(true);
  });

  it('when STRIPE_PRICE_ID is unset, then only STRIPE_PRICE_IDS count and an empty price never does', () => {
    const only = premiumPolicyFrom({ BILLING_PAST_DUE_GRACE_HOURS: 72, STRIPE_PRICE_ID: undefined, STRIPE_PRICE_IDS: [OLD_PLAN] });
    expect([...only.prices]).toEqual([OLD_PLAN]);
    expect(isPremium(user([sub('active', { priceId: '' })]), NOW, only)).toBe(false);
  });
});
