import { randomBytes } from 'node:crypto';
import { Redis as SingleRedis } from 'ioredis';
import { connectTestRedis, deleteKeysWithPrefix, REDIS_URL } from '../../../../../tests/support/redis';
import type { Redis } from '../../lib/redis/redis';
import { createRateLimitService, windowsFromLimits, type WindowState } from './rate-limit.service';

/**
 * The per-account windows, unit-level: the limits below are a fixed table of this test (3 a
 * minute, 5 an hour, 100 a day), the spec values (60 s, 3600 s, 86 400 s, "a refused request
 * counts in no window", "Reset is the same unix second on every answer of one window") are
 * written out, never read from the code.
 */
const LIMITS = { perMinute: 3, perHour: 5, perDay: 100 };
const T0 = Date.parse('2026-03-01T12:00:00.400Z');

const byName = (ws: WindowState[]) => Object.fromEntries(ws.map((w) => [w.name, w]));
const remaining = (ws: WindowState[]) => ws.map((w) => w.remaining);

describe('windowsFromLimits', () => {
  it('when built from per-minute/hour/day limits, then the windows last 60 s, 3600 s and 86 400 s', () => {
    expect(windowsFromLimits({ perMinute: 1, perHour: 2, perDay: 3 })).toEqual([
      { name: 'minute', limit: 1, seconds: 60 },
      { name: 'hour', limit: 2, seconds: 3600 },
      { name: 'day', limit: 3, seconds: 86_400 },
    ]);
  });
});

describe('rate limit service without Redis (per-process windows)', () => {
  let t = T0;
  const service = () => createRateLimitService({ redis: null, windows: windowsFromLimits(LIMITS), now: () => t });
  beforeEach(() => {
    t = T0;
  });

  it('when an account makes requests, then the minute window admits 3 and refuses the 4th, counting it nowhere', async () => {
    const s = service();
    const seen: Array<{ allowed: boolean; remaining: number[] }> = [];
    for (let i = 0; i < 4; i++) {
      const d = await s.consume('acct');
      seen.push({ allowed: d.allowed, remaining: remaining(d.windows) });
    }
    expect(seen).toEqual([
      { allowed: true, remaining: [2, 4, 99] },
      { allowed: true, remaining: [1, 3, 98] },
      { allowed: true, remaining: [0, 2, 97] },
      { allowed: false, remaining: [0, 2, 97] },
    ]);
    const refused = byName((await s.consume('acct')).windows);
    expect(refused.minute?.allowed).toBe(false);
    expect(refused.hour?.allowed).toBe(true);
    expect(refused.day?.allowed).toBe(true);
    // another account is not affected
    expect(remaining((await s.consume('other')).windows)).toEqual([2, 4, 99]);
  });

  it('when a window starts, then it ends on the whole second: reset at 12:01:00 for 60 s, 13:00:00 for the hour', async () => {
    const s = service();
    const w = byName((await s.consume('acct')).windows);
    expect(w.minute?.resetAt).toBe(Date.parse('2026-03-01T12:01:00Z') / 1000);
    expect(w.hour?.resetAt).toBe(Date.parse('2026-03-01T13:00:00Z') / 1000);
    expect(w.day?.resetAt).toBe(Date.parse('2026-03-02T12:00:00Z') / 1000);
    // 59.6 s left: rounded up
    expect(w.minute?.resetIn).toBe(60);
    expect(w.minute?.limit).toBe(3);
    t = T0 + 30_000;
    const later = byName((await s.consume('acct')).windows);
    expect(later.minute?.resetAt).toBe(Date.parse('2026-03-01T12:01:00Z') / 1000);
    expect(later.minute?.resetIn).toBe(30);
  });

  it('when the minute ends, then the account is admitted again and the hour keeps counting until its 5', async () => {
    const s = service();
    for (let i = 0; i < 3; i++) await s.consume('acct');
    expect((await s.consume('acct')).allowed).toBe(false);
    t = T0 + 60_000;
    const a = await s.consume('acct');
    expect(a.allowed).toBe(true);
    expect(remaining(a.windows)).toEqual([2, 1, 96]);
    expect((await s.consume('acct')).allowed).toBe(true);
    const refused = await s.consume('acct');
    expect(refused.allowed).toBe(false);
    expect(byName(refused.windows).hour?.allowed).toBe(false);
    expect(byName(refused.windows).minute?.allowed).toBe(true);
    expect(remaining(refused.windows)).toEqual([1, 0, 95]);
  });

  it('when the standing is read, then nothing is counted and a fresh account shows full windows', async () => {
    const s = service();
    expect(remaining(await s.peek('acct'))).toEqual([3, 5, 100]);
    await s.consume('acct');
    const peeked = await s.peek('acct');
    expect(remaining(peeked)).toEqual([2, 4, 99]);
    expect(remaining(await s.peek('acct'))).toEqual([2, 4, 99]);
    expect(peeked.every((w) => w.allowed)).toBe(true);
    expect(byName(peeked).minute?.resetAt).toBe(Date.parse('2026-03-01T12:01:00Z') / 1000);
    for (let i = 0; i < 2; i++) await s.consume('acct');
    expect(byName(await s.peek('acct')).minute?.allowed).toBe(false);
    t = T0 + 61_000;
    expect(remaining(await s.peek('acct'))).toEqual([3, 2, 97]);
  });

  it('when an account is reset, then its windows start over', async () => {
    const s = service();
    for (let i = 0; i < 3; i++) await s.consume('acct');
    await s.reset('acct');
    expect(remaining((await s.consume('acct')).windows)).toEqual([2, 4, 99]);
  });
});

