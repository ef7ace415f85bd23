import type { Prisma, PrismaClient } from '../../lib/db/prisma';
import type { CreditKind } from '../../generated/prisma/enums';

export type { CreditKind };

/** Lock waits queue behind other spends of the same user; give them room under load. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

type Db = Prisma.TransactionClient | PrismaClient;

export interface CreditEntryData {
  userId: string;
  kind: CreditKind;
  amount: number;
  reason: string;
  idempotencyKey: string;
  attempt?: number;
  refundOfId?: string;
  createdAt: Date;
}

function ledgerQueries(db: Db) {
  return {
    /** SUM of the user's rows (0 when there are none). */
    async balance(userId: string): Promise<number> {
      const agg = await db.creditEntry.aggregate({ where: { userId }, _sum: { amount: true } });
      return agg._sum.amount ?? 0;
    },
    insert(data: CreditEntryData) {
      return db.creditEntry.create({ data });
    },
  };
}

function lockedQueries(tx: Prisma.TransactionClient) {
  return {
    ...ledgerQueries(tx),
    /**
     * Locks the user's row (FOR NO KEY UPDATE, which does not block the FOR KEY SHARE that
     * foreign-key inserts elsewhere take) until the transaction ends; false if no such user.
     */
    async lockUser(userId: string): Promise<boolean> {
      const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM users WHERE id = ${userId}::uuid FOR NO KEY UPDATE`;
      return rows.length > 0;
    },
    /** The user's latest spend under this key, with whether it was refunded. */
    lastSpend(userId: string, idempotencyKey: string) {
      return tx.creditEntry.findFirst({
        where: { userId, kind: 'spend', idempotencyKey },
        orderBy: { attempt: 'desc' },
        include: { refund: { select: { id: true } } },
      });
    },
    findRefundOf(spendId: string) {
      return tx.creditEntry.findUnique({ where: { refundOfId: spendId } });
    },
  };
}

export type LockedLedger = ReturnType<typeof lockedQueries>;

/** Every PostgreSQL query of the credits ledger (credit_entries). */
export function createCreditsRepository(prisma: PrismaClient) {
  return {
    ...ledgerQueries(prisma),
    /** The grant row of this key (grants have a single attempt, 0). */
    findGrant(userId: string, idempotencyKey: string) {
      return prisma.creditEntry.findUnique({
        where: { userId_kind_idempotencyKey_attempt: { userId, kind: 'grant', idempotencyKey, attempt: 0 } },
      });
    },
    findEntry(id: string) {
      return prisma.creditEntry.findUnique({ where: { id } });
    },
    /** Newest first. */
    recent(userId: string, limit: number) {
      return prisma.creditEntry.findMany({
        where: { userId },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit,
        select: { id: true, amount: true, reason: true, kind: true, createdAt: true },
      });
    },
    /**
     * Runs `work` in one interactive transaction (default isolation, waits of up to 10 s for a
     * connection and for the work: lock waits queue behind the user's other spends). `work`
     * takes the user's row lock first (`lockUser`) and reads and writes the ledger through the
     * same transaction; an error it throws rolls everything back.
     */
    locked<T>(work: (tx: LockedLedger) => Promise<T>): Promise<T> {
      return prisma.$transaction((tx) => work(lockedQueries(tx)), TX_OPTIONS);
    },
  };
}

export type CreditsRepository = ReturnType<typeof createCreditsRepository>;
