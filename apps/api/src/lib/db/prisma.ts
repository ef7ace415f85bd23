import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';

export type { PrismaClient };
export { Prisma } from '../../generated/prisma/client';

export function createPrisma(
  databaseUrl: string,
  opts: { maxConnections?: number; connectTimeoutMs?: number; queryTimeoutMs?: number } = {},
): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: opts.maxConnections ?? 10,
    // Both bounds turn an unreachable or stalled PostgreSQL into a fast 503 database_unavailable
    // instead of requests that hang: the connect timeout also bounds the wait for a pool slot,
    // the query timeout is enforced by the client, so it also holds when the network is dead.
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    ...(opts.queryTimeoutMs ? { query_timeout: opts.queryTimeoutMs } : {}),
    idleTimeoutMillis: 30_000,
  });
  return new PrismaClient({ adapter });
}
