import { createHash } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../lib/errors/app-error';
import type { Redis } from '../../lib/redis/redis';
import { normalizeEmail } from '../users/users.repository';
import { consumeOne, createInsuredLimiter } from '../ratelimit/limiter';

/**
 * Brute-force brake for sign-up and login: every attempt counts against the client IP and the
 * email; a successful login clears the email's counter. Shared through Redis across processes;
 * per-process memory when Redis is absent (embedded mode) or down (insurance limiter).
 */
export function createAuthThrottle(deps: {
  redis: Redis | null;
  keyPrefix: string;
  windowSeconds: number;
  perEmail: number;
  perIp: number;
}) {
  const make = (name: string, points: number): RateLimiterAbstract =>
    createInsuredLimiter(deps.redis, { points, duration: deps.windowSeconds, keyPrefix: `${deps.keyPrefix}:${name}` });
  const byEmail = make('email', deps.perEmail);
  const byIp = make('ip', deps.perIp);
  // emails are personal data: the counter key is a hash
  const emailKey = (email: string) => createHash('sha256').update(normalizeEmail(email)).digest('hex').slice(0, 32);

  /** Seconds to wait, 0 when the attempt is allowed. */
  async function take(limiter: RateLimiterAbstract, key: string): Promise<number> {
    const { ok, res } = await consumeOne(limiter, key);
    return ok ? 0 : Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  }

  return {
    /** Counts one attempt; throws 429 too_many_attempts (with Retry-After) once over either limit. */
    async attempt(ip: string, email: string): Promise<void> {
      const waits = await Promise.all([take(byIp, ip || 'unknown'), take(byEmail, emailKey(email))]);
      const retryAfter = Math.max(...waits);
      if (retryAfter > 0) throw new AppError('too_many_attempts', undefined, { retryAfter });
    },
    async succeeded(email: string): Promise<void> {
      // best effort: if the store is down the counter simply expires with its window
      await byEmail.delete(emailKey(email)).catch(() => false);
    },
  };
}

export type AuthThrottle = ReturnType<typeof createAuthThrottle>;
