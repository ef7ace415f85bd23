import type { PrismaClient } from '../../lib/db/prisma';
import type { Logger } from '../../lib/logger/logger';
import type { Redis } from '../../lib/redis/redis';
import type { KeyPrincipal } from '../auth/auth-cache';

const HOUR_MS = 3_600_000;
const COUNTER_TTL_SECONDS = 35 * 24 * 3600;
const LAST_USED_THROTTLE_SECONDS = 60;

export interface UsagePoint {
  /** ISO hour or day start */
  at: string;
  requests: number;
  rate_limited: number;
}

export function hourStart(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/**
 * Usage per key per hour. The API's hot path only increments Redis counters (one pipelined
 * round trip); `flush()` copies them into PostgreSQL (usage_hours, absolute values, so a
 * repeated flush is harmless) on a timer, at shutdown, and before every read. Without Redis
 * (embedded quick start) requests are counted in PostgreSQL directly.
 */
export function createUsageService(deps: {
  prisma: PrismaClient;
  redis: Redis | null;
  logger: Logger;
  keyPrefix?: string;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const prefix = deps.keyPrefix ?? 'twdown:usage';
  const dirtySet = `${prefix}:dirty`;
  const counterKey = (keyId: string, hour: number) => `${prefix}:${keyId}:${hour}`;

  function touchLastUsed(keyId: string): void {
    deps.prisma.apiKey
      .update({ where: { id: keyId }, data: { lastUsedAt: new Date(now()) } })
      .catch((err: unknown) => deps.logger.warn({ err: String(err) }, 'could not update key last_used_at'));
  }

  async function recordDirect(principal: KeyPrincipal, outcome: 'ok' | 'limited'): Promise<void> {
    const hour = new Date(hourStart(now()));
    const inc = outcome === 'ok' ? { requests: 1, rateLimited: 0 } : { requests: 1, rateLimited: 1 };
    await deps.prisma.usageHour.upsert({
      where: { keyId_hour: { keyId: principal.keyId, hour } },
      create: { keyId: principal.keyId, userId: principal.userId, hour, ...inc },
      update: { requests: { increment: inc.requests }, rateLimited: { increment: inc.rateLimited } },
    });
  }

  async function recordRedis(redis: Redis, principal: KeyPrincipal, outcome: 'ok' | 'limited'): Promise<void> {
    const hour = hourStart(now());
    const key = counterKey(principal.keyId, hour);
    const results = await redis
      .multi()
      .hincrby(key, 'requests', 1)
      .hincrby(key, 'rate_limited', outcome === 'limited' ? 1 : 0)
      .hsetnx(key, 'user', principal.userId)
      .expire(key, COUNTER_TTL_SECONDS)
      .sadd(dirtySet, `${principal.keyId}:${hour}`)
      .set(`${prefix}:lastused:${principal.keyId}`, '1', 'EX', LAST_USED_THROTTLE_SECONDS, 'NX')
      .exec();
    if (results?.[5]?.[1] === 'OK') touchLastUsed(principal.keyId);
  }

  async function flush(): Promise<number> {
    const redis = deps.redis;
    if (!redis) return 0;
    let moved = 0;
    for (;;) {
      const members = await redis.spop(dirtySet, 200);
      if (members.length === 0) return moved;
      for (const member of members) {
        const [keyId, hourText] = member.split(':');
        if (!keyId || !hourText) continue;
        const hour = Number(hourText);
        const h = await redis.hgetall(counterKey(keyId, hour));
        if (!h.user) continue;
        const requests = Number(h.requests ?? 0);
        const rateLimited = Number(h.rate_limited ?? 0);
        try {
          await deps.prisma.usageHour.upsert({
            where: { keyId_hour: { keyId, hour: new Date(hour) } },
            create: { keyId, userId: h.user, hour: new Date(hour), requests, rateLimited },
            update: { requests, rateLimited },
          });
          moved++;
        } catch (err) {
          // the key row may have been deleted meanwhile; put it back only if the key still exists
          const exists = await deps.prisma.apiKey.count({ where: { id: keyId } });
          if (exists) {
            await redis.sadd(dirtySet, member);
            throw err;
          }
        }
      }
    }
  }

  return {
    /** Fire-and-forget from the request path; failures are logged, never surfaced to the caller. */
    record(principal: KeyPrincipal, outcome: 'ok' | 'limited'): void {
      const work = deps.redis ? recordRedis(deps.redis, principal, outcome) : recordDirect(principal, outcome);
      work.catch((err: unknown) => deps.logger.warn({ err: String(err) }, 'usage not recorded'));
    },
    flush,
    /** Hourly points for the last `hours` hours and daily points for the last `days` days. */
    async summary(filter: { userId: string; keyId?: string }, opts: { hours: number; days: number }) {
      try {
        await flush();
      } catch (err) {
        deps.logger.warn({ err: String(err) }, 'usage flush failed; showing the last flushed figures');
      }
      const end = hourStart(now());
      const since = new Date(end - (opts.days * 24 - 1) * HOUR_MS);
      const rows = await deps.prisma.usageHour.findMany({
        where: { userId: filter.userId, ...(filter.keyId ? { keyId: filter.keyId } : {}), hour: { gte: since } },
        select: { keyId: true, hour: true, requests: true, rateLimited: true },
      });
      const hourly = new Map<number, UsagePoint>();
      for (let i = opts.hours - 1; i >= 0; i--) {
        const t = end - i * HOUR_MS;
        hourly.set(t, { at: new Date(t).toISOString(), requests: 0, rate_limited: 0 });
      }
      const daily = new Map<string, UsagePoint>();
      for (let i = opts.days - 1; i >= 0; i--) {
        const day = new Date(end - i * 24 * HOUR_MS).toISOString().slice(0, 10);
        daily.set(day, { at: `${day}T00:00:00.000Z`, requests: 0, rate_limited: 0 });
      }
      const perKey = new Map<string, { requests: number; rate_limited: number }>();
      for (const r of rows) {
        const h = hourly.get(r.hour.getTime());
        if (h) {
          h.requests += r.requests;
          h.rate_limited += r.rateLimited;
        }
        const d = daily.get(r.hour.toISOString().slice(0, 10));
        if (d) {
          d.requests += r.requests;
          d.rate_limited += r.rateLimited;
        }
        const k = perKey.get(r.keyId) ?? { requests: 0, rate_limited: 0 };
        k.requests += r.requests;
        k.rate_limited += r.rateLimited;
        perKey.set(r.keyId, k);
      }
      const sum = (points: UsagePoint[]) =>
        points.reduce((a, p) => ({ requests: a.requests + p.requests, rate_limited: a.rate_limited + p.rate_limited }), {
          requests: 0,
          rate_limited: 0,
        });
      const hourlyPoints = [...hourly.values()];
      const dailyPoints = [...daily.values()];
      return {
        last_24h: { totals: sum(hourlyPoints), hourly: hourlyPoints },
        last_30d: { totals: sum(dailyPoints), daily: dailyPoints },
        per_key_30d: Object.fromEntries(perKey),
      };
    },
  };
}

export type UsageService = ReturnType<typeof createUsageService>;
export type UsageRecorder = Pick<UsageService, 'record'>;
