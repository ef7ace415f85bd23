import { PREMIUM_STATUSES } from '../../apps/api/src/modules/billing/premium';
import { customerAccount, isPremiumNow, makeSubscription, postEvent, startBillingRig, storedStatus, type BillingRig } from './billing-setup';

let rig: BillingRig;
beforeAll(async () => {
  rig = await startBillingRig();
});
afterAll(async () => {
  await rig.close();
});

const T0 = () => Math.floor(Date.now() / 1000) - 3600;

describe('events out of order', () => {
  it('when customer.subscription.updated arrives before checkout.session.completed, then the account ends premium and linked', async () => {
    const { userId, customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active', { userId });
    const t = T0();
    const update = rig.stripe.buildEvent('customer.subscription.updated', sub, t + 5);
    const session = { id: 'cs_test_late', object: 'checkout.session', mode: 'subscription', customer, client_reference_id: userId, subscription: sub.id, metadata: { userId } };
    const completed = rig.stripe.buildEvent('checkout.session.completed', session, t);
    expect((await postEvent(rig, update)).body.data.outcome).toBe('applied');
    expect((await postEvent(rig, completed)).status).toBe(200);
    expect(await storedStatus(rig, sub.id)).toBe('active');
    expect(await isPremiumNow(rig, userId)).toBe(true);
  });

  it('when two events of the same second arrive in reverse order, then Stripe\'s live state decides', async () => {
    // at checkout Stripe sends subscription.created (incomplete) and .updated (active) within one
    // second; `created` has one-second resolution, so the order cannot be told from timestamps
    const { userId, customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active', { userId });
    const t = T0();
    expect((await postEvent(rig, rig.stripe.buildEvent('customer.subscription.updated', sub, t))).body.data.outcome).toBe('applied');
    await postEvent(rig, rig.stripe.buildEvent('customer.subscription.created', { ...sub, status: 'incomplete' }, t));
    expect(await storedStatus(rig, sub.id)).toBe('active');
    expect(await isPremiumNow(rig, userId)).toBe(true);
  });

  it('when an older event arrives after a newer one, then it is ignored', async () => {
    const { userId, customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'canceled');
    const t = T0();
    expect((await postEvent(rig, rig.stripe.buildEvent('customer.subscription.deleted', sub, t + 10))).body.data.outcome).toBe('applied');
    const older = await postEvent(rig, rig.stripe.buildEvent('customer.subscription.updated', { ...sub, status: 'active' }, t + 5));
    expect(older.body.data.outcome).toBe('stale');
    expect(await storedStatus(rig, sub.id)).toBe('canceled');
    expect(await isPremiumNow(rig, userId)).toBe(false);
  });

  it('when the subscription is deleted, then premium is lost', async () => {
    const { userId, customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active');
    const t = T0();
    await postEvent(rig, rig.stripe.buildEvent('customer.subscription.created', sub, t));
    expect(await isPremiumNow(rig, userId)).toBe(true);
    await postEvent(rig, rig.stripe.buildEvent('customer.subscription.deleted', { ...sub, status: 'canceled' }, t + 1));
    expect(await isPremiumNow(rig, userId)).toBe(false);
    expect((await rig.h.container.billing.standing(userId)).subscription?.status).toBe('canceled');
  });

  it('when a subscription enters past_due, then pastDueSince is the event time; leaving past_due clears it', async () => {
    const { customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active');
    const t = T0();
    await postEvent(rig, rig.stripe.buildEvent('customer.subscription.created', sub, t));
    await postEvent(rig, rig.stripe.buildEvent('customer.subscription.updated', { ...sub, status: 'past_due' }, t + 60));
    await postEvent(rig, rig.stripe.buildEvent('customer.subscription.updated', { ...sub, status: 'past_due' }, t + 120));
    const row = () => rig.h.container.prisma.subscription.findUnique({ where: { id: sub.id } });
    expect((await row())?.pastDueSince?.getTime()).toBe((t + 60) * 1000);
    await postEvent(rig, rig.stripe.buildEvent('customer.subscription.updated', { ...sub, status: 'active' }, t + 180));
    expect((await row())?.pastDueSince).toBeNull();
  });
});

/** mulberry32: a small seeded PRNG so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ['active', 'trialing', 'past_due', 'canceled', 'unpaid', 'incomplete', 'incomplete_expired', 'paused'];

describe('a randomized sequence of events', () => {
  const RUNS = 50;
  it(`when ${RUNS} seeded runs deliver subscription, checkout and invoice events shuffled, duplicated and concurrent, then each ends in the newest status`, async () => {
    for (let run = 0; run < RUNS; run++) {
      const seed = 20261121 + run;
      const rnd = prng(seed);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
      const { userId, customer } = await customerAccount(rig);
      const sub = makeSubscription(rig, customer, 'incomplete', { userId });
      const t = T0();
      const n = 3 + Math.floor(rnd() * 6);
      const own = Array.from({ length: n }, (_, i) => {
        const status = pick(STATUSES);
        const type = status === 'canceled' ? 'customer.subscription.deleted' : i === 0 ? 'customer.subscription.created' : 'customer.subscription.updated';
        return { status, event: rig.stripe.buildEvent(type, { ...sub, status }, t + i * 10 + Math.floor(rnd() * 9)) };
      });
      const newest = own[own.length - 1]?.status ?? '';
      // Stripe's current state is the newest; checkout/invoice events fetch it whenever they are sent
      const current = rig.stripe.subscriptions.get(sub.id);
      if (current) current.status = newest;
      const fetched = Array.from({ length: Math.floor(rnd() * 3) }, () => {
        const type = pick(['checkout.session.completed', 'invoice.paid', 'invoice.payment_failed']);
        const object =
          type === 'checkout.session.completed'
            ? { id: 'cs_test_r', object: 'checkout.session', mode: 'subscription', customer, client_reference_id: userId, subscription: sub.id }
            : rig.stripe.invoiceFor(sub.id);
        return rig.stripe.buildEvent(type, object, t + Math.floor(rnd() * n * 10));
      });
      const events = [...own.map((o) => o.event), ...fetched];
      for (const e of [...events]) if (rnd() < 0.3) events.push(e); // redeliveries
      events.sort(() => rnd() - 0.5);
      while (events.length > 0) {
        const batch = events.splice(0, 1 + Math.floor(rnd() * 3));
        const results = await Promise.all(batch.map((e) => postEvent(rig, e)));
        for (const r of results) expect({ seed, status: r.status }).toEqual({ seed, status: 200 });
      }
      expect({ seed, status: await storedStatus(rig, sub.id) }).toEqual({ seed, status: newest });
      const expectPremium = PREMIUM_STATUSES.has(newest) || newest === 'past_due'; // past_due: within the 72 h grace
      expect({ seed, premium: await isPremiumNow(rig, userId) }).toEqual({ seed, premium: expectPremium });
    }
  }, 120_000);
});
