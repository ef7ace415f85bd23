import type { PrismaClient } from '../../lib/db/prisma';

/** The one query /readyz runs: PostgreSQL answers at all. */
export function createHealthRepository(prisma: PrismaClient) {
  return {
    ping: () => prisma.$queryRaw`SELECT 1`,
  };
}

export type HealthRepository = ReturnType<typeof createHealthRepository>;
