import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../../lib/redis/redis';
import { consumeOne, createInsuredLimiter } from './limiter';

export interface WindowSpec {
  name: 'minute' | 'hour' | 'day';
  limit: number;
  seconds: number;
}

export interface WindowState {
  name: WindowSpec['name'];
  limit: number;
  remaining: number;
  /** seconds until the window resets */
  resetIn: number;
  /** unix seconds of the reset */
  resetAt: number;
  allowed: boolean;
}

export interface RateDecision {
  allowed: boolean;
  windows: WindowState[];
}

export function windowsFromLimits(limits: { perMinute: number; perHour: number; perDay: number }): WindowSpec[] {
  return [
    { name: 'minute', limit: limits.perMinute, seconds: 60 },
    { name: 'hour', limit: limits.perHour, seconds: 3600 },
    { name: 'day', limit: limits.perDay, seconds: 86_400 },
  ];
}

/**
 * Per-account limits in three fixed windows (rate-limiter-flexible). With Redis the counters
 * are shared by every process and exact under concurrency (atomic increments). If Redis is
 * unreachable each window falls back to a per-process in-memory "insurance" limiter with the
 * same limits, so requests keep being limited (per process) instead of failing.
 * Without Redis at all (embedded quick start) the in-memory limiters are the only ones.
 */
export function createRateLimitService(deps: {
  redis: Redis | null;
  windows: WindowSpec[];
  keyPrefix?: string;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const prefix = deps.keyPrefix ?? 'twdown:rl';
  const limiters: Array<{ spec: WindowSpec; limiter: RateLimiterAbstract }> = deps.windows.map((spec) => ({
    spec,
    limiter: createInsuredLimiter(deps.redis, { points: spec.limit, duration: spec.seconds, keyPrefix: `${prefix}:${spec.name}` }),
  }));

  function toState(spec: WindowSpec, res: RateLimiterRes | null, allowed: boolean): WindowState {
    const consumed = res?.consumedPoints ?? 0;
    const resetIn = res ? Math.max(0, Math.ceil(res.msBeforeNext / 1000)) : spec.seconds;
    return {
      name: spec.name,
      limit: spec.limit,
      remaining: Math.max(0, spec.limit - consumed),
      resetIn,
      resetAt: Math.ceil(now() / 1000) + resetIn,
      allowed,
    };
  }

  return {
    windows: deps.windows,
    /** Counts one request against every window; a refused request is refunded to the others. */
    async consume(accountId: string): Promise<RateDecision> {
      const results = await Promise.all(limiters.map(({ limiter }) => consumeOne(limiter, accountId)));
      const allowed = results.every((r) => r.ok);
      if (!allowed) {
        await Promise.all(
          results.map((r, i) => {
            const entry = limiters[i];
            return r.ok && entry ? entry.limiter.reward(accountId, 1) : Promise.resolve(undefined);
          }),
        );
      }
      return {
        allowed,
        windows: results.map((r, i) => {
          const spec = deps.windows[i];
          const state = toState(spec, r.res, r.ok);
          // the refund gave the point back to windows that admitted the request
          return !allowed && r.ok ? { ...state, remaining: Math.min(spec.limit, state.remaining + 1) } : state;
        }),
      };
    },
    /** Current standing without counting a request. */
    async peek(accountId: string): Promise<WindowState[]> {
      const states = await Promise.all(
        limiters.map(async ({ spec, limiter }) => {
          let res: RateLimiterRes | null = null;
          try {
            res = await limiter.get(accountId);
          } catch {
            res = null; // store unavailable: report an untouched window
          }
          const state = toState(spec, res, true);
          return { ...state, allowed: state.remaining > 0 };
        }),
      );
      return states;
    },
    /** Test/operator helper: forget an account's counters. */
    async reset(accountId: string): Promise<void> {
      await Promise.all(limiters.map(({ limiter }) => limiter.delete(accountId)));
    },
  };
}

export type RateLimitService = ReturnType<typeof createRateLimitService>;
