import type { PrismaClient } from '../../lib/db/prisma';
import { isPrismaError } from '../../lib/db/db-errors';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** What we keep of a Stripe subscription. */
export interface SubscriptionState {
  id: string;
  status: string;
  priceId: string | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  /** Stripe's customer id, to link the account when nothing better is known */
  customerId: string | null;
}

export type ApplyOutcome = 'applied' | 'stale' | 'duplicate' | 'unlinked';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class DuplicateEvent extends Error {}

export function createBillingRepository(prisma: PrismaClient) {
  /** The account a subscription belongs to: explicit user ids first, then the Stripe customer. */
  async function linkUser(tx: Tx, state: SubscriptionState, userIdHints: Array<string | null | undefined>): Promise<string | null> {
    for (const hint of userIdHints) {
      if (hint && UUID.test(hint)) {
        const user = await tx.user.findUnique({ where: { id: hint }, select: { id: true } });
        if (user) return user.id;
      }
    }
    if (state.customerId) {
      const user = await tx.user.findUnique({ where: { stripeCustomerId: state.customerId }, select: { id: true } });
      if (user) return user.id;
    }
    const known = await tx.subscription.findUnique({ where: { id: state.id }, select: { userId: true } });
    return known?.userId ?? null;
  }

  return {
    async isProcessed(eventId: string): Promise<boolean> {
      return (await prisma.stripeEvent.count({ where: { id: eventId } })) > 0;
    },

    /**
     * One transaction: record the event id (a duplicate delivery fails here and changes nothing)
     * and, unless an event newer than `eventAt` was already applied to this subscription,
     * store the subscription's state. A crash before COMMIT leaves neither, so Stripe's retry
     * redoes it.
     */
    async applyEvent(input: {
      eventId: string;
      eventType: string;
      eventAt: Date;
      state: SubscriptionState | null;
      userIdHints?: Array<string | null | undefined>;
      /**
       * Stripe's `created` has one-second resolution: two events of the same second can arrive in
       * either order. On such a tie with a different status, this asks Stripe for the live state.
       */
      resolveTie?: (subscriptionId: string) => Promise<SubscriptionState | null>;
    }): Promise<{ outcome: ApplyOutcome; userId: string | null }> {
      try {
        return await prisma.$transaction(async (tx) => {
          await tx.stripeEvent.create({ data: { id: input.eventId, type: input.eventType } }).catch((err: unknown) => {
            throw isPrismaError(err, 'uniqueViolation') ? new DuplicateEvent(input.eventId) : err;
          });
          const incoming = input.state;
          if (!incoming) return { outcome: 'applied' as const, userId: null };
          // serialise concurrent events for the same subscription (the row may not exist yet)
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sub:${incoming.id}`}))`;
          const userId = await linkUser(tx, incoming, input.userIdHints ?? []);
          if (!userId) return { outcome: 'unlinked' as const, userId: null };
          if (incoming.customerId && !(await tx.user.findUnique({ where: { stripeCustomerId: incoming.customerId }, select: { id: true } }))) {
            // an account paying through a customer we did not create (e.g. made in Stripe's dashboard)
            await tx.user.updateMany({ where: { id: userId, stripeCustomerId: null }, data: { stripeCustomerId: incoming.customerId } });
          }
          const current = await tx.subscription.findUnique({ where: { id: incoming.id } });
          if (current && current.stripeEventAt > input.eventAt) return { outcome: 'stale' as const, userId };
          let state = incoming;
          if (current && current.stripeEventAt.getTime() === input.eventAt.getTime() && current.status !== state.status && input.resolveTie) {
            state = (await input.resolveTie(state.id)) ?? state;
          }
          const pastDueSince =
            state.status !== 'past_due' ? null : current?.status === 'past_due' && current.pastDueSince ? current.pastDueSince : input.eventAt;
          const data = {
            userId,
            status: state.status,
            priceId: state.priceId,
            currentPeriodEnd: state.currentPeriodEnd,
            cancelAtPeriodEnd: state.cancelAtPeriodEnd,
            pastDueSince,
            stripeEventAt: input.eventAt,
          };
          await tx.subscription.upsert({ where: { id: state.id }, create: { id: state.id, ...data }, update: data });
          return { outcome: 'applied' as const, userId };
        });
      } catch (err) {
        if (err instanceof DuplicateEvent) return { outcome: 'duplicate', userId: null };
        throw err;
      }
    },
  };
}

export type BillingRepository = ReturnType<typeof createBillingRepository>;
