import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import Stripe from 'stripe';
import { useTestPrisma } from '../../../../../tests/support/test-prisma';
import { STANDIN_SECRET_KEY } from '../../../../../tests/support/stripe-standin';
import { useStripeStandin } from '../../../../../tests/support/use-stripe-standin';
import { AppError } from '../../lib/errors/app-error';
import { createLogger } from '../../lib/logger/logger';
import { createAuthCache, type AuthCache } from '../keys/auth-cache';
import { createBillingRepository } from './billing.repository';
import type { StripeEvent, StripeSubscription } from './stripe.client';
import { createStripeWebhookService, subscriptionState } from './stripe-webhook.service';

/**
 * The webhook service at unit level: signature checks with the real Stripe SDK's signer,
 * subscription state from fixed payloads, and event handling against real PostgreSQL and the
 * local Stripe stand-in (real SDK over HTTP). The tolerance (300 s, both ways), the outcomes
 * (applied / duplicate / ignored / unlinked) and the premium prices are docs/billing.md's.
 */
const PLAN = 'price_plan';
const OLD_PLAN = 'price_old_plan';
const SECRET = 'whsec_unit_test_secret';
const PRICES: ReadonlySet<string> = new Set([PLAN, OLD_PLAN]);

type Item = { current_period_end?: number; price?: { id: string } };
const sub = (o: { id?: string; status?: string; items?: Item[]; customer?: unknown; cancel?: boolean; legacyEnd?: number; userId?: string }) =>
  ({
    id: o.id ?? 'sub_1',
    object: 'subscription',
    status: o.status ?? 'active',
    customer: o.customer === undefined ? 'cus_1' : o.customer,
    cancel_at_period_end: o.cancel,
    metadata: o.userId ? { userId: o.userId } : {},
    ...(o.legacyEnd !== undefined ? { current_period_end: o.legacyEnd } : {}),
    items: o.items === undefined ? undefined : { object: 'list', data: o.items },
  }) as unknown as StripeSubscription;

describe('subscriptionState (fixed payloads)', () => {
  it('when items carry period ends, then the latest one is the period end', () => {
    const s = subscriptionState(sub({ items: [{ current_period_end: 1_800_000_000, price: { id: PLAN } }, { current_period_end: 1_800_000_100 }] }), PRICES);
    expect(s).toEqual({ id: 'sub_1', status: 'active', priceId: PLAN, currentPeriodEnd: new Date(1_800_000_100_000), cancelAtPeriodEnd: false, customerId: 'cus_1' });
  });

  it('when only the pre-2025 top-level period end exists, then it is used', () => {
    expect(subscriptionState(sub({ legacyEnd: 1_700_000_000, items: [{ price: { id: PLAN } }] }), PRICES).currentPeriodEnd).toEqual(new Date(1_700_000_000_000));
    expect(subscriptionState(sub({ legacyEnd: 1_700_000_000 }), PRICES).currentPeriodEnd).toEqual(new Date(1_700_000_000_000));
  });

  it('when no period end is known, then it is null', () => {
    expect(subscriptionState(sub({ items: [{ price: { id: PLAN } }] }), PRICES).currentPeriodEnd).toBeNull();
  });

  it.each([
    ['a premium price second', [{ price: { id: 'price_addon' } }, { price: { id: OLD_PLAN } }], OLD_PLAN],
    ['only other prices', [{ price: { id: 'price_addon' } }, { price: { id: 'price_b' } }], 'price_addon'],
    ['an item without a price, then the plan', [{}, { price: { id: PLAN } }], PLAN],
    ['no items', [], null],
  ])('when the items hold %s, then the price kept is %s', (_name, items, price) => {
    expect(subscriptionState(sub({ items }), PRICES).priceId).toBe(price);
  });

  it('when items are missing altogether, then price and period end are null', () => {
    const s = subscriptionState(sub({}), PRICES);
    expect(s.priceId).toBeNull();
    expect(s.currentPeriodEnd).toBeNull();
  });

  it.each([
    ['an id', 'cus_a', 'cus_a'],
    ['an expanded customer', { id: 'cus_b', object: 'customer' }, 'cus_b'],
    ['null', null, null],
  ])('when the customer is %s, then the customer id is %s', (_name, customer, id) => {
    expect(subscriptionState(sub({ customer }), PRICES).customerId).toBe(id);
  });

  it('when cancel_at_period_end is set, then it is kept; absent means false', () => {
    expect(subscriptionState(sub({ cancel: true }), PRICES).cancelAtPeriodEnd).toBe(true);
    expect(subscriptionState(sub({ status: 'past_due' }), PRICES).status).toBe('past_due');
  });
});

