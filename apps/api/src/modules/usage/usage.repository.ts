import type { PrismaClient } from '../../lib/db/prisma';

/** One key's requests in one hour (hour = its start, in ms). */
export interface HourCounts {
  keyId: string;
  userId: string;
  hour: number;
  requests: number;
  limited: number;
}

/** Every PostgreSQL query of usage counting (usage_hours, and api_keys.last_used_at). */
export function createUsageRepository(prisma: PrismaClient) {
  return {
    async touchLastUsed(keyIds: string[], at: Date): Promise<void> {
      await prisma.apiKey.updateMany({ where: { id: { in: keyIds } }, data: { lastUsedAt: at } });
    },

    /**
     * Adds the counts to the stored hours in one transaction: a failure writes none of them, so
     * the caller can put the whole batch back without counting part of it twice.
     */
    async addHours(batch: HourCounts[]): Promise<void> {
      await prisma.$transaction(
        batch.map((c) =>
          prisma.usageHour.upsert({
            where: { keyId_hour: { keyId: c.keyId, hour: new Date(c.hour) } },
            create: { keyId: c.keyId, userId: c.userId, hour: new Date(c.hour), requests: c.requests, rateLimited: c.limited },
            update: { requests: { increment: c.requests }, rateLimited: { increment: c.limited } },
          }),
        ),
      );
    },

    /**
     * Writes absolute counts of one hour, keeping the larger of the stored and the given value:
     * two copies racing (in one process or several) never write an older figure over a newer one.
     */
    async copyHour(keyId: string, userId: string, hour: number, requests: number, rateLimited: number): Promise<void> {
      await prisma.$executeRaw`
        INSERT INTO usage_hours (key_id, user_id, hour, requests, rate_limited)
        VALUES (${keyId}::uuid, ${userId}::uuid, ${new Date(hour)}, ${requests}, ${rateLimited})
        ON CONFLICT (key_id, hour) DO UPDATE SET
          requests = GREATEST(usage_hours.requests, EXCLUDED.requests),
          rate_limited = GREATEST(usage_hours.rate_limited, EXCLUDED.rate_limited)`;
    },

    /** The stored hours of the user (or of one of its keys) from `since` on. */
    hoursSince(filter: { userId: string; keyId?: string }, since: Date) {
      return prisma.usageHour.findMany({
        where: { userId: filter.userId, ...(filter.keyId ? { keyId: filter.keyId } : {}), hour: { gte: since } },
        select: { keyId: true, hour: true, requests: true, rateLimited: true },
      });
    },
  };
}

export type UsageRepository = ReturnType<typeof createUsageRepository>;
