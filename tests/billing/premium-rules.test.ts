import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { bearer } from '../support/harness';
import { STANDIN_PRICE_ID } from '../support/stripe-standin';
import { customerAccount, makeSubscription, postEvent, startBillingRig, type BillingRig } from './billing-setup';

// The promise, stated here and not taken from the code (issue 7): which Stripe subscription
// statuses make an account premium, with BILLING_PAST_DUE_GRACE_HOURS=72.
const HOUR_S = 3600;
const STATUS_TABLE: Array<{ status: string; pastDueForHours?: number; premium: boolean }> = [
  { status: 'active', premium: true },
  { status: 'trialing', premium: true },
  { status: 'past_due', pastDueForHours: 1, premium: true },
  { status: 'past_due', pastDueForHours: 71, premium: true },
  { status: 'past_due', pastDueForHours: 73, premium: false },
  { status: 'unpaid', premium: false },
  { status: 'incomplete', premium: false },
  { status: 'incomplete_expired', premium: false },
  { status: 'paused', premium: false },
  { status: 'canceled', premium: false },
];
const OTHER_PRICE = 'price_not_the_plan';
const EXTRA_PRICE = 'price_legacy_plan';

let rig: BillingRig;
const logLines: string[] = [];
beforeAll(async () => {
  rig = await startBillingRig({ logLines, env: { BILLING_PAST_DUE_GRACE_HOURS: '72', STRIPE_PRICE_IDS: `${EXTRA_PRICE}, price_another` } });
});
afterAll(async () => {
  await rig.close();
});

/** An account with a Stripe customer and an API key. */
async function accountWithKey(): Promise<{ userId: string; customer: string; key: string }> {
  const { userId, customer } = await customerAccount(rig);
  const { key } = await rig.h.container.keys.create(userId, 'premium-rules');
  return { userId, customer, key };
}

/** A real API call: premium passes the premium gate and is stopped by the bad URL (400); otherwise 403 not_premium. */
async function apiSaysPremium(key: string): Promise<boolean> {
  const res = await request(rig.h.app).post('/api/v1/twitter').set(bearer(key)).send({ url: 'not a url' });
  if (res.status === 400 && res.body.error.type === 'invalid_url') return true;
  if (res.status === 403 && res.body.error.type === 'not_premium') return false;
  throw new Error(`unexpected answer ${res.status} ${JSON.stringify(res.body)}`);
}

function withPrices(sub: ReturnType<typeof makeSubscription>, prices: string[]) {
  const start = Math.floor(Date.now() / 1000);
  sub.items.data = prices.map((id) => ({
    id: `si_${randomBytes(6).toString('hex')}`,
    object: 'subscription_item',
    price: { id, object: 'price' },
    current_period_start: start,
    current_period_end: start + 30 * 86_400,
  }));
  return sub;
}

describe('premium by subscription status (signed webhooks, then a real API call)', () => {
  it.each(STATUS_TABLE.map((row) => ({ ...row, label: row.pastDueForHours === undefined ? row.status : `${row.status} for ${row.pastDueForHours} h` })))(
    'when the subscription is $label, then premium is $premium',
    async ({ status, pastDueForHours, premium }) => {
    const { customer, key, userId } = await accountWithKey();
    expect(await apiSaysPremium(key)).toBe(false);
    const sub = makeSubscription(rig, customer, status);
    const created = Math.floor(Date.now() / 1000) - (pastDueForHours ?? 0) * HOUR_S;
    const res = await postEvent(rig, rig.stripe.buildEvent('customer.subscription.updated', sub, created));
    expect(res.status).toBe(200);
    expect(res.body.data.outcome).toBe('applied');
    expect(await apiSaysPremium(key)).toBe(premium);
    expect((await rig.h.container.billing.standing(userId)).premium).toBe(premium);
    },
  );
});

describe('premium by price', () => {
  it('when an active subscription is to another price, then no premium, and the log says why', async () => {
    const { customer, key } = await accountWithKey();
    const sub = withPrices(makeSubscription(rig, customer, 'active'), [OTHER_PRICE]);
    expect((await postEvent(rig, rig.stripe.buildEvent('customer.subscription.created', sub))).status).toBe(200);
    expect(await apiSaysPremium(key)).toBe(false);
    const warned = logLines.map((l) => JSON.parse(l) as { level: number; msg: string; subscription?: string; price?: string });
    expect(warned).toContainEqual(expect.objectContaining({ level: 40, subscription: sub.id, price: OTHER_PRICE, msg: expect.stringContaining('not premium') }));
  });

  it('when one of several items is the premium price, then premium', async () => {
    const { customer, key } = await accountWithKey();
    const sub = withPrices(makeSubscription(rig, customer, 'active'), [OTHER_PRICE, STANDIN_PRICE_ID]);
    expect((await postEvent(rig, rig.stripe.buildEvent('customer.subscription.created', sub))).status).toBe(200);
    expect(await apiSaysPremium(key)).toBe(true);
  });

  it('when the price is one of STRIPE_PRICE_IDS, then premium', async () => {
    const { customer, key } = await accountWithKey();
    const sub = withPrices(makeSubscription(rig, customer, 'active'), [EXTRA_PRICE]);
    expect((await postEvent(rig, rig.stripe.buildEvent('customer.subscription.created', sub))).status).toBe(200);
    expect(await apiSaysPremium(key)).toBe(true);
  });
});

describe('webhook signature timestamp, bounded both ways (5 minutes)', () => {
  it.each([
    { name: 'one year in the future', offsetSeconds: 365 * 86_400, status: 400 },
    { name: 'one hour in the future', offsetSeconds: 3600, status: 400 },
    { name: 'six minutes in the future', offsetSeconds: 360, status: 400 },
    { name: 'four minutes in the future', offsetSeconds: 240, status: 200 },
    { name: 'now', offsetSeconds: 0, status: 200 },
    { name: 'four minutes ago', offsetSeconds: -240, status: 200 },
    { name: 'six minutes ago', offsetSeconds: -360, status: 400 },
    { name: 'one year ago', offsetSeconds: -365 * 86_400, status: 400 },
  ])('when the signature was made $name, then $status', async ({ offsetSeconds, status }) => {
    const { customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active');
    const event = rig.stripe.buildEvent('customer.subscription.created', sub);
    const signature = rig.stripe.sign(JSON.stringify(event), Math.floor(Date.now() / 1000) + offsetSeconds);
    const res = await postEvent(rig, event, signature);
    expect(res.status).toBe(status);
    if (status === 400) {
      expect(res.body).toMatchObject({ code: -1, error: { type: 'bad_request' } });
      expect(await rig.h.container.prisma.stripeEvent.count({ where: { id: event.id } })).toBe(0);
    }
  });
});
