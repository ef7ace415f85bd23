import { createHash } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../lib/errors/app-error';
import type { Redis } from '../../lib/redis/redis';
import { normalizeEmail } from '../users/users.repository';
import { consumeOne, createInsuredLimiter } from '../ratelimit/limiter';

/**
 * Brute-force brake for sign-up, login and the emailed-link steps. Every attempt counts against
 * three counters:
 *   - the (client IP, email) pair: the tight limit, so one source guessing one account stops soon;
 *   - the client IP: one source spraying many accounts;
 *   - the email from all IPs: a much higher ceiling against distributed guessing. It is high on
 *     purpose: a low per-email limit lets anyone lock the owner out by failing on purpose.
 * A successful login clears the pair's and the email's counters. Shared through Redis across
 * processes; per-process memory when Redis is absent (embedded mode) or down (insurance limiter).
 */
export function createAuthThrottle(deps: {
  redis: Redis | null;
  keyPrefix: string;
  windowSeconds: number;
  perIpEmail: number;
  perEmail: number;
  perIp: number;
}) {
  const make = (name: string, points: number): RateLimiterAbstract =>
    createInsuredLimiter(deps.redis, { points, duration: deps.windowSeconds, keyPrefix: `${deps.keyPrefix}:${name}` });
  const byIpEmail = make('ip-email', deps.perIpEmail);
  const byEmail = make('email', deps.perEmail);
  const byIp = make('ip', deps.perIp);
  // emails (and link tokens) are personal data / secrets: counter keys are hashes
  const emailKey = (email: string) => createHash('sha256').update(normalizeEmail(email)).digest('hex').slice(0, 32);
  const ipKey = (ip: string) => ip || 'unknown';

  /** Seconds to wait, 0 when the attempt is allowed. */
  async function take(limiter: RateLimiterAbstract, key: string): Promise<number> {
    const { ok, res } = await consumeOne(limiter, key);
    return ok ? 0 : Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  }

  return {
    /** Counts one attempt; throws 429 too_many_attempts (with Retry-After) once over any limit. */
    async attempt(ip: string, email: string): Promise<void> {
      const e = emailKey(email);
      const waits = await Promise.all([take(byIp, ipKey(ip)), take(byIpEmail, `${ipKey(ip)}|${e}`), take(byEmail, e)]);
      const retryAfter = Math.max(...waits);
      if (retryAfter > 0) throw new AppError('too_many_attempts', undefined, { retryAfter });
    },
    async succeeded(ip: string, email: string): Promise<void> {
      const e = emailKey(email);
      // best effort: if the store is down the counters simply expire with their window
      await Promise.all([byIpEmail.delete(`${ipKey(ip)}|${e}`).catch(() => false), byEmail.delete(e).catch(() => false)]);
    },
  };
}

export type AuthThrottle = ReturnType<typeof createAuthThrottle>;
