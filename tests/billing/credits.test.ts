import { randomBytes } from 'node:crypto';
import { STANDIN_PRICE_ID } from '../support/stripe-standin';
import { customerAccount, makeSubscription, postEvent, startBillingRig, type BillingRig } from './billing-setup';

/**
 * Credits for paid billing periods: Stripe `invoice.paid` through the real SDK's signature check
 * (events signed with stripe.webhooks.generateTestHeaderString by the stand-in).
 * The rig runs with CREDITS_PER_PERIOD=250 so the amount is the configured one, not the default.
 */
const PER_PERIOD = 250;

let rig: BillingRig;
beforeAll(async () => {
  rig = await startBillingRig({ env: { CREDITS_PER_PERIOD: String(PER_PERIOD) } });
});
afterAll(async () => {
  await rig.close();
});

const balance = (userId: string) => rig.h.container.credits.balance(userId);
const grantRows = (userId: string) => rig.h.container.prisma.creditEntry.findMany({ where: { userId, kind: 'grant' } });

type LineShape = 'current' | 'legacy' | 'none';

/** A paid invoice of a subscription, as Stripe sends it (2025+ line shape by default). */
function invoice(subId: string, opts: { reason?: string | null; price?: string; lines?: LineShape } = {}) {
  const base = rig.stripe.invoiceFor(subId) as Record<string, unknown> & { id: string };
  const price = opts.price ?? STANDIN_PRICE_ID;
  const shape = opts.lines ?? 'current';
  const line =
    shape === 'current'
      ? { id: `il_${randomBytes(6).toString('hex')}`, object: 'line_item', pricing: { type: 'price_details', price_details: { price, product: 'prod_x' } } }
      : { id: `il_${randomBytes(6).toString('hex')}`, object: 'line_item', price: { id: price, object: 'price' } };
  return {
    ...base,
    status: 'paid',
    billing_reason: opts.reason === undefined ? 'subscription_cycle' : opts.reason,
    ...(shape === 'none' ? {} : { lines: { object: 'list', data: [line] } }),
  };
}

describe('credits on invoice.paid', () => {
  it('when a period invoice for our price is paid, then the account gets CREDITS_PER_PERIOD once, even if Stripe sends it twice', async () => {
    const { userId, customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active');
    const inv = invoice(sub.id, { reason: 'subscription_create' });
    const event = rig.stripe.buildEvent('invoice.paid', inv);
    expect((await postEvent(rig, event)).status).toBe(200);
    expect(await balance(userId)).toBe(PER_PERIOD);
    // the same event again, concurrently, and a second event about the same invoice
    const again = await Promise.all([postEvent(rig, event), postEvent(rig, event), postEvent(rig, rig.stripe.buildEvent('invoice.paid', inv))]);
    expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await balance(userId)).toBe(PER_PERIOD);
    const rows = await grantRows(userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.idempotencyKey).toBe(`invoice:${inv.id}`);
  });

  it('when the next period is paid, then credits are granted again', async () => {
    const { userId, customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active');
    await postEvent(rig, rig.stripe.buildEvent('invoice.paid', invoice(sub.id, { reason: 'subscription_create' })));
    await postEvent(rig, rig.stripe.buildEvent('invoice.paid', invoice(sub.id, { reason: 'subscription_cycle' })));
    expect(await balance(userId)).toBe(2 * PER_PERIOD);
  });

  it.each([
    ['another price', { price: 'price_someone_else' }],
    ['a proration (subscription_update)', { reason: 'subscription_update' }],
    ['a manual invoice', { reason: 'manual' }],
  ])('when the paid invoice is %s, then no credits are granted', async (_name, opts) => {
    const { userId, customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active');
    const res = await postEvent(rig, rig.stripe.buildEvent('invoice.paid', invoice(sub.id, opts)));
    expect(res.status).toBe(200);
    expect(await balance(userId)).toBe(0);
  });

  it('when the invoice uses the pre-2025 line shape (line.price), then our price is still recognised', async () => {
    const { userId, customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active');
    await postEvent(rig, rig.stripe.buildEvent('invoice.paid', invoice(sub.id, { lines: 'legacy' })));
    expect(await balance(userId)).toBe(PER_PERIOD);
  });

  it('when the invoice carries no lines, then the subscription Stripe holds decides the price', async () => {
    const ours = await customerAccount(rig);
    const ourSub = makeSubscription(rig, ours.customer, 'active');
    await postEvent(rig, rig.stripe.buildEvent('invoice.paid', invoice(ourSub.id, { lines: 'none', reason: null })));
    expect(await balance(ours.userId)).toBe(PER_PERIOD);

    const other = await customerAccount(rig);
    const otherSub = makeSubscription(rig, other.customer, 'active');
    const item = otherSub.items.data[0];
    if (item) item.price = { id: 'price_someone_else', object: 'price' };
    await postEvent(rig, rig.stripe.buildEvent('invoice.paid', invoice(otherSub.id, { lines: 'none', reason: null })));
    expect(await balance(other.userId)).toBe(0);
  });

  it('when the customer belongs to no account, then 200 and nothing is granted', async () => {
    const sub = makeSubscription(rig, `cus_${randomBytes(6).toString('hex')}`, 'active');
    const before = await rig.h.container.prisma.creditEntry.count();
    const res = await postEvent(rig, rig.stripe.buildEvent('invoice.paid', invoice(sub.id)));
    expect(res.status).toBe(200);
    expect(await rig.h.container.prisma.creditEntry.count()).toBe(before);
  });

  it('when an earlier delivery recorded the event but died before granting, then the retry grants', async () => {
    const { userId, customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active');
    const event = rig.stripe.buildEvent('invoice.paid', invoice(sub.id));
    await rig.h.container.prisma.stripeEvent.create({ data: { id: event.id, type: 'invoice.paid' } });
    const res = await postEvent(rig, event);
    expect(res.body.data.outcome).toBe('duplicate');
    expect(await balance(userId)).toBe(PER_PERIOD);
  });

  it('when the signature is wrong, then 400 and nothing is granted', async () => {
    const { userId, customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'active');
    const res = await postEvent(rig, rig.stripe.buildEvent('invoice.paid', invoice(sub.id)), `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`);
    expect(res.status).toBe(400);
    expect(await balance(userId)).toBe(0);
  });

  it('when invoice.payment_failed arrives, then no credits are granted', async () => {
    const { userId, customer } = await customerAccount(rig);
    const sub = makeSubscription(rig, customer, 'past_due');
    await postEvent(rig, rig.stripe.buildEvent('invoice.payment_failed', invoice(sub.id)));
    expect(await balance(userId)).toBe(0);
  });
});
