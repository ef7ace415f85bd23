import request from 'supertest';
import { bearer } from '../support/harness';
import { STANDIN_PRICE_ID } from '../support/stripe-standin';
import { signUp, type Browser } from '../accounts/dashboard-client';
import { startBillingRig, type BillingRig } from './billing-setup';

const TWEET = { url: 'https://x.com/sim_video/status/992010' };

let rig: BillingRig;
beforeAll(async () => {
  // a long auth cache TTL: only the pushed invalidation can make premium visible at once
  rig = await startBillingRig({ env: { AUTH_CACHE_TTL_SECONDS: '600', PUBLIC_BASE_URL: 'https://app.twdown.test' } });
});
afterAll(async () => {
  await rig.close();
});

const checkout = (a: Browser) => a.agent.post('/dashboard/api/billing/checkout').set('X-CSRF-Token', a.csrf);
const csIdOf = (url: string) => url.split('/pay/')[1] ?? '';

describe('Checkout', () => {
  it('when a user starts checkout, then a customer is created and stored, and a subscription Checkout Session is returned', async () => {
    const account = await signUp(rig.h);
    const res = await checkout(account);
    expect(res.status).toBe(200);
    expect(res.body.data.url).toMatch(new RegExp(`^${rig.stripe.url}/pay/cs_test_`));
    const user = await rig.h.container.users.findById(account.userId);
    expect(user?.stripeCustomerId).toMatch(/^cus_/);
    const cs = rig.stripe.checkoutSessions.get(csIdOf(res.body.data.url));
    expect(cs).toMatchObject({
      mode: 'subscription',
      customer: user?.stripeCustomerId,
      client_reference_id: account.userId,
      success_url: 'https://app.twdown.test/dashboard?billing=success',
      cancel_url: 'https://app.twdown.test/dashboard?billing=cancel',
      _price: STANDIN_PRICE_ID,
      _subscriptionMetadata: { userId: account.userId },
    });
  });

  it('when checkout is started twice at once and again later, then the account still has one customer', async () => {
    const account = await signUp(rig.h);
    const results = await Promise.all([checkout(account), checkout(account), checkout(account)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await checkout(account);
    const stored = (await rig.h.container.users.findById(account.userId))?.stripeCustomerId;
    const customersForUser = [...rig.stripe.customers.values()].filter((c) => c.metadata.userId === account.userId);
    expect(customersForUser.map((c) => c.id)).toEqual([stored]);
    const sessions = [...rig.stripe.checkoutSessions.values()].filter((s) => s.client_reference_id === account.userId);
    expect(new Set(sessions.map((s) => s.customer))).toEqual(new Set([stored]));
  });

  it('when the user pays on the Checkout page, then webhooks make the account premium and its API key works at once', async () => {
    const account = await signUp(rig.h);
    const { key } = (await account.agent.post('/dashboard/api/keys').set('X-CSRF-Token', account.csrf).send({})).body.data;
    const before = await request(rig.h.app).post('/api/v1/twitter').set(bearer(key)).send(TWEET);
    expect(before.status).toBe(403); // and now cached as non-premium for 10 minutes

    const url: string = (await checkout(account)).body.data.url;
    const page = await fetch(url);
    expect(await page.text()).toContain('id="pay"');
    const paid = await fetch(url, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe('https://app.twdown.test/dashboard?billing=success');
    expect(rig.stripe.deliveries.slice(-2).map((d) => [d.type, d.status])).toEqual([
      ['checkout.session.completed', 200],
      ['customer.subscription.created', 200],
    ]);

    const after = await request(rig.h.app).post('/api/v1/twitter').set(bearer(key)).send(TWEET);
    expect(after.status).toBe(200);
    const me = (await account.agent.get('/dashboard/api/me')).body.data;
    expect(me.user.premium).toBe(true);
    expect(me.subscription).toMatchObject({ status: 'active', cancel_at_period_end: false });
    expect(Date.parse(me.subscription.current_period_end)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(me.billing).toEqual({ configured: true });
  });

  it('when the subscription is canceled, then the API answers 403 again on the next call', async () => {
    const account = await signUp(rig.h);
    const { key } = (await account.agent.post('/dashboard/api/keys').set('X-CSRF-Token', account.csrf).send({})).body.data;
    const { subscription } = await rig.stripe.completeCheckout(csIdOf((await checkout(account)).body.data.url));
    expect((await request(rig.h.app).post('/api/v1/twitter').set(bearer(key)).send(TWEET)).status).toBe(200);
    await rig.stripe.setSubscriptionStatus(subscription.id, 'canceled');
    const api = await request(rig.h.app).post('/api/v1/twitter').set(bearer(key)).send(TWEET);
    expect(api.status).toBe(403);
    expect((await account.agent.get('/dashboard/api/me')).body.data.user.premium).toBe(false);
  });

  it('when the account already has a live subscription, then a second checkout is 409', async () => {
    const account = await signUp(rig.h);
    await rig.stripe.completeCheckout(csIdOf((await checkout(account)).body.data.url));
    const again = await checkout(account);
    expect(again.status).toBe(409);
    expect(again.body.error.type).toBe('conflict');
  });
});

describe('Customer Portal', () => {
  it('when the account has no Stripe customer yet, then 409', async () => {
    const account = await signUp(rig.h);
    const res = await account.agent.post('/dashboard/api/billing/portal').set('X-CSRF-Token', account.csrf);
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('No billing account yet: subscribe first');
  });

  it('when the account has a customer, then a portal session URL is returned', async () => {
    const account = await signUp(rig.h);
    await checkout(account);
    const res = await account.agent.post('/dashboard/api/billing/portal').set('X-CSRF-Token', account.csrf);
    expect(res.status).toBe(200);
    expect(res.body.data.url).toMatch(new RegExp(`^${rig.stripe.url}/portal/bps_`));
  });
});
