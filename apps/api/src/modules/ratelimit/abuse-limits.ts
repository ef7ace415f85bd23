import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError, isAppError, type ErrorCode } from '../../lib/errors/app-error';
import type { Redis } from '../../lib/redis/redis';
import { consumeOne, createInsuredLimiter } from './limiter';

/** Refusals that cost us a lookup (PostgreSQL for an unknown key, the account for a free one). */
const COUNTED_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['invalid_api_key', 'not_premium']);

const MINUTE = 60;
const NO_REFUSALS = { used: 0, msBeforeNext: 0 } as const;

/**
 * Limits on the requests the per-account rate limits never see, because they are not billable:
 * - `GET /api/v1/usage` per key (each call flushes usage and runs two queries);
 * - refused API-key requests per client IP (each unknown key is one PostgreSQL lookup, each free
 *   key's 403 one account read): once an IP has used up its refusals, its API-key requests are
 *   answered 429 before any lookup until the minute ends.
 * Shared through Redis like the account limits, per process while Redis is unreachable.
 */
export function createAbuseLimits(deps: {
  redis: Redis | null;
  keyPrefix: string;
  usageReadsPerMinute: number;
  authFailuresPerIpPerMinute: number;
}) {
  const usageReads = createInsuredLimiter(deps.redis, {
    points: deps.usageReadsPerMinute,
    duration: MINUTE,
    keyPrefix: `${deps.keyPrefix}:usage-reads`,
  });
  const authFailures = createInsuredLimiter(deps.redis, {
    points: deps.authFailuresPerIpPerMinute,
    duration: MINUTE,
    keyPrefix: `${deps.keyPrefix}:auth-failures`,
  });

  const refused = (message: string, msBeforeNext: number, scope: string) =>
    new AppError('rate_limited', message, { retryAfter: Math.max(1, Math.ceil(msBeforeNext / 1000)), details: { scope } });

  async function standing(limiter: RateLimiterAbstract, key: string): Promise<{ used: number; msBeforeNext: number }> {
    const res = await limiter.get(key).catch(() => null); // store trouble: do not refuse on a guess
    return { used: res?.consumedPoints ?? 0, msBeforeNext: res?.msBeforeNext ?? 0 };
  }

  /**
   * An IP's refusals so far, for the gate every API-key request passes. limiter.get() reads the
   * count and its expiry in a MULTI (four commands, the largest item of a cache hit's profile);
   * the gate needs the expiry only to refuse, so one GET of the limiter's own key answers the
   * usual case (an IP under its allowance) and the full read is made only at or over it, or when
   * the GET fails (the limiter then answers from its per-process insurance, as before).
   */
  function refusalsOf(key: string, limit: number): Promise<{ used: number; msBeforeNext: number }> {
    if (!deps.redis) return standing(authFailures, key);
    return deps.redis.get(authFailures.getKey(key)).then(
      (raw) => {
        if (raw === null) return NO_REFUSALS;
        const used = Number(raw);
        return Number.isInteger(used) && used < limit ? { used, msBeforeNext: 0 } : standing(authFailures, key);
      },
      () => standing(authFailures, key),
    );
  }

  return {
    /** Before API-key auth: an IP out of refusals gets 429 without a lookup. */
    authFailureGate(): RequestHandler {
      const limit = deps.authFailuresPerIpPerMinute;
      // one promise chain per request (no async frames): this runs before every API-key request
      return (req, _res, next) =>
        refusalsOf(req.ip ?? 'unknown', limit).then(({ used, msBeforeNext }) => {
          if (used >= limit) throw refused('Too many refused API-key requests from this address', msBeforeNext, 'auth_failures');
          next();
        });
    },
    /** Error middleware on the API router: counts invalid-key and not-premium refusals per IP. */
    countAuthFailures(): ErrorRequestHandler {
      return async (err: unknown, req, _res, next) => {
        if (isAppError(err) && COUNTED_REFUSALS.has(err.code)) {
          await consumeOne(authFailures, req.ip ?? 'unknown').catch(() => undefined);
        }
        next(err);
      };
    },
    /** After API-key auth on GET /usage: calls per key per minute. */
    usageReadLimit(): RequestHandler {
      return async (req, _res, next) => {
        const keyId = req.principal?.keyId;
        if (!keyId) throw new AppError('internal', undefined, { cause: new Error('usageReadLimit() before auth') });
        const { ok, res } = await consumeOne(usageReads, keyId);
        if (!ok) throw refused('Too many usage reads for this key', res.msBeforeNext, 'usage_reads');
        next();
      };
    },
  };
}

export type AbuseLimits = ReturnType<typeof createAbuseLimits>;
