import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from '../../lib/redis/redis';

/**
 * A rate-limiter-flexible limiter shared through Redis, with a per-process in-memory
 * "insurance" limiter of the same limits used while Redis is unreachable; without Redis at all
 * (embedded quick start) the in-memory limiter is the only one.
 */
export function createInsuredLimiter(
  redis: Redis | null,
  opts: { points: number; duration: number; keyPrefix: string },
): RateLimiterAbstract {
  const memory = new RateLimiterMemory(opts);
  return redis
    ? new RateLimiterRedis({ ...opts, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: memory })
    : memory;
}

/** Consumes one point; a refusal is a result, not an exception. Store errors still throw. */
export async function consumeOne(limiter: RateLimiterAbstract, key: string): Promise<{ ok: boolean; res: RateLimiterRes }> {
  try {
    return { ok: true, res: await limiter.consume(key, 1) };
  } catch (rejection: unknown) {
    if (rejection instanceof RateLimiterRes) return { ok: false, res: rejection };
    throw rejection; // a store error with no insurance: a real bug, surfaces as 500
  }
}
