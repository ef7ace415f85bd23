import type { PrismaClient } from '../../lib/db/prisma';

/** The root client or the client of an open transaction: both answer the same queries. */
type Db = Pick<PrismaClient, 'user' | 'session' | 'emailToken'>;

/** Single-use links (email_tokens). Only the SHA-256 of a link's token is ever stored. */
function emailTokenQueries(db: Pick<PrismaClient, 'emailToken'>) {
  return {
    insert(data: { id: string; userId: string; purpose: string; email: string; passwordHash: string | null; expiresAt: Date }) {
      return db.emailToken.create({ data });
    },
    /** Housekeeping: this user's links that expired at or before `before`. */
    async deleteExpired(userId: string, before: Date): Promise<void> {
      await db.emailToken.deleteMany({ where: { userId, expiresAt: { lte: before } } });
    },
    findById(id: string) {
      return db.emailToken.findUnique({ where: { id } });
    },
    /** Stamps the link used unless it already was; true when this call stamped it (of two concurrent uses exactly one gets true). */
    async markUsed(id: string, at: Date): Promise<boolean> {
      const won = await db.emailToken.updateMany({ where: { id, usedAt: null }, data: { usedAt: at } });
      return won.count === 1;
    },
    /** Every still-open link of these purposes of the user stops working. */
    async retire(userId: string, purposes: string[], at: Date): Promise<void> {
      await db.emailToken.updateMany({ where: { userId, purpose: { in: purposes }, usedAt: null }, data: { usedAt: at } });
    },
  };
}

/** Dashboard sessions, keyed by the SHA-256 of the cookie's token. */
function sessionQueries(db: Pick<PrismaClient, 'session'>) {
  return {
    async insert(data: { id: string; userId: string; csrfToken: string; expiresAt: Date }): Promise<void> {
      await db.session.create({ data });
    },
    async deleteExpired(userId: string, at: Date): Promise<void> {
      await db.session.deleteMany({ where: { userId, expiresAt: { lte: at } } });
    },
    findById(id: string) {
      return db.session.findUnique({ where: { id } });
    },
    async deleteById(id: string): Promise<void> {
      await db.session.deleteMany({ where: { id } });
    },
    /** Every session of the user except `keepId`; returns how many were deleted. */
    async deleteAllOf(userId: string, keepId?: string): Promise<number> {
      const { count } = await db.session.deleteMany({ where: { userId, ...(keepId ? { id: { not: keepId } } : {}) } });
      return count;
    },
  };
}

/** What a credentials change reads and writes of the account row inside its transaction. */
function credentialQueries(db: Pick<PrismaClient, 'user'>) {
  return {
    findUser(id: string) {
      return db.user.findUnique({ where: { id } });
    },
    /** Exact match: addresses in links are stored normalised. */
    findUserByEmail(email: string) {
      return db.user.findUnique({ where: { email } });
    },
    updateUser(id: string, data: { passwordHash?: string | null; email?: string; emailVerifiedAt?: Date | null }) {
      return db.user.update({ where: { id }, data });
    },
  };
}

function queriesOn(db: Db) {
  return { tokens: emailTokenQueries(db), sessions: sessionQueries(db), ...credentialQueries(db) };
}

export type AccountsTx = ReturnType<typeof queriesOn>;
export type EmailTokenRows = AccountsTx['tokens'];
export type SessionRows = AccountsTx['sessions'];

/**
 * Every PostgreSQL query of the accounts feature (sessions, emailed links, credential changes).
 * Finding an account by address or id is the users repository's.
 */
export function createAccountsRepository(prisma: PrismaClient) {
  return {
    tokens: emailTokenQueries(prisma),
    sessions: sessionQueries(prisma),
    async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
      await prisma.user.update({ where: { id: userId }, data: { passwordHash } });
    },
    /**
     * Runs `work` in one interactive transaction (PostgreSQL's default isolation, as
     * `prisma.$transaction` gives), handing it the same queries bound to that transaction:
     * everything `work` does commits together or not at all, and an error it throws rolls back.
     */
    transaction<T>(work: (tx: AccountsTx) => Promise<T>): Promise<T> {
      return prisma.$transaction((tx) => work(queriesOn(tx)));
    },
  };
}

export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
