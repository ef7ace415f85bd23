import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Redis } from '../../lib/redis/redis';
import { consumeOne } from './limiter';
import { defineRateWindowsScript } from './rate-limit.script';
import { systemClock } from '../../lib/time/clock';

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
  /** unix seconds of the reset (the same on every answer of one window) */
  resetAt: number;
  allowed: boolean;
}

export interface RateDecision {
  allowed: boolean;
  windows: WindowState[];
  /** which counter decided: Redis (exact across processes) or this process's insurance limiter */
  store: 'redis' | 'process';
}

export function windowsFromLimits(limits: { perMinute: number; perHour: number; perDay: number }): WindowSpec[] {
  return [
    { name: 'minute', limit: limits.perMinute, seconds: 60 },
    { name: 'hour', limit: limits.perHour, seconds: 3600 },
    { name: 'day', limit: limits.perDay, seconds: 86_400 },
  ];
}

/**
 * What this process knows of one account's windows: the count Redis last reported, the requests
 * it admitted on its own while Redis was unreachable, and when each window ends (unix ms, a
 * whole second). Sent along with every Redis call so an outage's admissions and a window Redis
 * forgot (restart without persistence) are merged back; it also seeds the per-process insurance
 * limiter, so an outage starts from the account's real standing instead of from zero.
 */
interface Known {
  /** the account's Redis keys, built once */
  keys: string[];
  seen: number[];
  local: number[];
  ends: number[];
  /** the Redis connection this was last read on (see `epoch`) */
  epoch: number;
}

/** Accounts remembered per process; the oldest are forgotten first (a Map keeps insertion order). */
const MAX_KNOWN_ACCOUNTS = 50_000;

/**
 * Ends a new window on a whole second, so its reset time in unix seconds never wobbles: a window
 * lasts its length minus the part of the second it started in (never longer than its length).
 */
const windowEnd = (now: number, seconds: number) => Math.floor((now + seconds * 1000) / 1000) * 1000;

/**
 * Per-account limits in three fixed windows. With Redis: one Lua script counts all three
 * atomically in one round trip, exact across processes (rate-limit.script.ts). If a Redis call
 * fails (down, refused, timed out) the request is counted by a per-process insurance limiter
 * (rate-limiter-flexible, in memory) starting from the standing last seen in Redis, and those
 * admissions are written back to Redis when it answers again. Without Redis at all (embedded
 * quick start) the in-memory limiters are the only ones.
 */
