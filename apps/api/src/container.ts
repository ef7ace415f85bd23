import type { Env } from './lib/config/env';
import { createPrisma, type PrismaClient } from './lib/db/prisma';
import { throttledWarn, type Logger } from './lib/logger/logger';
import { createRedis, waitForRedis, type Redis, type RedisTarget } from './lib/redis/redis';
import type { KvStore } from './lib/kv/kv-store';
import { createMemoryStore } from './lib/kv/memory-store';
import { createKeyResolver } from './modules/keys/api-key.auth';
import { createAuthCache } from './modules/keys/auth-cache';
import { createKeyService } from './modules/keys/keys.service';
import { createKeysRepository } from './modules/keys/keys.repository';
import { createHealthRepository } from './modules/health/health.repository';
import { createRateLimitService, windowsFromLimits } from './modules/ratelimit/rate-limit.service';
import { createUsageService } from './modules/usage/usage.service';
import { createUsageRepository } from './modules/usage/usage.repository';
import { createAbuseLimits } from './modules/ratelimit/abuse-limits';
import { createUsersRepository } from './modules/users/users.repository';
import { createXClient } from './modules/twitter/x-client/x-client';
import { createExtractionService } from './modules/twitter/extraction.service';
import type { AppDeps } from './app';
import { createAccountModule } from './modules/accounts/accounts.module';
import { createAuthThrottle } from './modules/accounts/auth-throttle';
import { createSessionService } from './modules/accounts/sessions.service';
import { createAccountsRepository } from './modules/accounts/accounts.repository';
import { createBillingRepository } from './modules/billing/billing.repository';
import { createBillingService } from './modules/billing/billing.service';
import { createStripeClient } from './modules/billing/stripe.client';
import { createStripeWebhookService } from './modules/billing/stripe-webhook.service';
import { premiumPolicyFrom } from './modules/billing/premium';
import { createMetrics } from './modules/metrics/metrics';
import { createCreditsService } from './modules/credits/credits.service';
import { createCreditsRepository } from './modules/credits/credits.repository';
import { createMediaFeature } from './modules/media/media.feature';
import { createCreditGrants } from './modules/credits/credit-grants';
import { systemNow } from './lib/time/clock';

export interface ContainerOptions {
  env: Env;
  logger: Logger;
  databaseUrl: string;
  /** null = no Redis: in-memory rate limits and an in-process store for X tokens/cache */
  redisTarget: RedisTarget | null;
  /** Embedded PGlite takes one connection at a time. */
  maxDbConnections?: number;
  /** Prefix for every Redis key (tests isolate themselves with it). */
  keyPrefix?: string;
  /** The clock for sessions, key expiry and premium grace (tests move it). */
  now?: () => Date;
}

/**
 * The composition root: every service is created here, once, from explicit configuration.
 * main.ts and the tests both use it.
 */
