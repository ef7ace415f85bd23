import type { Logger } from '../../lib/logger/logger';
import type { UsersRepository } from '../users/users.repository';
import type { CreditsService } from './credits.service';
import { systemNow } from '../../lib/time/clock';

/**
 * When premium accounts receive credits (see docs/billing.md "Credits"):
 * - paid premium: CREDITS_PER_PERIOD on each Stripe `invoice.paid` that opens a billing period
 *   (billing_reason subscription_create or subscription_cycle) for one of our premium prices,
 *   keyed `invoice:<invoice id>`, so a twice-delivered or replayed invoice grants once;
 * - complimentary premium (operator CLI): CREDITS_PER_PERIOD once per calendar month (UTC) while
 *   it is on, keyed `complimentary:<user id>:<YYYY-MM>`: granted when the operator turns it on and
 *   by a periodic sweep at the start of every later month.
 * CREDITS_PER_PERIOD = 0 turns automatic grants off.
 */

/** How often complimentary accounts are checked for this month's credits. */
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** Invoices that start a paid period; proration or manual invoices do not. */
const PERIOD_REASONS = new Set(['subscription_create', 'subscription_cycle']);

export type InvoiceGrantOutcome = 'granted' | 'already_granted' | 'not_a_period' | 'other_price' | 'no_account' | 'disabled';
export type ComplimentaryGrantOutcome = 'granted' | 'already_granted' | 'disabled';

type Ref = string | { id: string } | null | undefined;
const idOf = (ref: Ref): string | null => (ref == null ? null : typeof ref === 'string' ? ref : ref.id);

/** The parts of a Stripe invoice we read, in both the current (2025+) and the older line shape. */
interface InvoiceLike {
  id?: string;
  customer?: Ref;
  billing_reason?: string | null;
  lines?: { data?: Array<{ pricing?: { price_details?: { price?: Ref } | null } | null; price?: Ref }> } | null;
}

/** Price ids an invoice bills, or null when the payload carries no lines to read. */
export function invoicePriceIds(invoice: InvoiceLike): string[] | null {
  const lines = invoice.lines?.data;
  if (!lines || lines.length === 0) return null;
  return lines.map((l) => idOf(l.pricing?.price_details?.price) ?? idOf(l.price)).filter((p): p is string => p !== null);
}

export function monthKey(at: Date): string {
  return at.toISOString().slice(0, 7);
}

export function createCreditGrants(deps: {
  users: Pick<UsersRepository, 'listComplimentary' | 'findByStripeCustomer'>;
  credits: Pick<CreditsService, 'grant'>;
  perPeriod: number;
  /** Prices whose subscriptions are premium. */
  premiumPriceIds: readonly string[];
  logger: Logger;
  now?: () => Date;
}) {
  const now = deps.now ?? systemNow;
  const prices = new Set(deps.premiumPriceIds);

  async function grantComplimentary(userId: string): Promise<ComplimentaryGrantOutcome> {
    if (deps.perPeriod <= 0) return 'disabled';
    const month = monthKey(now());
    const { created } = await deps.credits.grant({
      userId,
      amount: deps.perPeriod,
      reason: `complimentary premium ${month}`,
      idempotencyKey: `complimentary:${userId}:${month}`,
    });
    return created ? 'granted' : 'already_granted';
  }

  async function sweepComplimentary(): Promise<{ granted: number }> {
    if (deps.perPeriod <= 0) return { granted: 0 };
    const users = await deps.users.listComplimentary();
    let granted = 0;
    for (const u of users) {
      if ((await grantComplimentary(u.id)) === 'granted') granted++;
    }
    return { granted };
  }

  return {
    /**
     * Credits for a paid invoice. Safe to call for every delivery of the event (idempotent by
     * invoice id). `subscriptionPriceId` is asked only when the payload carries no lines.
     */
    async invoicePaid(invoice: InvoiceLike, subscriptionPriceId: () => Promise<string | null>): Promise<InvoiceGrantOutcome> {
      if (deps.perPeriod <= 0) return 'disabled';
      const reason = invoice.billing_reason;
      if (!invoice.id || (reason != null && !PERIOD_REASONS.has(reason))) return 'not_a_period';
      const billed = invoicePriceIds(invoice) ?? [await subscriptionPriceId()].filter((p): p is string => p !== null);
      if (!billed.some((p) => prices.has(p))) return 'other_price';
      const customer = idOf(invoice.customer);
      const user = customer ? await deps.users.findByStripeCustomer(customer) : null;
      if (!user) {
        deps.logger.warn({ invoice: invoice.id, customer }, 'paid invoice matches no account: no credits granted');
        return 'no_account';
      }
      const { created } = await deps.credits.grant({
        userId: user.id,
        amount: deps.perPeriod,
        reason: 'premium billing period',
        idempotencyKey: `invoice:${invoice.id}`,
      });
      return created ? 'granted' : 'already_granted';
    },

    /** Called when an operator turns complimentary premium on. */
    async complimentaryTurnedOn(userId: string): Promise<ComplimentaryGrantOutcome> {
      return grantComplimentary(userId);
    },

    /** This month's grant for every complimentary account that lacks it. */
    sweepComplimentary,

    /**
     * Sweeps hourly, so a new month's credits arrive within the hour. Every instance may run it:
     * the grants are idempotent per month. Returns the stop function.
     */
    startMonthlySweep(intervalMs = SWEEP_INTERVAL_MS): () => void {
      const timer = setInterval(() => {
        sweepComplimentary().catch((err: unknown) => deps.logger.warn({ err: String(err) }, 'complimentary credit sweep failed'));
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

export type CreditGrants = ReturnType<typeof createCreditGrants>;
