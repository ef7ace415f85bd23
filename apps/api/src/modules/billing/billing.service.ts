import type { SubscriptionView } from './billing.schemas';
import { AppError } from '../../lib/errors/app-error';
import type { UsersRepository } from '../users/users.repository';
import type { Logger } from '../../lib/logger/logger';
import { isPremium, type PremiumPolicy } from './premium';
import { isStripeError, type StripeClient } from './stripe.client';

export type { SubscriptionView };

export interface AccountBilling {
  premium: boolean;
  complimentary: boolean;
  subscription: SubscriptionView | null;
  configured: boolean;
}

/** Statuses for which a new Checkout would create a second, parallel subscription. */
const LIVE_STATUSES = new Set(['active', 'trialing', 'past_due', 'unpaid']);

/**
 * Checkout and Customer Portal sessions, and an account's billing standing. Without Stripe
 * configuration every Stripe call answers 503 billing_not_configured.
 */
export function createBillingService(deps: {
  users: Pick<UsersRepository, 'withSubscriptions' | 'keepFirstStripeCustomer'>;
  stripe: StripeClient | null;
  priceId: string | undefined;
  premium: PremiumPolicy;
  logger: Logger;
  now: () => Date;
}) {
  function client(): { stripe: StripeClient; priceId: string } {
    if (!deps.stripe || !deps.priceId) throw new AppError('billing_not_configured');
    return { stripe: deps.stripe, priceId: deps.priceId };
  }

  async function callStripe<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!isStripeError(err)) throw err;
      deps.logger.error({ what, type: err.type, code: err.code, status: err.statusCode, message: err.message }, 'Stripe call failed');
      throw new AppError('billing_provider_error', undefined, { cause: err });
    }
  }

  async function account(userId: string) {
    const user = await deps.users.withSubscriptions(userId);
    if (!user) throw new AppError('unauthenticated');
    return user;
  }

  /**
   * The account's Stripe customer, created once. The idempotency key makes concurrent first
   * checkouts get the same customer from Stripe; the conditional update keeps the first stored.
   */
  async function customerFor(userId: string): Promise<string> {
    const { stripe } = client();
    const user = await account(userId);
    if (user.stripeCustomerId) return user.stripeCustomerId;
    const customer = await callStripe('customers.create', () =>
      stripe.customers.create({ email: user.email, metadata: { userId } }, { idempotencyKey: `twdown-customer-${userId}` }),
    );
    return deps.users.keepFirstStripeCustomer(userId, customer.id);
  }

  return {
    configured: Boolean(deps.stripe && deps.priceId),

    async checkout(userId: string, baseUrl: string): Promise<{ url: string }> {
      const { stripe, priceId } = client();
      const user = await account(userId);
      if (user.subscriptions.some((s) => LIVE_STATUSES.has(s.status))) {
        throw new AppError('conflict', 'You already have a subscription; manage it in the billing portal');
      }
      const customer = await customerFor(userId);
      const session = await callStripe('checkout.sessions.create', () =>
        stripe.checkout.sessions.create({
          mode: 'subscription',
          line_items: [{ price: priceId, quantity: 1 }],
          customer,
          client_reference_id: userId,
          metadata: { userId },
          subscription_data: { metadata: { userId } },
          success_url: `${baseUrl}/dashboard?billing=success`,
          cancel_url: `${baseUrl}/dashboard?billing=cancel`,
        }),
      );
      if (!session.url) throw new AppError('billing_provider_error', 'Stripe returned no Checkout URL');
      return { url: session.url };
    },

    async portal(userId: string, baseUrl: string): Promise<{ url: string }> {
      const { stripe } = client();
      const user = await account(userId);
      const customer = user.stripeCustomerId;
      if (!customer) throw new AppError('conflict', 'No billing account yet: subscribe first');
      const session = await callStripe('billingPortal.sessions.create', () =>
        stripe.billingPortal.sessions.create({ customer, return_url: `${baseUrl}/dashboard` }),
      );
      return { url: session.url };
    },

    /** premium (the single definition in premium.ts), the most relevant subscription, config. */
    async standing(userId: string): Promise<AccountBilling> {
      const user = await account(userId);
      const now = deps.now();
      const granting = (s: (typeof user.subscriptions)[number]) =>
        isPremium({ complimentaryPremium: false, subscriptions: [s] }, now, deps.premium);
      const [sub] = [...user.subscriptions].sort(
        (a, b) => Number(granting(b)) - Number(granting(a)) || b.stripeEventAt.getTime() - a.stripeEventAt.getTime(),
      );
      return {
        premium: isPremium(user, now, deps.premium),
        complimentary: user.complimentaryPremium,
        subscription: sub
          ? { status: sub.status, current_period_end: sub.currentPeriodEnd?.toISOString() ?? null, cancel_at_period_end: sub.cancelAtPeriodEnd }
          : null,
        configured: Boolean(deps.stripe && deps.priceId),
      };
    },
  };
}

export type BillingService = ReturnType<typeof createBillingService>;
