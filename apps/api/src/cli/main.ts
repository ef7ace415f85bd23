import pino from 'pino';
import { loadEnvOrExit } from '../lib/config/env';
import { EMBEDDED_DATA_DIR, startEmbeddedPostgres, type EmbeddedPostgres } from '../lib/db/embedded';
import { migrateDatabase } from '../lib/db/migrate';
import { createPrisma } from '../lib/db/prisma';
import { createLogger } from '../lib/logger/logger';
import { createRedis, redisTargetFrom, waitForRedis } from '../lib/redis/redis';
import { createAuthCache } from '../modules/keys/auth-cache';
import { createKeyService } from '../modules/keys/keys.service';
import { createKeysRepository } from '../modules/keys/keys.repository';
import { createUsersRepository } from '../modules/users/users.repository';
import { createCreditsService } from '../modules/credits/credits.service';
import { createCreditsRepository } from '../modules/credits/credits.repository';
import { createCreditGrants } from '../modules/credits/credit-grants';
import { premiumPolicyFrom } from '../modules/billing/premium';
import { CliError, USAGE, runCli } from './cli';

const HELP = new Set([undefined, 'help', '--help', '-h']);

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (HELP.has(argv[0])) {
    process.stdout.write(USAGE);
    return 0;
  }
  const env = loadEnvOrExit();
  const logger = createLogger({ level: 'warn', destination: pino.destination(2) });
  // Without DATABASE_URL the CLI works on the quick start's embedded database (.data/pglite),
  // which only one process can open: it refuses while `npm start` holds it.
  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(EMBEDDED_DATA_DIR);
    databaseUrl = embedded.url;
    await migrateDatabase(databaseUrl);
  }
  const prisma = createPrisma(databaseUrl, { maxConnections: embedded ? 1 : 2 });
  const redisTarget = redisTargetFrom(env);
  const redis = redisTarget ? createRedis(redisTarget, logger, 'cli') : null;
  if (redis) await waitForRedis(redis, 3000).catch(() => logger.warn('Redis unreachable: running API processes pick up changes after their cache TTL'));
  const authCache = createAuthCache({ ttlMs: 0, redis, logger });
  const users = createUsersRepository(prisma);
  const credits = createCreditsService({ repo: createCreditsRepository(prisma) });
  const premiumPriceIds = [...premiumPolicyFrom(env).prices];
  const creditGrants = createCreditGrants({ users, credits, perPeriod: env.CREDITS_PER_PERIOD, premiumPriceIds, logger });
  try {
    await runCli(argv, {
      users,
      keys: createKeyService({ repo: createKeysRepository(prisma), authCache, rotationGraceSeconds: env.KEY_ROTATION_GRACE_SECONDS }),
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
    // the PUBLISH of an invalidation must be sent before QUIT
    await authCache.drain();
    if (redis) await redis.quit().catch(() => redis.disconnect());
    await prisma.$disconnect();
    if (embedded) await embedded.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
