import type { PrismaClient } from '../../lib/db/prisma';

/**
 * Every PostgreSQL query about API keys (the keys feature's rule: routes and services reach the
 * database through their feature's repository, never Prisma directly).
 */
export function createKeysRepository(prisma: PrismaClient) {
  return {
    /** The key behind a presented secret, with what the premium check needs of its account. */
    findByHashForAuth(hash: string) {
      return prisma.apiKey.findUnique({
        where: { hash },
        include: { user: { include: { subscriptions: { select: { status: true, pastDueSince: true, priceId: true } } } } },
      });
    },
    /** What GET /api/v1/usage shows of the calling key. */
    findLabel(keyId: string) {
      return prisma.apiKey.findUnique({ where: { id: keyId }, select: { id: true, prefix: true, name: true } });
    },
    findById(keyId: string) {
      return prisma.apiKey.findUnique({ where: { id: keyId } });
    },
    findOwned(userId: string, keyId: string) {
      return prisma.apiKey.findFirst({ where: { id: keyId, userId } });
    },
    listOwned(userId: string) {
      return prisma.apiKey.findMany({ where: { userId }, orderBy: { createdAt: 'desc' } });
    },
    create(data: { userId: string; name: string; prefix: string; hash: string }) {
      return prisma.apiKey.create({ data });
    },
    rename(keyId: string, name: string) {
      return prisma.apiKey.update({ where: { id: keyId }, data: { name } });
    },
    revoke(keyId: string, at: Date) {
      return prisma.apiKey.update({ where: { id: keyId }, data: { revokedAt: at } });
    },
    remove(keyId: string) {
      return prisma.apiKey.delete({ where: { id: keyId } });
    },
    /** One transaction: the replacement is created and the old key expires at `expiresAt`. */
    replace(old: { id: string; userId: string; name: string }, created: { prefix: string; hash: string }, expiresAt: Date) {
      return prisma.$transaction(async (tx) => {
        const c = await tx.apiKey.create({ data: { userId: old.userId, name: old.name, ...created } });
        const p = await tx.apiKey.update({ where: { id: old.id }, data: { replacedById: c.id, expiresAt } });
        return [c, p] as const;
      });
    },
  };
}

export type KeysRepository = ReturnType<typeof createKeysRepository>;