export function createRateLimitService(deps: {
  redis: Redis | null;
  windows: WindowSpec[];
  keyPrefix?: string;
  now?: () => number;
  /**
   * Told of every Redis call that failed and sent a request to the insurance limiter (the
   * composition root logs it, throttled): the limits are per process, not exact, while it lasts.
   */
  onFallback?: (err: unknown) => void;
}) {
  const now = deps.now ?? (() => systemClock.now());
  const prefix = deps.keyPrefix ?? 'twdown:rl';
  const specs = deps.windows;
  const n = specs.length;
  const run = deps.redis ? defineRateWindowsScript(deps.redis, n) : null;
  const memory = specs.map((spec) => new RateLimiterMemory({ points: spec.limit, duration: spec.seconds, keyPrefix: `${prefix}:mem:${spec.name}` }));
  const known = new Map<string, Known>();
  /** The windows as the script's first argument, built once. */
  const specArg = specs.map((s) => `${s.limit}:${s.seconds}`).join(',');
  // Every (re)connection may be to a Redis that lost its data (restart without persistence,
  // failover): the first call per account after one sends what this process knows.
  let epoch = 0;
  deps.redis?.on('ready', () => {
    epoch++;
  });

  function knownOf(accountId: string): Known | undefined {
    return known.get(accountId);
  }

  /** The account's entry, created (with nothing known yet) on first use. */
  function entry(accountId: string): Known {
    let k = known.get(accountId);
    if (!k) {
      if (known.size >= MAX_KNOWN_ACCOUNTS) {
        const oldest = known.keys().next();
        if (!oldest.done) known.delete(oldest.value);
      }
      k = {
        keys: specs.map((spec) => `${prefix}:{${accountId}}:${spec.name}`),
        seen: specs.map(() => 0),
        local: specs.map(() => 0),
        ends: specs.map(() => 0),
        epoch,
      };
      known.set(accountId, k);
    }
    return k;
  }

  function state(spec: WindowSpec, count: number, end: number, at: number, allowed: boolean): WindowState {
    return {
      name: spec.name,
      limit: spec.limit,
      remaining: Math.max(0, spec.limit - count),
      resetIn: Math.max(0, Math.ceil((end - at) / 1000)),
      resetAt: end / 1000,
      allowed,
    };
  }

  async function viaRedis(script: NonNullable<typeof run>, accountId: string, count: boolean): Promise<RateDecision> {
    const k = entry(accountId);
    const t0 = now();
    const args = [...k.keys, specArg, count ? '1' : '0'];
    let handedOver: string[] | null = null;
    let outage: number[] | null = null;
    const hasLocal = k.local.some((x) => x > 0);
    if (k.epoch !== epoch || hasLocal) {
      args.push(specs.map((_, i) => ((k.ends[i] ?? 0) > t0 ? `${k.seen[i] ?? 0}:${k.local[i] ?? 0}:${k.ends[i] ?? 0}` : '0:0:0')).join(','));
      // handed to this call alone: a concurrent call must not add the outage's admissions twice
      if (hasLocal) {
        handedOver = k.ends.map((end) => `${accountId}:${end}`);
        outage = [...k.local];
      }
      k.local.fill(0);
      k.epoch = epoch;
    }
    let out: number[];
    try {
      out = await script(args);
    } catch (err: unknown) {
      // not handed over after all: the outage's admissions stay with this process, for the
      // standing it reports (peek) and for the next call that reaches Redis (consume's insurance
      // path derives them again from its memory limiter anyway)
      if (outage) outage.forEach((x, i) => (k.local[i] = (k.local[i] ?? 0) + x));
      throw err;
    }
    const admitted = out[0] === 1;
    const at = out[1] ?? t0;
    const windows: WindowState[] = [];
    for (let i = 0; i < n; i++) {
      const spec = specs[i];
      if (!spec) continue;
      const c = out[2 + i] ?? 0;
      const ttl = out[2 + n + i] ?? -2;
      // a window that has not started yet would end a full length after the next request
      const end = ttl >= 0 ? Math.round((at + ttl) / 1000) * 1000 : windowEnd(at, spec.seconds);
      k.seen[i] = c;
      k.ends[i] = end;
      windows.push(state(spec, c, end, at, count ? admitted || c < spec.limit : c < spec.limit));
    }
    // the outage's admissions are in Redis now: the insurance limiter starts over next time
    if (handedOver) handedOver.forEach((key, i) => void memory[i]?.delete(key));
    return { allowed: count ? admitted : true, windows, store: 'redis' };
  }

  /** The insurance path: per process, from the last standing seen in Redis. */
  async function locally(accountId: string): Promise<RateDecision> {
    const t = now();
    const k = knownOf(accountId);
    const live = specs.map((spec, i) => {
      const end = k?.ends[i];
      return end !== undefined && end > t
        ? { end, seen: k?.seen[i] ?? 0 }
        : { end: windowEnd(t, spec.seconds), seen: 0 };
    });
    const results = await Promise.all(live.map((w, i) => consumeOne(memory[i], `${accountId}:${w.end}`)));
    const totals = results.map((r, i) => (live[i]?.seen ?? 0) + r.res.consumedPoints);
    const admitted = totals.every((c, i) => c <= (specs[i]?.limit ?? 0));
    if (!admitted) {
      // counted nowhere, like the Redis path
      await Promise.all(live.map((w, i) => memory[i]?.reward(`${accountId}:${w.end}`, 1)));
    }
    const counted = totals.map((c) => (admitted ? c : c - 1));
    const e = entry(accountId);
    live.forEach((w, i) => {
      e.seen[i] = w.seen;
      e.local[i] = (counted[i] ?? 0) - w.seen;
      e.ends[i] = w.end;
    });
    return {
      allowed: admitted,
      windows: specs.map((spec, i) => {
        const c = counted[i] ?? 0;
        return state(spec, c, live[i]?.end ?? t, t, admitted || c < spec.limit);
      }),
      store: 'process',
    };
  }

  /** Standing from what this process knows, when Redis cannot be asked. */
  function knownStanding(accountId: string): WindowState[] {
    const t = now();
    const k = knownOf(accountId);
    return specs.map((spec, i) => {
      const end = k?.ends[i];
      const live = end !== undefined && end > t;
      const c = live ? (k?.seen[i] ?? 0) + (k?.local[i] ?? 0) : 0;
      return state(spec, c, live ? end : windowEnd(t, spec.seconds), t, c < spec.limit);
    });
  }

  return {
    windows: specs,
    /** Counts one request against every window; a refused request is counted in none. */
    async consume(accountId: string): Promise<RateDecision> {
      if (!run) return locally(accountId);
      // Redis down, refused or too slow: limit per process rather than fail the request
      return viaRedis(run, accountId, true).catch((err: unknown) => {
        deps.onFallback?.(err);
        return locally(accountId);
      });
    },
    /** Current standing without counting a request. */
    async peek(accountId: string): Promise<WindowState[]> {
      if (!run) return knownStanding(accountId);
      try {
        return (await viaRedis(run, accountId, false)).windows;
      } catch {
        return knownStanding(accountId);
      }
    },
    /** Test/operator helper: forget an account's counters (Redis and this process). */
    async reset(accountId: string): Promise<void> {
      const k = knownOf(accountId);
      known.delete(accountId);
      if (k) await Promise.all(memory.map((m, i) => m.delete(`${accountId}:${k.ends[i] ?? 0}`)));
      if (deps.redis) await deps.redis.del(...specs.map((spec) => `${prefix}:{${accountId}}:${spec.name}`));
    },
  };
}

export type RateLimitService = ReturnType<typeof createRateLimitService>;