describe('stripe webhook service', () => {
  const db = useTestPrisma();
  const stand = useStripeStandin(PLAN);
  let cache: AuthCache;
  let logLines: Array<Record<string, unknown>>;
  const signer = new Stripe(STANDIN_SECRET_KEY).webhooks;

  beforeEach(() => {
    cache = createAuthCache({ ttlMs: 60_000, redis: null, logger: createLogger({ level: 'silent' }) });
    logLines = [];
  });

  function service(opts: { stripe?: Stripe | null; secret?: string | undefined; credits?: boolean } = {}) {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const grants: Array<{ invoice: string; price: string | null }> = [];
    const svc = createStripeWebhookService({
      stripe: 'stripe' in opts ? (opts.stripe ?? null) : stand.stripe,
      webhookSecret: 'secret' in opts ? opts.secret : SECRET,
      repo: createBillingRepository(db.prisma),
      premiumPrices: PRICES,
      authCache: cache,
      logger: createLogger({ level: 'info', destination: sink }),
      creditGrants: opts.credits
        ? {
            invoicePaid: async (invoice, price) => {
              grants.push({ invoice: String(invoice.id), price: await price() });
              return 'granted';
            },
          }
        : undefined,
    });
    return { svc, grants };
  }

  const errorOf = (fn: () => unknown): AppError => {
    try {
      fn();
    } catch (err) {
      if (err instanceof AppError) return err;
      throw err;
    }
    throw new Error('no error');
  };
  const payload = JSON.stringify({ id: 'evt_sig', object: 'event', type: 'ping', created: 1, data: { object: {} } });
  const header = (offsetSeconds: number, secret = SECRET) =>
    signer.generateTestHeaderString({ payload, secret, timestamp: Math.floor(Date.now() / 1000) + offsetSeconds });

  describe('verify', () => {
    it('when the body is signed with the endpoint secret now, then the event comes back', () => {
      expect(service().svc.verify(Buffer.from(payload), header(0)).id).toBe('evt_sig');
    });

    it.each([
      ['299 s old', -299, true],
      ['299 s ahead', 299, true],
      ['310 s old', -310, false],
      ['310 s ahead', 310, false],
      ['a year ahead', 365 * 86_400, false],
    ])('when the signed timestamp is %s, then it is accepted: %s', (_name, offset, ok) => {
      const { svc } = service();
      if (ok) {
        expect(svc.verify(Buffer.from(payload), header(offset)).id).toBe('evt_sig');
        return;
      }
      const err = errorOf(() => svc.verify(Buffer.from(payload), header(offset)));
      expect(err.code).toBe('bad_request');
      expect(err.status).toBe(400);
      expect(err.message).toMatch(/^Invalid Stripe signature/);
    });

    it('when the signature is missing, wrong, or for another secret, then 400 with a message saying which', () => {
      const { svc } = service();
      const missing = errorOf(() => svc.verify(Buffer.from(payload), undefined));
      expect([missing.code, missing.message]).toEqual(['bad_request', 'Missing Stripe-Signature header']);
      const empty = errorOf(() => svc.verify(Buffer.from(payload), ''));
      expect(empty.message).toBe('Missing Stripe-Signature header');
      const wrong = errorOf(() => svc.verify(Buffer.from(payload), header(0, 'whsec_other')));
      expect([wrong.code, wrong.message]).toEqual(['bad_request', 'Invalid Stripe signature']);
      const tampered = errorOf(() => svc.verify(Buffer.from(payload.replace('ping', 'pong')), header(0)));
      expect(tampered.message).toBe('Invalid Stripe signature');
      const future = errorOf(() => svc.verify(Buffer.from(payload), header(400)));
      expect(future.message).toBe('Invalid Stripe signature (timestamp outside the tolerance)');
    });

    it('when the timestamp is not the first element of the header, then it is still bounded', () => {
      const { svc } = service();
      const [t, v1] = header(400).split(',');
      const err = errorOf(() => svc.verify(Buffer.from(payload), `${v1},${t}`));
      expect(err.message).toMatch(/^Invalid Stripe signature/);
      const [t0, v10] = header(0).split(',');
      expect(svc.verify(Buffer.from(payload), `${v10},${t0}`).id).toBe('evt_sig');
    });

    it.each([
      ['no Stripe client', { stripe: null }],
      ['no webhook secret', { secret: undefined }],
    ])('when billing has %s, then 503 billing_not_configured', (_name, opts) => {
      const { svc } = service(opts);
      expect(svc.configured).toBe(false);
      const err = errorOf(() => svc.verify(Buffer.from(payload), header(0)));
      expect(err.code).toBe('billing_not_configured');
      expect(err.status).toBe(503);
    });

    it('when both are configured, then the service says so', () => {
      expect(service().svc.configured).toBe(true);
    });
  });

  describe('handle', () => {
    let seq = 0;
    const event = (type: string, object: object, created = 1_800_000_000): StripeEvent =>
      ({ id: `evt_${randomBytes(8).toString('hex')}_${seq++}`, object: 'event', type, created, data: { object } }) as unknown as StripeEvent;
    const newUser = async (customer?: string) =>
      (await db.prisma.user.create({ data: { email: `b-${randomBytes(5).toString('hex')}@example.com`, stripeCustomerId: customer ?? null } })).id;
    const subId = () => `sub_${randomBytes(8).toString('hex')}`;
    const standinSub = (id: string, customer: string, status: string, price = PLAN, userId?: string) => {
      stand.standin.subscriptions.set(id, {
        id,
        object: 'subscription',
        customer,
        status,
        cancel_at_period_end: false,
        metadata: userId ? { userId } : {},
        created: 1_800_000_000,
        items: { object: 'list', data: [{ id: 'si_1', object: 'subscription_item', price: { id: price, object: 'price' }, current_period_start: 1_800_000_000, current_period_end: 1_802_592_000 }] },
      } as never);
    };
    const principal = (userId: string) => ({ keyId: 'k', userId, premium: false, expiresAt: null });

    it('when a subscription event names an account, then the subscription is stored, the account’s cached keys dropped, and a repeat is a duplicate', async () => {
      const { svc } = service();
      const userId = await newUser();
      cache.set('h', principal(userId), cache.generation());
      const id = subId();
      const e = event('customer.subscription.created', sub({ id, userId, customer: `cus_${id}`, items: [{ price: { id: PLAN }, current_period_end: 1_802_592_000 }] }));
      expect(await svc.handle(e)).toBe('applied');
      const row = await db.prisma.subscription.findUniqueOrThrow({ where: { id } });
      expect([row.userId, row.status, row.priceId, row.stripeEventAt.getTime()]).toEqual([userId, 'active', PLAN, 1_800_000_000_000]);
      expect(cache.get('h')).toBeUndefined();
      cache.set('h', principal(userId), cache.generation());
      expect(await svc.handle(e)).toBe('duplicate');
      expect(cache.get('h')).toBeDefined(); // nothing changed: nothing dropped
      expect(logLines.some((l) => l.msg === 'stripe event' && l.outcome === 'applied' && l.userId === userId)).toBe(true);
    });

    it('when a subscription matches no account, then it is unlinked, logged, and no cache is touched', async () => {
      const { svc } = service();
      cache.set('h', principal('someone'), cache.generation());
      const id = subId();
      expect(await svc.handle(event('customer.subscription.updated', sub({ id, customer: `cus_nobody_${id}`, items: [{ price: { id: PLAN } }] })))).toBe('unlinked');
      expect(await db.prisma.subscription.count({ where: { id } })).toBe(0);
      expect(logLines.some((l) => l.msg === 'Stripe subscription matches no account; ignored' && l.subscription === id)).toBe(true);
      expect(cache.get('h')).toBeDefined();
    });

    it('when a subscription is to a price that is not premium, then it is stored and a warning names the price', async () => {
      const { svc } = service();
      const userId = await newUser();
      const id = subId();
      expect(await svc.handle(event('customer.subscription.created', sub({ id, userId, items: [{ price: { id: 'price_cheap' } }] })))).toBe('applied');
      expect((await db.prisma.subscription.findUniqueOrThrow({ where: { id } })).priceId).toBe('price_cheap');
      expect(logLines.some((l) => l.level === 40 && l.price === 'price_cheap' && l.subscription === id)).toBe(true);
      logLines.length = 0;
      await svc.handle(event('customer.subscription.created', sub({ id: subId(), userId, items: [{ price: { id: PLAN } }] })));
      expect(logLines.some((l) => l.level === 40)).toBe(false);
    });

    it('when an event of another kind arrives, then it is ignored (and still answered)', async () => {
      expect(await service().svc.handle(event('customer.created', { id: 'cus_x' }))).toBe('ignored');
    });

    it('when Checkout completes, then the subscription is fetched from Stripe and linked by client_reference_id', async () => {
      const { svc } = service();
      const userId = await newUser();
      const id = subId();
      standinSub(id, `cus_${id}`, 'active');
      expect(await svc.handle(event('checkout.session.completed', { id: 'cs_1', mode: 'subscription', subscription: id, client_reference_id: userId, metadata: {} }))).toBe('applied');
      expect((await db.prisma.subscription.findUniqueOrThrow({ where: { id } })).userId).toBe(userId);
      // linked by the session's metadata when there is no reference id
      const other = await newUser();
      const id2 = subId();
      standinSub(id2, `cus_${id2}`, 'active');
      await svc.handle(event('checkout.session.completed', { id: 'cs_2', mode: 'subscription', subscription: { id: id2 }, client_reference_id: null, metadata: { userId: other } }));
      expect((await db.prisma.subscription.findUniqueOrThrow({ where: { id: id2 } })).userId).toBe(other);
      // linked by the subscription's own metadata
      const third = await newUser();
      const id3 = subId();
      standinSub(id3, `cus_${id3}`, 'trialing', PLAN, third);
      await svc.handle(event('checkout.session.completed', { id: 'cs_3', mode: 'subscription', subscription: id3, client_reference_id: null }));
      expect((await db.prisma.subscription.findUniqueOrThrow({ where: { id: id3 } })).userId).toBe(third);
    });

    it('when Checkout completes for a one-off payment or an unknown subscription, then nothing is stored', async () => {
      const { svc } = service();
      const userId = await newUser();
      const id = subId();
      standinSub(id, `cus_${id}`, 'active');
      expect(await svc.handle(event('checkout.session.completed', { id: 'cs_p', mode: 'payment', subscription: id, client_reference_id: userId }))).toBe('applied');
      expect(await db.prisma.subscription.count({ where: { id } })).toBe(0);
      expect(await svc.handle(event('checkout.session.completed', { id: 'cs_u', mode: 'subscription', subscription: 'sub_missing', client_reference_id: userId }))).toBe('applied');
      expect(await db.prisma.subscription.count({ where: { id: 'sub_missing' } })).toBe(0);
    });

    it.each([
      ['the 2025 shape (parent.subscription_details)', (id: string) => ({ parent: { subscription_details: { subscription: id } } })],
      ['the pre-2025 shape (subscription)', (id: string) => ({ subscription: id })],
      ['an expanded subscription', (id: string) => ({ subscription: { id } })],
    ])('when an invoice event in %s arrives, then the subscription’s current state is stored', async (_name, shape) => {
      const { svc } = service();
      const customer = `cus_${randomBytes(5).toString('hex')}`;
      const userId = await newUser(customer);
      const id = subId();
      standinSub(id, customer, 'past_due');
      expect(await svc.handle(event('invoice.payment_failed', { id: 'in_1', customer, ...shape(id) }))).toBe('applied');
      const row = await db.prisma.subscription.findUniqueOrThrow({ where: { id } });
      expect([row.userId, row.status]).toEqual([userId, 'past_due']);
    });

    it('when a subscription is deleted, then it is stored as canceled', async () => {
      const { svc } = service();
      const userId = await newUser();
      const id = subId();
      await svc.handle(event('customer.subscription.created', sub({ id, userId, items: [{ price: { id: PLAN } }] }), 1_800_000_000));
      expect(await svc.handle(event('customer.subscription.deleted', sub({ id, userId, status: 'canceled', items: [{ price: { id: PLAN } }] }), 1_800_000_100))).toBe('applied');
      expect((await db.prisma.subscription.findUniqueOrThrow({ where: { id } })).status).toBe('canceled');
    });

    it('when an invoice event’s subscription names its account only in metadata, then it is linked by that', async () => {
      const { svc } = service();
      const userId = await newUser();
      const id = subId();
      standinSub(id, `cus_unlinked_${id}`, 'active', PLAN, userId);
      expect(await svc.handle(event('invoice.paid', { id: 'in_m', subscription: id }))).toBe('applied');
      expect((await db.prisma.subscription.findUniqueOrThrow({ where: { id } })).userId).toBe(userId);
    });

    it('when an invoice belongs to no subscription, then nothing is stored', async () => {
      expect(await service().svc.handle(event('invoice.paid', { id: 'in_2', customer: 'cus_none', parent: null }))).toBe('applied');
    });

    it('when Stripe fails while fetching the subscription, then the delivery fails (Stripe retries) and nothing is recorded', async () => {
      const { svc } = service();
      const id = subId();
      standinSub(id, 'cus_f', 'active');
      stand.standin.apiFailureStatus = 500;
      const e = event('invoice.paid', { id: 'in_3', subscription: id });
      const err: unknown = await svc.handle(e).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('billing_provider_error');
      expect(await db.prisma.stripeEvent.count({ where: { id: e.id } })).toBe(0);
    }, 20_000);

    it('when Stripe is not configured, then fetch-based events change nothing', async () => {
      const { svc } = service({ stripe: null });
      expect(await svc.handle(event('invoice.paid', { id: 'in_4', subscription: 'sub_x' }))).toBe('applied');
    });

    it('when an invoice is paid, then credits are granted with the subscription’s premium price, also on a duplicate', async () => {
      const { svc, grants } = service({ credits: true });
      const customer = `cus_${randomBytes(5).toString('hex')}`;
      await newUser(customer);
      const id = subId();
      standinSub(id, customer, 'active', OLD_PLAN);
      const e = event('invoice.paid', { id: 'in_5', customer, subscription: id });
      await svc.handle(e);
      await svc.handle(e);
      expect(grants).toEqual([
        { invoice: 'in_5', price: OLD_PLAN },
        { invoice: 'in_5', price: OLD_PLAN },
      ]);
      await svc.handle(event('invoice.paid', { id: 'in_6', customer, parent: null }));
      expect(grants[2]).toEqual({ invoice: 'in_6', price: null });
      await svc.handle(event('invoice.payment_failed', { id: 'in_7', customer, subscription: id }));
      expect(grants).toHaveLength(3);
    });

    it('when two events of one second disagree, then Stripe’s live state decides', async () => {
      const { svc } = service();
      const userId = await newUser();
      const id = subId();
      standinSub(id, `cus_${id}`, 'canceled');
      await svc.handle(event('customer.subscription.updated', sub({ id, userId, status: 'active', items: [{ price: { id: PLAN } }] }), 1_800_000_500));
      await svc.handle(event('customer.subscription.updated', sub({ id, userId, status: 'past_due', items: [{ price: { id: PLAN } }] }), 1_800_000_500));
      expect((await db.prisma.subscription.findUniqueOrThrow({ where: { id } })).status).toBe('canceled');
    });
  });
});
