import { AppError } from '../../lib/errors/app-error';
import type { Logger } from '../../lib/logger/logger';
import type { AuthCache } from '../keys/auth-cache';
import type { CreditGrants } from '../credits/credit-grants';
import type { ApplyOutcome, BillingRepository, SubscriptionState } from './billing.repository';
import { stripeEventShapeSchema, stripeSubscriptionShapeSchema } from './billing.schemas';
import { isStripeError, type StripeClient, type StripeEvent, type StripeSubscription } from './stripe.client';

export type WebhookOutcome = ApplyOutcome | 'ignored';

/** How far a webhook signature's timestamp may be from now, either way (Stripe's default: 5 minutes). */
const SIGNATURE_TOLERANCE_SECONDS = 300;

type Ref = string | { id: string } | null | undefined;
const idOf = (ref: Ref): string | null => (ref == null ? null : typeof ref === 'string' ? ref : ref.id);

/**
 * Our view of a Stripe subscription object (any API version: period end moved to items in 2025).
 * The price kept is the first item's that is a premium price, else the first item's (which then
 * grants nothing: premium.ts checks the price).
 */
export function subscriptionState(sub: StripeSubscription, premiumPrices: ReadonlySet<string>): SubscriptionState {
  const itemEnds = (sub.items?.data ?? []).map((i) => i.current_period_end).filter((n): n is number => typeof n === 'number');
  const legacyEnd = (sub as unknown as { current_period_end?: number }).current_period_end;
  const prices = (sub.items?.data ?? []).map((i) => i.price?.id).filter((p): p is string => typeof p === 'string');
  const end = itemEnds.length > 0 ? Math.max(...itemEnds) : legacyEnd;
  return {
    id: sub.id,
    status: sub.status,
    priceId: prices.find((p) => premiumPrices.has(p)) ?? prices[0] ?? null,
    currentPeriodEnd: typeof end === 'number' ? new Date(end * 1000) : null,
    cancelAtPeriodEnd: Boolean(sub.cancel_at_period_end),
    customerId: idOf(sub.customer),
  };
}

/** The subscription an invoice belongs to, in both the current and the pre-2025 payload shape. */
function invoiceSubscriptionId(invoice: object): string | null {
  const current = (invoice as { parent?: { subscription_details?: { subscription?: Ref } | null } | null }).parent
    ?.subscription_details?.subscription;
  const legacy = (invoice as { subscription?: Ref }).subscription;
  return idOf(current) ?? idOf(legacy);
}

/**
 * Stripe webhooks: verify, then bring our copy of the subscription up to date. Idempotent by
 * event id; safe out of order (subscription events carry their own state and older ones are
 * ignored; checkout/invoice events fetch the subscription's current state from Stripe).
 */