describe('rate limit service with Redis (shared windows)', () => {
  let redis: Redis;
  let prefix: string;
  beforeAll(() => {
    redis = connectTestRedis();
  });
  beforeEach(() => {
    prefix = `test:rlsvc:${randomBytes(4).toString('hex')}`;
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });
  afterAll(() => {
    redis.disconnect();
  });

  it('when two processes count one account, then they share its windows and a refusal is counted nowhere', async () => {
    const a = createRateLimitService({ redis, windows: windowsFromLimits(LIMITS), keyPrefix: prefix });
    const b = createRateLimitService({ redis, windows: windowsFromLimits(LIMITS), keyPrefix: prefix });
    const out: boolean[] = [];
    for (const s of [a, b, a, b]) out.push((await s.consume('acct')).allowed);
    expect(out).toEqual([true, true, true, false]);
    expect(await redis.get(`${prefix}:{acct}:minute`)).toBe('3');
    expect(await redis.get(`${prefix}:{acct}:hour`)).toBe('3');
    expect(await redis.get(`${prefix}:{acct}:day`)).toBe('3');
    const refused = await b.consume('acct');
    expect(refused.allowed).toBe(false);
    expect(remaining(refused.windows)).toEqual([0, 2, 97]);
    expect(byName(refused.windows).minute?.allowed).toBe(false);
    expect(byName(refused.windows).hour?.allowed).toBe(true);
  });

  it('when answers come from one window, then Reset is the same whole unix second and at most 60 s away', async () => {
    const s = createRateLimitService({ redis, windows: windowsFromLimits(LIMITS), keyPrefix: prefix });
    const before = Date.now() / 1000;
    const first = byName((await s.consume('acct')).windows);
    const second = byName((await s.consume('acct')).windows);
    const peeked = byName(await s.peek('acct'));
    for (const w of [first, second, peeked]) {
      expect(Number.isInteger(w.minute?.resetAt)).toBe(true);
      expect(w.minute?.resetAt).toBe(first.minute?.resetAt);
      expect(w.hour?.resetAt).toBe(first.hour?.resetAt);
    }
    expect(first.minute?.resetAt).toBeGreaterThan(before + 58);
    expect(first.minute?.resetAt).toBeLessThanOrEqual(before + 61);
    expect(first.hour?.resetAt).toBeGreaterThan(before + 3598);
    expect(first.minute?.resetIn).toBeGreaterThanOrEqual(59);
    expect(first.minute?.resetIn).toBeLessThanOrEqual(60);
    const ttl = await redis.pttl(`${prefix}:{acct}:minute`);
    expect(ttl).toBeGreaterThan(58_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(remaining(Object.values(peeked))).toEqual([1, 3, 98]);
  });

  it('when the standing is read before any request, then the windows are full and nothing is written', async () => {
    const s = createRateLimitService({ redis, windows: windowsFromLimits(LIMITS), keyPrefix: prefix });
    const before = Math.floor(Date.now() / 1000);
    const ws = await s.peek('fresh');
    expect(remaining(ws)).toEqual([3, 5, 100]);
    expect(ws.every((w) => w.allowed)).toBe(true);
    const minute = byName(ws).minute;
    expect(minute?.resetAt).toBeGreaterThanOrEqual(before + 59);
    expect(minute?.resetAt).toBeLessThanOrEqual(before + 61);
    expect(await redis.exists(`${prefix}:{fresh}:minute`)).toBe(0);
  });

  it('when the window started 30 s ago (another process), then Reset comes from its TTL and a full window refuses, also when only read', async () => {
    await redis.set(`${prefix}:{acct}:minute`, '2', 'PX', 30_000);
    const s = createRateLimitService({ redis, windows: windowsFromLimits(LIMITS), keyPrefix: prefix });
    const before = Date.now() / 1000;
    const d = byName((await s.consume('acct')).windows);
    expect(d.minute?.remaining).toBe(0);
    expect(d.minute?.resetIn).toBeGreaterThanOrEqual(29);
    expect(d.minute?.resetIn).toBeLessThanOrEqual(31);
    expect(d.minute?.resetAt).toBeLessThanOrEqual(before + 31);
    const peeked = byName(await s.peek('acct'));
    expect(peeked.minute?.allowed).toBe(false);
    expect(peeked.hour?.allowed).toBe(true);
  });

  it('when a counter has no expiry (a bug elsewhere), then the window starts over instead of never ending', async () => {
    await redis.set(`${prefix}:{acct}:minute`, '3');
    const s = createRateLimitService({ redis, windows: windowsFromLimits(LIMITS), keyPrefix: prefix });
    const d = await s.consume('acct');
    expect(d.allowed).toBe(true);
    expect(byName(d.windows).minute?.remaining).toBe(2);
    expect(await redis.pttl(`${prefix}:{acct}:minute`)).toBeGreaterThan(0);
  });

  it('when an account is reset, then its Redis counters are gone', async () => {
    const s = createRateLimitService({ redis, windows: windowsFromLimits(LIMITS), keyPrefix: prefix });
    for (let i = 0; i < 3; i++) await s.consume('acct');
    await s.reset('acct');
    expect(await redis.exists(`${prefix}:{acct}:minute`, `${prefix}:{acct}:hour`, `${prefix}:{acct}:day`)).toBe(0);
    expect((await s.consume('acct')).allowed).toBe(true);
  });

  it('when Redis drops out and comes back, then the outage admissions count in the shared window', async () => {
    // a client of its own that fails fast while disconnected, like the app's (no offline queue)
    const own: SingleRedis = new SingleRedis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await new Promise<void>((resolve) => own.once('ready', () => resolve()));
    const fallbacks: unknown[] = [];
    const s = createRateLimitService({ redis: own, windows: windowsFromLimits(LIMITS), keyPrefix: prefix, onFallback: (err) => fallbacks.push(err) });
    const first = await s.consume('acct');
    expect(first.allowed).toBe(true); // 1 in Redis
    expect(first.store).toBe('redis');
    expect(fallbacks).toHaveLength(0);
    const ended = new Promise<void>((resolve) => own.once('end', () => resolve()));
    own.disconnect();
    await ended;
    // the outage: counted per process, starting from the standing last seen in Redis
    const during = await s.consume('acct');
    expect(during.allowed).toBe(true);
    // told apart from a Redis answer, and reported (the operator's only sign of inexact limits)
    expect(during.store).toBe('process');
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toBeInstanceOf(Error);
    expect(remaining(during.windows)).toEqual([1, 3, 98]);
    // the standing it reports (as on a 403) includes the outage's admissions too
    expect(remaining(await s.peek('acct'))).toEqual([1, 3, 98]);
    expect(remaining(await s.peek('acct'))).toEqual([1, 3, 98]);
    const third = await s.consume('acct');
    expect(third.allowed).toBe(true);
    expect((await s.consume('acct')).allowed).toBe(false); // 3 of 3 even without Redis
    await own.connect();
    // back: the 2 outage admissions are added to Redis's 1, so the account is at its limit
    const after = await s.consume('acct');
    expect(after.allowed).toBe(false);
    expect(after.store).toBe('redis');
    expect(fallbacks).toHaveLength(3); // the three consumes of the outage, not the peeks
    expect(await redis.get(`${prefix}:{acct}:minute`)).toBe('3');
    expect(await redis.get(`${prefix}:{acct}:hour`)).toBe('3');
    // and they are handed over once: the next read does not add them again
    expect(remaining(await s.peek('acct'))).toEqual([0, 2, 97]);
    expect(await redis.get(`${prefix}:{acct}:hour`)).toBe('3');
    own.disconnect();
  });

  it('when Redis forgot a window (restart without persistence), then the process restores what it had seen', async () => {
    const s = createRateLimitService({ redis, windows: windowsFromLimits(LIMITS), keyPrefix: prefix });
    for (let i = 0; i < 2; i++) await s.consume('acct');
    const ttlBefore = await redis.pttl(`${prefix}:{acct}:hour`);
    await redis.del(`${prefix}:{acct}:minute`, `${prefix}:{acct}:hour`, `${prefix}:{acct}:day`);
    redis.emit('ready'); // what a reconnection to the restarted server signals
    const d = await s.consume('acct');
    expect(remaining(d.windows)).toEqual([0, 2, 97]);
    expect(await redis.get(`${prefix}:{acct}:hour`)).toBe('3');
    // restored windows end when they would have ended
    const ttlAfter = await redis.pttl(`${prefix}:{acct}:hour`);
    expect(Math.abs(ttlAfter - ttlBefore)).toBeLessThan(2000);
  });
});
