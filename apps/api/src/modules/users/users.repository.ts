import type { PrismaClient } from '../../lib/db/prisma';

/** Email is the identity: trimmed and lower-cased everywhere it enters. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function createUsersRepository(prisma: PrismaClient) {
  return {
    findByEmail(email: string) {
      return prisma.user.findUnique({ where: { email: normalizeEmail(email) } });
    },
    findById(id: string) {
      return prisma.user.findUnique({ where: { id } });
    },
    /** Idempotent: concurrent callers get the same row. */
    findOrCreate(email: string) {
      const normalized = normalizeEmail(email);
      return prisma.user.upsert({ where: { email: normalized }, create: { email: normalized }, update: {} });
    },
    /** Accounts with complimentary premium on (ids only). */
    listComplimentary() {
      return prisma.user.findMany({ where: { complimentaryPremium: true }, select: { id: true } });
    },
    /** The account linked to a Stripe customer, if any (id only). */
    findByStripeCustomer(customerId: string) {
      return prisma.user.findUnique({ where: { stripeCustomerId: customerId }, select: { id: true } });
    },
    setComplimentaryPremium(id: string, on: boolean) {
      return prisma.user.update({ where: { id }, data: { complimentaryPremium: on } });
    },
    withSubscriptions(id: string) {
      return prisma.user.findUnique({ where: { id }, include: { subscriptions: true } });
    },
    /**
     * Links the account to a Stripe customer unless it already has one, and returns the one
     * stored: of two concurrent first checkouts, the first customer written wins.
     */
    async keepFirstStripeCustomer(id: string, customerId: string): Promise<string> {
      await prisma.user.updateMany({ where: { id, stripeCustomerId: null }, data: { stripeCustomerId: customerId } });
      const stored = await prisma.user.findUnique({ where: { id }, select: { stripeCustomerId: true } });
      return stored?.stripeCustomerId ?? customerId;
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
