import { randomBytes } from 'node:crypto';
import { customerAccount, makeSubscription, postEvent, startBillingRig, storedStatus, type BillingRig } from './billing-setup';

let rig: BillingRig;
beforeAll(async () => {
  rig = await startBillingRig();
});
afterAll(async () => {
  await rig.close();
});

const eventCount = (id: string) => rig.h.container.prisma.stripeEvent.count({ where: { id } });

describe('Stripe webhook signature', () => {
  it('when the signature is missing, wrong, from another secret or the body was altered, then 400 and nothing changes', async () => {
    const { customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active');
    const event = rig.stripe.buildEvent('customer.subscription.created', sub);
    const payload = JSON.stringify(event);
    const altered = JSON.stringify({ ...event, data: { object: { ...sub, status: 'trialing' } } });
    const t = Math.floor(Date.now() / 1000);
    const cases: Array<[string, string | null, string?]> = [
      ['missing', null],
      ['garbage', 'nonsense'],
      ['wrong secret', `t=${t},v1=${randomBytes(32).toString('hex')}`],
      ['stale timestamp', rig.stripe.sign(payload, t - 3600)],
      ['altered body', rig.stripe.sign(payload), altered],
    ];
    for (const [name, signature, body] of cases) {
      const res = await postEvent(rig, body ? JSON.parse(body) : event, signature);
      expect({ name, status: res.status, code: res.body.code, type: res.body.error?.type }).toEqual({ name, status: 400, code: -1, type: 'bad_request' });
    }
    expect(await eventCount(event.id)).toBe(0);
    expect(await storedStatus(rig, sub.id)).toBeUndefined();
  });

  it('when a correctly signed event lacks what Stripe always sends (id, created, the subscription id), then 400 in the envelope, not 500, and nothing is stored', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, object]> = [
      ['subscription object empty', { id: `evt_${randomBytes(6).toString('hex')}`, type: 'customer.subscription.updated', created: now, data: { object: {} } }],
      ['subscription without status', { id: `evt_${randomBytes(6).toString('hex')}`, type: 'customer.subscription.created', created: now, data: { object: { id: 'sub_no_status' } } }],
      ['no created', { id: `evt_${randomBytes(6).toString('hex')}`, type: 'customer.subscription.deleted', data: { object: { id: 'sub_x', status: 'canceled' } } }],
      ['no event id', { type: 'invoice.paid', created: now, data: { object: {} } }],
      ['no data', { id: `evt_${randomBytes(6).toString('hex')}`, type: 'invoice.paid', created: now }],
    ];
    for (const [name, event] of cases) {
      const res = await postEvent(rig, event);
      expect({ name, status: res.status, code: res.body.code, type: res.body.error?.type }).toEqual({ name, status: 400, code: -1, type: 'bad_request' });
      const id = (event as { id?: string }).id;
      if (id) expect(await eventCount(id)).toBe(0);
    }
  });

  it('when the signature is right, then 200 and the subscription is stored', async () => {
    const { userId, customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active');
    const res = await postEvent(rig, rig.stripe.buildEvent('customer.subscription.created', sub));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: 0, data: { received: true, outcome: 'applied' } });
    const row = await rig.h.container.prisma.subscription.findUnique({ where: { id: sub.id } });
    expect(row).toMatchObject({ userId, status: 'active', priceId: sub.items.data[0]?.price.id, cancelAtPeriodEnd: false });
  });
});

describe('Stripe webhook delivery', () => {
  it('when the same event is delivered twice (even concurrently), then it is processed once', async () => {
    const { customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active');
    const created = rig.stripe.buildEvent('customer.subscription.created', sub, Math.floor(Date.now() / 1000) - 10);
    expect((await postEvent(rig, created)).status).toBe(200);
    const update = rig.stripe.buildEvent('customer.subscription.updated', { ...sub, status: 'past_due' });
    const outcomes = await Promise.all([postEvent(rig, update), postEvent(rig, update), postEvent(rig, update)]);
    expect(outcomes.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(outcomes.map((r) => r.body.data.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(await eventCount(update.id)).toBe(1);
    const firstPastDue = (await rig.h.container.prisma.subscription.findUnique({ where: { id: sub.id } }))?.pastDueSince;
    const again = await postEvent(rig, update);
    expect(again.body.data.outcome).toBe('duplicate');
    expect((await rig.h.container.prisma.subscription.findUnique({ where: { id: sub.id } }))?.pastDueSince).toEqual(firstPastDue);
  });

  it('when an event type we do not use arrives, then 200 ignored and nothing is stored', async () => {
    const event = rig.stripe.buildEvent('charge.refunded', { id: 'ch_1', object: 'charge' });
    const res = await postEvent(rig, event);
    expect(res.status).toBe(200);
    expect(res.body.data.outcome).toBe('ignored');
    expect(await eventCount(event.id)).toBe(0);
  });

  it('when a subscription belongs to no known account, then 200 (Stripe stops retrying) and nothing is stored', async () => {
    const sub = makeSubscription(rig, 'cus_unknown_to_us', 'active');
    const res = await postEvent(rig, rig.stripe.buildEvent('customer.subscription.created', sub));
    expect(res.status).toBe(200);
    expect(res.body.data.outcome).toBe('unlinked');
    expect(await storedStatus(rig, sub.id)).toBeUndefined();
  });

  it('when Stripe fails while we fetch the subscription, then 502 and the event is not recorded; the retry applies it', async () => {
    const { userId, customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active');
    const event = rig.stripe.buildEvent('invoice.paid', rig.stripe.invoiceFor(sub.id));
    rig.stripe.apiFailureStatus = 500;
    try {
      const failed = await postEvent(rig, event);
      expect(failed.status).toBe(502);
      expect(failed.body.error.type).toBe('billing_provider_error');
    } finally {
      rig.stripe.apiFailureStatus = null;
    }
    expect(await eventCount(event.id)).toBe(0);
    expect(await storedStatus(rig, sub.id)).toBeUndefined();
    const retried = await postEvent(rig, event);
    expect(retried.body.data.outcome).toBe('applied');
    expect(await rig.h.container.prisma.subscription.findUnique({ where: { id: sub.id } })).toMatchObject({ userId, status: 'active' });
  });

  it('when an invoice names a subscription Stripe does not know, then 200 and nothing is stored', async () => {
    const event = rig.stripe.buildEvent('invoice.payment_failed', rig.stripe.invoiceFor('sub_missing'));
    const res = await postEvent(rig, event);
    expect(res.status).toBe(200);
    expect(await storedStatus(rig, 'sub_missing')).toBeUndefined();
  });
});
