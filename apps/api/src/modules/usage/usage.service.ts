import type { Logger } from '../../lib/logger/logger';
import type { Redis } from '../../lib/redis/redis';
import type { KeyPrincipal } from '../keys/auth-cache';
import { systemClock } from '../../lib/time/clock';
import type { HourCounts, UsageRepository } from './usage.repository';

const HOUR_MS = 3_600_000;
const COUNTER_TTL_SECONDS = 35 * 24 * 3600;
const LAST_USED_THROTTLE_SECONDS = 60;

export interface UsagePoint {
  /** ISO hour or day start */
  at: string;
  requests: number;
  rate_limited: number;
}

/** Requests of one key in one hour, counted in-process since the last flush. */
type Counter = HourCounts;

export function hourStart(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/**
 * Usage per key per hour. The request path only bumps in-process counters; `flushLocal()`
 * (every second, from the composition root) adds them to Redis counters shared by every
 * process, and `flush()` copies those into PostgreSQL (usage_hours, absolute values, so a
 * repeated flush is harmless) on a timer, at shutdown, and before every read. A crash loses at
 * most the last second of counts. Without Redis (embedded quick start) the local counters go
 * straight to PostgreSQL.
 */
export function createUsageService(deps: {
  repo: UsageRepository;
  redis: Redis | null;
  logger: Logger;
  keyPrefix?: string;
  now?: () => number;
}) {
  const now = deps.now ?? (() => systemClock.now());
  const prefix = deps.keyPrefix ?? 'twdown:usage';
  const dirtySet = `${prefix}:dirty`;
  // {keyId} is a hash tag: one key's counters and its last-used marker share a Redis Cluster
  // slot, so they can be written in one MULTI there too.
  const counterKey = (keyId: string, hour: number) => `${prefix}:{${keyId}}:${hour}`;
  const lastUsedKey = (keyId: string) => `${prefix}:{${keyId}}:lastused`;
  let local = new Map<string, Counter>();
  let usedKeys = new Set<string>();
  const lastUsedWritten = new Map<string, number>(); // no-Redis mode throttle
  let current = { hour: -1, batch: local, byKey: new Map<string, Counter>() };

  function touchLastUsed(keyIds: string[]): Promise<unknown> {
    if (keyIds.length === 0) return Promise.resolve();
    return deps.repo
      .touchLastUsed(keyIds, new Date(now()))
      .catch((err: unknown) => deps.logger.warn({ err: String(err) }, 'could not update key last_used_at'));
  }

  /** Puts counts back after a failed flush, so an outage delays them instead of losing them. */
  function restore(batch: Counter[]): void {
    for (const c of batch) {
      const id = `${c.keyId}:${c.hour}`;
      const cur = local.get(id);
      if (cur) {
        cur.requests += c.requests;
        cur.limited += c.limited;
      } else local.set(id, { ...c });
    }
  }

  async function flushLocal(): Promise<void> {
    if (local.size === 0) return;
    const batch = [...local.values()];
    const keys = [...usedKeys];
    local = new Map();
    usedKeys = new Set();
    let unwritten = batch;
    try {
      const result = await writeBatch(batch, keys);
      unwritten = result.unwritten;
      if (result.error !== undefined) throw result.error;
    } finally {
      restore(unwritten);
    }
  }

  /** Writes the batch; returns the counters that were not written (to be put back). */
  async function writeBatch(batch: Counter[], keys: string[]): Promise<{ unwritten: Counter[]; error?: Error }> {
    const redis = deps.redis;
    if (!redis) {
      // one transaction: a failure restores the whole batch without double counting part of it
      await deps.repo.addHours(batch);
      const due = keys.filter((k) => now() - (lastUsedWritten.get(k) ?? 0) >= LAST_USED_THROTTLE_SECONDS * 1000);
      for (const k of due) lastUsedWritten.set(k, now());
      await touchLastUsed(due);
      return { unwritten: [] };
    }
    // Marked dirty first: a mark without counts is harmless (the copy finds nothing new), counts
    // without a mark would not reach PostgreSQL until that hour is touched again.
    await redis.sadd(dirtySet, ...batch.map((c) => `${c.keyId}:${c.hour}`));
    // One MULTI per API key (its keys share a hash slot, see counterKey): a failure puts back
    // only that key's counts, and nothing is counted twice.
    const byKey = new Map<string, Counter[]>();
    for (const c of batch) byKey.set(c.keyId, [...(byKey.get(c.keyId) ?? []), c]);
    const wantLastUsed = new Set(keys);
    const outcomes = await Promise.allSettled(
      [...byKey].map(async ([keyId, counters]) => {
        const multi = redis.multi();
        for (const c of counters) {
          const key = counterKey(c.keyId, c.hour);
          multi
            .hincrby(key, 'requests', c.requests)
            .hincrby(key, 'rate_limited', c.limited)
            .hsetnx(key, 'user', c.userId)
            .expire(key, COUNTER_TTL_SECONDS);
        }
        if (wantLastUsed.has(keyId)) multi.set(lastUsedKey(keyId), '1', 'EX', LAST_USED_THROTTLE_SECONDS, 'NX');
        const results = await multi.exec();
        // exec() rejects when the transaction did not run (connection lost, EXECABORT)
        if (!results) throw new Error(`usage counters of key ${keyId} not written`);
        const lastUsedSet = wantLastUsed.has(keyId) && results[results.length - 1]?.[1] === 'OK';
        return lastUsedSet ? keyId : null;
      }),
    );
    const unwritten: Counter[] = [];
    const touched: string[] = [];
    let error: Error | undefined;
    [...byKey.values()].forEach((counters, i) => {
      const outcome = outcomes[i];
      if (outcome?.status === 'fulfilled') {
        if (outcome.value) touched.push(outcome.value);
      } else {
        unwritten.push(...counters);
        const reason: unknown = outcome?.reason;
        error ??= reason instanceof Error ? reason : new Error(String(reason));
      }
    });
    await touchLastUsed(touched);
    return { unwritten, error };
  }

  async function flushToDatabase(): Promise<number> {
    await flushLocal();
    const redis = deps.redis;
    if (!redis) return 0;
    let moved = 0;
    for (;;) {
      const members = await redis.spop(dirtySet, 200);
      if (members.length === 0) return moved;
      for (let i = 0; i < members.length; i++) {
        const [keyId, hourText] = (members[i] ?? '').split(':');
        if (!keyId || !hourText) continue;
        try {
          const h = await redis.hgetall(counterKey(keyId, Number(hourText)));
          if (!h.user) continue; // expired counters: nothing left to copy
          await deps.repo.copyHour(keyId, h.user, Number(hourText), Number(h.requests ?? 0), Number(h.rate_limited ?? 0));
          moved++;
        } catch (err) {
          // put back everything not copied yet; the next flush retries it
          await redis.sadd(dirtySet, ...members.slice(i)).catch(() => undefined);
          throw err;
        }
      }
    }
  }

  // one flush at a time per process; callers arriving meanwhile share it
  let flushing: Promise<number> | null = null;
  function flush(): Promise<number> {
    flushing ??= flushToDatabase().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  return {
    /** Request path: in-process counters only (no I/O, no key string built per request). */
    record(principal: KeyPrincipal, outcome: 'ok' | 'limited'): void {
      const hour = hourStart(now());
      // the counters of the current hour and batch, by key id; rebuilt when either changes
      if (hour !== current.hour || current.batch !== local) current = { hour, batch: local, byKey: new Map() };
      let c = current.byKey.get(principal.keyId);
      if (!c) {
        const id = `${principal.keyId}:${hour}`;
        c = local.get(id);
        if (!c) {
          c = { keyId: principal.keyId, userId: principal.userId, hour, requests: 0, limited: 0 };
          local.set(id, c);
        }
        current.byKey.set(principal.keyId, c);
      }
      c.requests += 1;
      if (outcome === 'limited') c.limited += 1;
      usedKeys.add(principal.keyId);
    },
    flushLocal,
    flush,
    /** Hourly points for the last `hours` hours and daily points for the last `days` days. */
    async summary(filter: { userId: string; keyId?: string }, opts: { hours: number; days: number }) {
      try {
        await flush();
      } catch (err) {
        deps.logger.warn({ err: String(err) }, 'usage flush failed; showing the last flushed figures');
      }
      const end = hourStart(now());
      // the 30 (opts.days) UTC calendar days ending today, and the 24 (opts.hours) hours ending now
      const firstDay = Date.parse(`${new Date(end - (opts.days - 1) * 24 * HOUR_MS).toISOString().slice(0, 10)}T00:00:00.000Z`);
      const since = new Date(Math.min(firstDay, end - (opts.hours - 1) * HOUR_MS));
      const rows = await deps.repo.hoursSince(filter, since);
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
        if (!d) continue; // per key: the same days as last_30d, so the two totals add up
        d.requests += r.requests;
        d.rate_limited += r.rateLimited;
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