export function createStripeWebhookService(deps: {
  stripe: StripeClient | null;
  webhookSecret: string | undefined;
  repo: BillingRepository;
  /** Prices that are the premium plan (STRIPE_PRICE_ID, STRIPE_PRICE_IDS). */
  premiumPrices: ReadonlySet<string>;
  authCache: Pick<AuthCache, 'userChanged'>;
  logger: Logger;
  /** Credits for paid billing periods (modules/credits). */
  creditGrants?: Pick<CreditGrants, 'invoicePaid'>;
}) {
  const state = (sub: StripeSubscription): SubscriptionState => {
    const found = subscriptionState(sub, deps.premiumPrices);
    if (!found.priceId || !deps.premiumPrices.has(found.priceId)) {
      deps.logger.warn({ subscription: sub.id, price: found.priceId }, 'Stripe subscription to a price that is not premium (STRIPE_PRICE_ID/STRIPE_PRICE_IDS); it grants nothing');
    }
    return found;
  };

  async function fetchSubscription(id: string): Promise<StripeSubscription | null> {
    const stripe = deps.stripe;
    if (!stripe) return null;
    try {
      return await stripe.subscriptions.retrieve(id);
    } catch (err) {
      if (isStripeError(err) && err.statusCode === 404) return null;
      // anything else: fail the delivery so Stripe retries it later
      throw new AppError('billing_provider_error', undefined, { cause: err });
    }
  }

  /** The subscription state an event implies, or null when the event changes nothing of ours. */
  async function stateFor(event: StripeEvent): Promise<{ state: SubscriptionState; hints: Array<string | null> } | null | 'ignored'> {
    switch (event.type) {
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted': {
        const sub = event.data.object;
        return { state: state(sub), hints: [sub.metadata?.userId ?? null] };
      }
      case 'checkout.session.completed': {
        const session = event.data.object;
        const subId = session.mode === 'subscription' ? idOf(session.subscription) : null;
        const sub = subId ? await fetchSubscription(subId) : null;
        if (!sub) return null;
        return { state: state(sub), hints: [session.client_reference_id, session.metadata?.userId ?? null, sub.metadata?.userId ?? null] };
      }
      case 'invoice.paid':
      case 'invoice.payment_failed': {
        const subId = invoiceSubscriptionId(event.data.object);
        const sub = subId ? await fetchSubscription(subId) : null;
        if (!sub) return null;
        return { state: state(sub), hints: [sub.metadata?.userId ?? null] };
      }
      default:
        return 'ignored';
    }
  }

  /** Subscription state from the event, once per event id. */
  async function applySubscriptionEvent(event: StripeEvent): Promise<WebhookOutcome> {
    if (await deps.repo.isProcessed(event.id)) return 'duplicate';
    const found = await stateFor(event);
    if (found === 'ignored') return 'ignored';
    const { outcome, userId } = await deps.repo.applyEvent({
      eventId: event.id,
      eventType: event.type,
      eventAt: new Date(event.created * 1000),
      state: found?.state ?? null,
      userIdHints: found?.hints,
      resolveTie: async (id) => {
        const live = await fetchSubscription(id);
        return live ? state(live) : null;
      },
    });
    if (outcome === 'unlinked') {
      deps.logger.warn({ eventId: event.id, type: event.type, subscription: found?.state.id }, 'Stripe subscription matches no account; ignored');
    }
    if (userId && outcome === 'applied') deps.authCache.userChanged(userId); // premium may have changed: every process re-reads it
    deps.logger.info({ eventId: event.id, type: event.type, outcome, userId }, 'stripe event');
    return outcome;
  }

  return {
    configured: Boolean(deps.stripe && deps.webhookSecret),

    /** 400 unless the body is signed with our endpoint secret. */
    verify(raw: Buffer, signature: string | undefined): StripeEvent {
      const stripe = deps.stripe;
      const secret = deps.webhookSecret;
      if (!stripe || !secret) throw new AppError('billing_not_configured');
      if (!signature) throw new AppError('bad_request', 'Missing Stripe-Signature header');
      let event: StripeEvent;
      try {
        event = stripe.webhooks.constructEvent(raw, signature, secret, SIGNATURE_TOLERANCE_SECONDS);
      } catch {
        throw new AppError('bad_request', 'Invalid Stripe signature');
      }
      // The SDK only refuses timestamps too far in the PAST; a signed timestamp far in the future
      // (a leaked secret, a clock gone wrong) would stay replayable until then. Bound it both ways,
      // on the same wall clock the SDK uses.
      const signedAt = Number(/(?:^|,)\s*t=(\d+)/.exec(signature)?.[1]);
      if (!Number.isFinite(signedAt) || signedAt - Date.now() / 1000 > SIGNATURE_TOLERANCE_SECONDS) {
        throw new AppError('bad_request', 'Invalid Stripe signature (timestamp outside the tolerance)');
      }
      const shape = stripeEventShapeSchema.safeParse(event);
      if (!shape.success || (shape.data.type.startsWith('customer.subscription.') && !stripeSubscriptionShapeSchema.safeParse(shape.data.data.object).success)) {
        throw new AppError('bad_request', 'Malformed Stripe event');
      }
      return event;
    },

    async handle(event: StripeEvent): Promise<WebhookOutcome> {
      const outcome = await applySubscriptionEvent(event);
      if (event.type === 'invoice.paid' && deps.creditGrants) {
        // After the subscription state, and on duplicates too: the grant is idempotent by invoice
        // id, so a delivery that failed after recording the event still gets its credits on retry.
        const invoice = event.data.object;
        const credits = await deps.creditGrants.invoicePaid(invoice, async () => {
          const subId = invoiceSubscriptionId(invoice);
          const sub = subId ? await fetchSubscription(subId) : null;
          return sub ? subscriptionState(sub, deps.premiumPrices).priceId : null;
        });
        deps.logger.info({ eventId: event.id, invoice: invoice.id, credits }, 'invoice credits');
      }
      return outcome;
    },
  };

}

export type StripeWebhookService = ReturnType<typeof createStripeWebhookService>;
