import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import { useTestPrisma } from '../../../../../tests/support/test-prisma';
import { useStripeStandin } from '../../../../../tests/support/use-stripe-standin';
import { createLogger } from '../../lib/logger/logger';
import { createBillingService } from './billing.service';
import { createUsersRepository } from '../users/users.repository';
import { appErrorOf } from '../../../../../tests/support/app-error';

/**
 * Checkout, portal and standing against real PostgreSQL and the local Stripe stand-in (the real
 * SDK over HTTP). The URLs, the one-customer-per-account rule and the "live" statuses that block
 * a second Checkout (active, trialing, past_due, unpaid) are docs/billing.md's.
 */
const PLAN = 'price_plan';
const BASE = 'https://twdown.example';
const NOW = new Date('2026-06-01T12:00:00Z');
const logger = createLogger({ level: 'silent' });


describe('billing service', () => {
  const db = useTestPrisma();
  const stand = useStripeStandin(PLAN);


  const billing = (opts: { stripe?: Stripe | null; priceId?: string | undefined } = {}) =>
    createBillingService({
      users: createUsersRepository(db.prisma),
      stripe: 'stripe' in opts ? (opts.stripe ?? null) : stand.stripe,
      priceId: 'priceId' in opts ? opts.priceId : PLAN,
      premium: { pastDueGraceHours: 72, prices: new Set([PLAN]) },
      logger,
      now: () => NOW,
    });
  const newUser = async (data: { stripeCustomerId?: string; complimentaryPremium?: boolean } = {}) =>
    db.prisma.user.create({ data: { email: `bill-${randomBytes(5).toString('hex')}@example.com`, ...data } });
  const addSub = (userId: string, status: string, o: { priceId?: string; at?: Date; pastDueSince?: Date; end?: Date; cancel?: boolean } = {}) =>
    db.prisma.subscription.create({
      data: {
        id: `sub_${randomBytes(6).toString('hex')}`,
        userId,
        status,
        priceId: o.priceId ?? PLAN,
        stripeEventAt: o.at ?? NOW,
        pastDueSince: o.pastDueSince ?? null,
        currentPeriodEnd: o.end ?? null,
        cancelAtPeriodEnd: o.cancel ?? false,
      },
    });

  it('when an account checks out the first time, then one customer is created for it and the session is for the plan', async () => {
    const user = await newUser();
    const { url } = await billing().checkout(user.id, BASE);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pay\/cs_/);
    const stored = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.stripeCustomerId).toMatch(/^cus_/);
    const customer = stand.standin.customers.get(stored.stripeCustomerId ?? '');
    expect(customer?.email).toBe(user.email);
    expect(customer?.metadata).toEqual({ userId: user.id });
    expect(billing().configured).toBe(true);
    const session = [...stand.standin.checkoutSessions.values()].find((s) => s.url === url);
    expect(session).toMatchObject({
      mode: 'subscription',
      metadata: { userId: user.id },
      _price: PLAN,
      _subscriptionMetadata: { userId: user.id },
      customer: stored.stripeCustomerId,
      client_reference_id: user.id,
      success_url: `${BASE}/dashboard?billing=success`,
      cancel_url: `${BASE}/dashboard?billing=cancel`,
    });
    const create = stand.standin.requests.find((r) => r.path === '/v1/customers' && r.idempotencyKey === `twdown-customer-${user.id}`);
    expect(create).toBeDefined();
    // a second Checkout reuses the customer
    const before = stand.standin.customers.size;
    await billing().checkout(user.id, BASE);
    expect(stand.standin.customers.size).toBe(before);
  });

  it('when an account already has a customer, then Checkout uses it without creating one', async () => {
    const first = await newUser();
    await billing().checkout(first.id, BASE);
    const customer = (await db.prisma.user.findUniqueOrThrow({ where: { id: first.id } })).stripeCustomerId;
    const count = stand.standin.requests.filter((r) => r.path === '/v1/customers').length;
    await billing().checkout(first.id, BASE);
    expect(stand.standin.requests.filter((r) => r.path === '/v1/customers').length).toBe(count);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: first.id } })).stripeCustomerId).toBe(customer);
  });

  it.each(['active', 'trialing', 'past_due', 'unpaid'])('when the account has a %s subscription, then Checkout is 409 conflict', async (status) => {
    const user = await newUser();
    await addSub(user.id, status);
    const err = await appErrorOf(billing().checkout(user.id, BASE));
    expect(err.code).toBe('conflict');
    expect(err.message).toBe('You already have a subscription; manage it in the billing portal');
  });

  it.each(['canceled', 'incomplete_expired', 'incomplete', 'paused'])('when the account only has a %s subscription, then Checkout proceeds', async (status) => {
    const user = await newUser();
    await addSub(user.id, status);
    expect((await billing().checkout(user.id, BASE)).url).toContain('/pay/');
  });

  it.each([
    ['no Stripe client', { stripe: null }],
    ['no price', { priceId: undefined }],
  ])('when billing has %s, then Checkout and the portal are 503 billing_not_configured', async (_name, opts) => {
    const user = await newUser({ stripeCustomerId: `cus_${randomBytes(4).toString('hex')}` });
    const b = billing(opts);
    expect(b.configured).toBe(false);
    expect((await appErrorOf(b.checkout(user.id, BASE))).code).toBe('billing_not_configured');
    expect((await appErrorOf(b.portal(user.id, BASE))).code).toBe('billing_not_configured');
    expect((await b.standing(user.id)).configured).toBe(false);
  });

  it('when Stripe fails, then 502 billing_provider_error', async () => {
    const user = await newUser();
    stand.standin.apiFailureStatus = 400;
    const err = await appErrorOf(billing().checkout(user.id, BASE));
    expect(err.code).toBe('billing_provider_error');
    expect(err.status).toBe(502);
  });

  it('when an unknown account asks, then 401 unauthenticated', async () => {
    expect((await appErrorOf(billing().checkout('00000000-0000-4000-8000-000000000000', BASE))).code).toBe('unauthenticated');
    expect((await appErrorOf(billing().standing('00000000-0000-4000-8000-000000000000'))).code).toBe('unauthenticated');
  });

  it('when an account with a customer opens the portal, then it gets a portal session returning to the dashboard', async () => {
    const user = await newUser();
    await billing().checkout(user.id, BASE);
    const { url } = await billing().portal(user.id, BASE);
    expect(url).toMatch(/\/portal\/bps_|\/portal\//);
    const none = await newUser();
    const err = await appErrorOf(billing().portal(none.id, BASE));
    expect(err.code).toBe('conflict');
    expect(err.message).toBe('No billing account yet: subscribe first');
  });

  it('when the standing is read, then premium follows the subscriptions and the one shown is the granting one, else the newest', async () => {
    const b = billing();
    const plain = await newUser();
    expect(await b.standing(plain.id)).toEqual({ premium: false, complimentary: false, subscription: null, configured: true });

    const comp = await newUser({ complimentaryPremium: true });
    expect(await b.standing(comp.id)).toMatchObject({ premium: true, complimentary: true, subscription: null });

    const paying = await newUser();
    await addSub(paying.id, 'canceled', { at: new Date(NOW.getTime() + 1000) }); // newest, grants nothing
    await addSub(paying.id, 'active', { at: new Date(NOW.getTime() - 5000), end: new Date('2026-07-01T00:00:00Z'), cancel: true });
    await addSub(paying.id, 'incomplete', { at: new Date(NOW.getTime() - 9000) });
    expect(await b.standing(paying.id)).toEqual({
      premium: true,
      complimentary: false,
      subscription: { status: 'active', current_period_end: '2026-07-01T00:00:00.000Z', cancel_at_period_end: true },
      configured: true,
    });

    const lapsed = await newUser();
    await addSub(lapsed.id, 'canceled', { at: new Date(NOW.getTime() - 5000) });
    await addSub(lapsed.id, 'unpaid', { at: new Date(NOW.getTime() - 1000) });
    expect(await b.standing(lapsed.id)).toMatchObject({ premium: false, subscription: { status: 'unpaid', current_period_end: null } });

    const wrongPrice = await newUser();
    await addSub(wrongPrice.id, 'active', { priceId: 'price_other' });
    expect((await b.standing(wrongPrice.id)).premium).toBe(false);
  });
});
