/** Billing test support: the app wired to the Stripe stand-in, and helpers to post signed events. */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startHarness, type Harness, type HarnessOptions } from '../support/harness';
import { startStripeStandin, standinEnv, STANDIN_PRICE_ID, type StandinSubscription, type StripeStandin } from '../support/stripe-standin';

export const WEBHOOK_PATH = '/api/v1/webhooks/stripe';

export interface BillingRig {
  h: Harness;
  stripe: StripeStandin;
  close(): Promise<void>;
}

/** The app on a real port (the stand-in delivers webhooks over HTTP) with billing configured. */
export async function startBillingRig(opts: HarnessOptions = {}): Promise<BillingRig> {
  const stripe = await startStripeStandin();
  const h = await startHarness({ ...opts, env: { ...standinEnv(stripe), ...opts.env } });
  stripe.webhookUrl = `${await h.listen()}${WEBHOOK_PATH}`;
  return {
    h,
    stripe,
    async close() {
      await h.close();
      await stripe.stop();
    },
  };
}

/** Posts an event the way Stripe does (raw JSON body, Stripe-Signature) through supertest. */
export function postEvent(rig: BillingRig, event: object, signature?: string | null) {
  const payload = JSON.stringify(event);
  const req = request(rig.h.app).post(WEBHOOK_PATH).set('Content-Type', 'application/json');
  const sig = signature === undefined ? rig.stripe.sign(payload) : signature;
  return (sig === null ? req : req.set('Stripe-Signature', sig)).send(payload);
}

/** A subscription known to the stand-in (so fetch-based events find it), for a customer. */
export function makeSubscription(rig: BillingRig, customer: string, status: string, metadata: Record<string, string> = {}): StandinSubscription {
  const start = Math.floor(Date.now() / 1000);
  const sub: StandinSubscription = {
    id: `sub_${randomBytes(10).toString('hex')}`,
    object: 'subscription',
    customer,
    status,
    cancel_at_period_end: false,
    metadata,
    created: start,
    items: {
      object: 'list',
      data: [{ id: `si_${randomBytes(6).toString('hex')}`, object: 'subscription_item', price: { id: STANDIN_PRICE_ID, object: 'price' }, current_period_start: start, current_period_end: start + 30 * 86_400 }],
    },
  };
  rig.stripe.subscriptions.set(sub.id, sub);
  return sub;
}

/** An account with a Stripe customer id, without going through Checkout. */
export async function customerAccount(rig: BillingRig): Promise<{ userId: string; customer: string }> {
  const customer = `cus_${randomBytes(8).toString('hex')}`;
  const user = await rig.h.container.users.findOrCreate(`billing-${randomBytes(5).toString('hex')}@example.com`);
  await rig.h.container.prisma.user.update({ where: { id: user.id }, data: { stripeCustomerId: customer } });
  rig.stripe.customers.set(customer, { id: customer, object: 'customer', email: user.email, metadata: {} });
  return { userId: user.id, customer };
}

export async function storedStatus(rig: BillingRig, subId: string): Promise<string | undefined> {
  return (await rig.h.container.prisma.subscription.findUnique({ where: { id: subId } }))?.status;
}

export async function isPremiumNow(rig: BillingRig, userId: string): Promise<boolean> {
  return (await rig.h.container.billing.standing(userId)).premium;
}