export async function createContainer(opts: ContainerOptions) {
  const { env, logger } = opts;
  const now = opts.now ?? systemNow;
  const prefix = opts.keyPrefix ?? 'twdown';
  const prisma: PrismaClient = createPrisma(opts.databaseUrl, {
    maxConnections: opts.maxDbConnections,
    connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: env.DATABASE_QUERY_TIMEOUT_MS,
  });
  const redis: Redis | null = opts.redisTarget ? createRedis(opts.redisTarget, logger, 'main', { commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS }) : null;
  if (redis) {
    await waitForRedis(redis).catch((err: unknown) => {
      // Not fatal: the rate limiter falls back to per-process limits until Redis is back.
      logger.error({ err: String(err) }, 'Redis is not reachable at start-up; continuing with degraded limits');
    });
  }
  // X tokens and the extraction cache need a key-value store; without Redis an in-process one serves.
  const xRedis: KvStore = redis ?? createMemoryStore();
  const metrics = createMetrics({ xBaseUrls: [env.X_API_BASE_URL, env.X_SYNDICATION_BASE_URL] });

  const authCache = createAuthCache({
    ttlMs: env.AUTH_CACHE_TTL_SECONDS * 1000,
    outageTtlMs: env.AUTH_CACHE_OUTAGE_TTL_SECONDS * 1000,
    redis,
    logger,
  });
  await authCache.listen().catch((err: unknown) => logger.warn({ err: String(err) }, 'auth invalidation channel not subscribed'));
  const premium = premiumPolicyFrom(env);
  const keysRepo = createKeysRepository(prisma);
  const resolveKey = createKeyResolver({ keys: keysRepo, cache: authCache, premium, now });
  const keys = createKeyService({ repo: keysRepo, authCache, rotationGraceSeconds: env.KEY_ROTATION_GRACE_SECONDS, now });
  const users = createUsersRepository(prisma);
  const limits = metrics.observeLimits(createRateLimitService({
    redis,
    windows: windowsFromLimits({
      perMinute: env.RATE_LIMIT_PER_MINUTE,
      perHour: env.RATE_LIMIT_PER_HOUR,
      perDay: env.RATE_LIMIT_PER_DAY,
    }),
    keyPrefix: `${prefix}:rl`,
    onFallback: throttledWarn(logger, 'rate limits answered per process: a Redis call failed', 10_000),
  }));
  const abuse = createAbuseLimits({
    redis,
    keyPrefix: `${prefix}:abuse`,
    usageReadsPerMinute: env.USAGE_READS_PER_MINUTE,
    authFailuresPerIpPerMinute: env.AUTH_FAILURES_PER_IP_PER_MINUTE,
  });
  const usage = createUsageService({ repo: createUsageRepository(prisma), redis, logger, keyPrefix: `${prefix}:usage` });

  const xClient = createXClient({
    redis: xRedis,
    logger,
    config: {
      apiBaseUrl: env.X_API_BASE_URL,
      syndicationBaseUrl: env.X_SYNDICATION_BASE_URL,
      ...(env.X_MEDIA_BASE_URL === undefined ? {} : { mediaBaseUrl: env.X_MEDIA_BASE_URL }),
      connectTimeoutMs: env.X_CONNECT_TIMEOUT_MS,
      bodyTimeoutMs: env.X_BODY_TIMEOUT_MS,
      maxRetries: env.X_MAX_RETRIES,
      deadlineMs: env.X_REQUEST_DEADLINE_MS,
      guestTokenTtlSeconds: env.X_GUEST_TOKEN_TTL_SECONDS,
      keyPrefix: `${prefix}:`,
      breaker: {
        failureThreshold: env.X_BREAKER_FAILURE_THRESHOLD,
        windowMs: env.X_BREAKER_WINDOW_MS,
        coolDownMs: env.X_BREAKER_COOLDOWN_MS,
      },
    },
  });
  metrics.watchBreaker(() => xClient.circuitState());
  const extractor = createExtractionService({
    xClient,
    redis: metrics.observeCache(xRedis),
    logger,
    cacheTtlSeconds: env.X_CACHE_TTL_SECONDS,
    keyPrefix: `${prefix}:x:`,
  });

  const accountsRepo = createAccountsRepository(prisma);
  const sessions = createSessionService({ rows: accountsRepo.sessions, ttlSeconds: env.SESSION_TTL_SECONDS, now });
  const throttle = createAuthThrottle({
    redis,
    keyPrefix: `${prefix}:auth`,
    windowSeconds: env.AUTH_THROTTLE_WINDOW_SECONDS,
    perIpEmail: env.AUTH_THROTTLE_PER_IP_EMAIL,
    perEmail: env.AUTH_THROTTLE_PER_EMAIL,
    perIp: env.AUTH_THROTTLE_PER_IP,
  });
  const { accounts, recovery, mailer } = createAccountModule({ env, repo: accountsRepo, users, sessions, throttle, logger, now });
  const stripe = createStripeClient(env);
  if (!stripe) logger.warn('Stripe is not configured (STRIPE_SECRET_KEY/STRIPE_PRICE_ID): billing endpoints answer 503');
  else if (!env.STRIPE_WEBHOOK_SECRET) logger.warn('STRIPE_WEBHOOK_SECRET is not set: Stripe webhooks are refused, subscriptions will not update');
  const billing = createBillingService({
    users,
    stripe,
    priceId: env.STRIPE_PRICE_ID,
    premium,
    logger,
    now,
  });
  const credits = createCreditsService({ repo: createCreditsRepository(prisma), now });
  const creditGrants = createCreditGrants({
    users,
    credits,
    perPeriod: env.CREDITS_PER_PERIOD,
    premiumPriceIds: [...premium.prices],
    logger,
    now,
  });
  const creditsStanding = { credits, perPeriod: env.CREDITS_PER_PERIOD, convertCostPerMinute: env.CONVERT_CREDIT_COST };
  const webhooks = metrics.observeWebhooks(createStripeWebhookService({
    stripe,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET,
    repo: createBillingRepository(prisma),
    premiumPrices: premium.prices,
    authCache,
    logger,
    creditGrants,
  }));

  const media = createMediaFeature({ env, logger, redis, extractor, credits, keyPrefix: prefix });

  let shuttingDown = false;
  const localFlushTimer = setInterval(() => {
    usage.flushLocal().catch((err: unknown) => logger.warn({ err: String(err) }, 'usage counters not flushed'));
  }, 1_000);
  localFlushTimer.unref();
  const flushTimer = setInterval(() => {
    usage.flush().catch((err: unknown) => logger.warn({ err: String(err) }, 'usage flush failed'));
  }, 30_000);
  flushTimer.unref();
  const stopCreditSweep = creditGrants.startMonthlySweep();

  const deps: AppDeps = {
    env,
    logger,
    redis,
    repos: { health: createHealthRepository(prisma), keys: keysRepo, users },
    resolveKey,
    limits,
    usage,
    extractor,
    creditsStanding,
    isShuttingDown: () => shuttingDown,
    media,
    metrics,
    abuse,
    accounts,
    recovery,
    sessions,
    keys,
    billing,
    webhooks,
  };

  return {
    deps,
    prisma,
    redis,
    authCache,
    keys,
    users,
    sessions,
    accounts,
    recovery,
    mailer,
    billing,
    webhooks,
    limits,
    usage,
    xClient,
    metrics,
    credits,
    media,
    creditGrants,
    beginShutdown() {
      shuttingDown = true;
    },
    async close(): Promise<void> {
      shuttingDown = true;
      clearInterval(flushTimer);
      clearInterval(localFlushTimer);
      stopCreditSweep();
      await usage.flush().catch((err: unknown) => logger.warn({ err: String(err) }, 'final usage flush failed'));
      await mailer.close();
      await xClient.close();
      await media.close();
      await authCache.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
      await prisma.$disconnect();
      metrics.close();
    },
  };
}

export type Container = Awaited<ReturnType<typeof createContainer>>;
