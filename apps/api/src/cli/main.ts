import pino from 'pino';
import { loadEnvOrExit } from '../lib/config/env';
import { createPrisma } from '../lib/db/prisma';
import { createLogger } from '../lib/logger/logger';
import { createRedis, waitForRedis } from '../lib/redis/redis';
import { createAuthCache } from '../modules/auth/auth-cache';
import { createKeyService } from '../modules/keys/keys.service';
import { createUsersRepository } from '../modules/users/users.repository';
import { createCreditsService } from '../modules/credits/credits.service';
import { createCreditGrants } from '../modules/credits/credit-grants';
import { premiumPolicyFrom } from '../modules/billing/premium';
import { CliError, USAGE, runCli } from './cli';

async function main(): Promise<number> {
  const env = loadEnvOrExit();
  if (!env.DATABASE_URL) {
    process.stderr.write('error: DATABASE_URL is not set; the operator CLI works on a real database.\n');
    return 1;
  }
  const logger = createLogger({ level: 'warn', destination: pino.destination(2) });
  const prisma = createPrisma(env.DATABASE_URL, { maxConnections: 2 });
  const redis = env.REDIS_URL ? createRedis(env.REDIS_URL, logger, 'cli') : null;
  if (redis) await waitForRedis(redis, 3000).catch(() => logger.warn('Redis unreachable: running API processes pick up changes after their cache TTL'));
  const authCache = createAuthCache({ ttlMs: 0, redis, logger });
  const credits = createCreditsService({ prisma });
  const premiumPriceIds = [...premiumPolicyFrom(env).prices];
  const creditGrants = createCreditGrants({ prisma, credits, perPeriod: env.CREDITS_PER_PERIOD, premiumPriceIds, logger });
  try {
    await runCli(process.argv.slice(2), {
      users: createUsersRepository(prisma),
      keys: createKeyService({ prisma, authCache, rotationGraceSeconds: env.KEY_ROTATION_GRACE_SECONDS }),
      authCache,
      out: (line) => process.stdout.write(`${line}\n`),
      credits,
      creditGrants,
    });
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  } finally {
    // ioredis auto-pipelining could otherwise send QUIT before the PUBLISH of an invalidation
    await authCache.drain();
    if (redis) await redis.quit().catch(() => redis.disconnect());
    await prisma.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
