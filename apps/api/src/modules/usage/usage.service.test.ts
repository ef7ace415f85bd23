import { randomBytes } from 'node:crypto';
import { Redis as SingleRedis } from 'ioredis';
import { useTestPrisma } from '../../../../../tests/support/test-prisma';
import { deleteKeysWithPrefix, REDIS_URL } from '../../../../../tests/support/redis';
import { createLogger } from '../../lib/logger/logger';
import type { KeyPrincipal } from '../keys/auth-cache';
import { createUsageService, hourStart } from './usage.service';
import { createUsageRepository } from './usage.repository';

/**
 * Usage counting against real Redis (random key prefix) and PostgreSQL. The figures are this
 * test's own table (requests recorded by hand, hours written out as ISO times); the promises are
 * docs/api.md's and docs/operations.md's: counts per key per hour, a failed flush delays counts
 * and never loses or doubles them, stored figures never go down, Redis counters live 35 days,
 * last_used_at is written at most once a minute per key, the summary shows 24 hourly and 30
 * daily points ending with the current hour/day.
 */
const logger = createLogger({ level: 'silent' });
const HOUR = 3_600_000;
const T = Date.parse('2026-06-10T15:20:00.000Z');

describe('hourStart', () => {
  it.each([
    ['2026-06-10T15:20:00.000Z', '2026-06-10T15:00:00.000Z'],
    ['2026-06-10T15:00:00.000Z', '2026-06-10T15:00:00.000Z'],
    ['2026-06-10T15:59:59.999Z', '2026-06-10T15:00:00.000Z'],
    ['2026-06-10T00:00:00.001Z', '2026-06-10T00:00:00.000Z'],
  ])('when the time is %s, then the hour starts at %s', (at, start) => {
    expect(new Date(hourStart(Date.parse(at))).toISOString()).toBe(start);
  });
});

describe('usage service (real Redis and PostgreSQL)', () => {
  const db = useTestPrisma();
  let redis: SingleRedis;
  let prefix: string;
  let t: number;

  beforeAll(async () => {
    // like the app's client: no offline queue, so an outage fails at once
    redis = new SingleRedis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
    await redis.connect();
  });
  afterAll(() => {
    redis.disconnect();
  });
  beforeEach(() => {
    prefix = `test:usage:${randomBytes(4).toString('hex')}`;
    t = T;
  });
  afterEach(async () => {
    if (redis.status === 'ready') await deleteKeysWithPrefix(redis, prefix);
  });

  const service = (withRedis = true) => createUsageService({ repo: createUsageRepository(db.prisma), redis: withRedis ? redis : null, logger, keyPrefix: prefix, now: () => t });

  async function newKey(userId?: string): Promise<KeyPrincipal> {
    const uid = userId ?? (await db.prisma.user.create({ data: { email: `u-${randomBytes(5).toString('hex')}@example.com` } })).id;
    const key = await db.prisma.apiKey.create({ data: { userId: uid, prefix: 'sk-test', hash: randomBytes(32).toString('hex') } });
    return { keyId: key.id, userId: uid, premium: true, expiresAt: null };
  }
  const rows = async (keyId: string) =>
    (await db.prisma.usageHour.findMany({ where: { keyId }, orderBy: { hour: 'asc' } })).map((r) => ({
      hour: r.hour.toISOString(),
      requests: r.requests,
      limited: r.rateLimited,
      userId: r.userId,
    }));

  it('when requests are recorded and flushed, then Redis holds per-key-per-hour counters for 35 days and PostgreSQL gets them', async () => {
    const usage = service();
    const a = await newKey();
    const b = await newKey();
    for (let i = 0; i < 3; i++) usage.record(a, 'ok');
    usage.record(a, 'limited');
    usage.record(b, 'ok');
    await usage.flushLocal();
    const hour = Date.parse('2026-06-10T15:00:00.000Z');
    expect(await redis.hgetall(`${prefix}:{${a.keyId}}:${hour}`)).toEqual({ requests: '4', rate_limited: '1', user: a.userId });
    expect(await redis.hgetall(`${prefix}:{${b.keyId}}:${hour}`)).toEqual({ requests: '1', rate_limited: '0', user: b.userId });
    const ttl = await redis.ttl(`${prefix}:{${a.keyId}}:${hour}`);
    expect(ttl).toBeGreaterThan(35 * 86_400 - 10);
    expect(ttl).toBeLessThanOrEqual(35 * 86_400);
    expect((await redis.smembers(`${prefix}:dirty`)).sort()).toEqual([`${a.keyId}:${hour}`, `${b.keyId}:${hour}`].sort());
    expect(await rows(a.keyId)).toEqual([]); // not in PostgreSQL until a flush
    expect(await usage.flush()).toBe(2);
    expect(await rows(a.keyId)).toEqual([{ hour: '2026-06-10T15:00:00.000Z', requests: 4, limited: 1, userId: a.userId }]);
    expect(await rows(b.keyId)).toEqual([{ hour: '2026-06-10T15:00:00.000Z', requests: 1, limited: 0, userId: b.userId }]);
    expect(await redis.scard(`${prefix}:dirty`)).toBe(0);
    expect(await usage.flush()).toBe(0); // nothing new
    expect(await rows(a.keyId)).toEqual([{ hour: '2026-06-10T15:00:00.000Z', requests: 4, limited: 1, userId: a.userId }]);
  });

  it('when an hour ends between requests, then each hour gets its own row', async () => {
    const usage = service();
    const a = await newKey();
    t = Date.parse('2026-06-10T15:59:59.999Z');
    usage.record(a, 'ok');
    usage.record(a, 'ok');
    t = Date.parse('2026-06-10T16:00:00.000Z');
    usage.record(a, 'limited');
    await usage.flush();
    expect(await rows(a.keyId)).toEqual([
      { hour: '2026-06-10T15:00:00.000Z', requests: 2, limited: 0, userId: a.userId },
      { hour: '2026-06-10T16:00:00.000Z', requests: 1, limited: 1, userId: a.userId },
    ]);
  });

  it('when counts keep coming between flushes, then the stored figures follow them, never down', async () => {
    const usage = service();
    const a = await newKey();
    usage.record(a, 'ok');
    await usage.flush();
    usage.record(a, 'ok');
    usage.record(a, 'limited');
    await usage.flush();
    expect((await rows(a.keyId))[0]).toMatchObject({ requests: 3, limited: 1 });
    // a figure stored meanwhile by someone else that is higher stays
    await db.prisma.usageHour.update({ where: { keyId_hour: { keyId: a.keyId, hour: new Date(hourStart(T)) } }, data: { requests: 50, rateLimited: 40 } });
    usage.record(a, 'ok');
    await usage.flush();
    expect((await rows(a.keyId))[0]).toMatchObject({ requests: 50, limited: 40 });
  });

  it('when the flush to Redis fails, then its counts are kept and added to the next flush', async () => {
    const usage = service();
    const a = await newKey();
    const b = await newKey();
    for (let i = 0; i < 2; i++) usage.record(a, 'ok');
    usage.record(a, 'limited');
    t = T + HOUR;
    usage.record(b, 'ok'); // another key, another hour: kept apart
    t = T;
    const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
    redis.disconnect();
    await ended;
    await expect(usage.flushLocal()).rejects.toThrow();
    usage.record(a, 'limited');
    await expect(usage.flush()).rejects.toThrow();
    await redis.connect();
    usage.record(a, 'ok');
    await usage.flush();
    expect((await rows(a.keyId))[0]).toMatchObject({ requests: 5, limited: 2 });
    expect(await rows(b.keyId)).toEqual([{ hour: '2026-06-10T16:00:00.000Z', requests: 1, limited: 0, userId: b.userId }]);
  });

  it('when a key is used, then last_used_at is written once a minute at most (Redis mode)', async () => {
    const usage = service();
    const a = await newKey();
    const idle = await newKey();
    usage.record(a, 'ok');
    await usage.flushLocal();
    const first = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: a.keyId } });
    expect(first.lastUsedAt?.toISOString()).toBe('2026-06-10T15:20:00.000Z');
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: idle.keyId } })).lastUsedAt).toBeNull(); // only used keys
    const marker = await redis.ttl(`${prefix}:{${a.keyId}}:lastused`);
    expect(marker).toBeGreaterThan(55);
    expect(marker).toBeLessThanOrEqual(60);
    t = T + 30_000;
    usage.record(a, 'ok');
    await usage.flushLocal();
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: a.keyId } })).lastUsedAt?.toISOString()).toBe('2026-06-10T15:20:00.000Z');
    await redis.del(`${prefix}:{${a.keyId}}:lastused`); // the minute is over
    t = T + 61_000;
    usage.record(a, 'ok');
    await usage.flushLocal();
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: a.keyId } })).lastUsedAt?.toISOString()).toBe('2026-06-10T15:21:01.000Z');
  });

  it('when there is no Redis, then counts go straight to PostgreSQL, added up, and last_used_at once a minute', async () => {
    const usage = service(false);
    const a = await newKey();
    usage.record(a, 'ok');
    usage.record(a, 'limited');
    expect(await usage.flush()).toBe(0);
    expect(await rows(a.keyId)).toEqual([{ hour: '2026-06-10T15:00:00.000Z', requests: 2, limited: 1, userId: a.userId }]);
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: a.keyId } })).lastUsedAt?.toISOString()).toBe('2026-06-10T15:20:00.000Z');
    t = T + 59_999;
    usage.record(a, 'ok');
    await usage.flushLocal();
    expect(await rows(a.keyId)).toEqual([{ hour: '2026-06-10T15:00:00.000Z', requests: 3, limited: 1, userId: a.userId }]);
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: a.keyId } })).lastUsedAt?.toISOString()).toBe('2026-06-10T15:20:00.000Z');
    t = T + 60_000;
    usage.record(a, 'ok');
    await usage.flushLocal();
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: a.keyId } })).lastUsedAt?.toISOString()).toBe('2026-06-10T15:21:00.000Z');
    await usage.flushLocal(); // nothing recorded: nothing written
    expect((await rows(a.keyId))[0]?.requests).toBe(4);
  });

  it('when a dirty mark outlived its counters, then the flush skips it', async () => {
    const usage = service();
    const a = await newKey();
    await redis.sadd(`${prefix}:dirty`, `${a.keyId}:${hourStart(T)}`, 'garbage', `${a.keyId}:`);
    expect(await usage.flush()).toBe(0);
    expect(await rows(a.keyId)).toEqual([]);
    expect(await redis.scard(`${prefix}:dirty`)).toBe(0);
  });

  it('when more than 200 hours are dirty, then one flush copies them all', async () => {
    const usage = service();
    const a = await newKey();
    for (let i = 0; i < 205; i++) {
      t = T - i * HOUR;
      usage.record(a, 'ok');
    }
    await usage.flushLocal();
    expect(await usage.flush()).toBe(205);
    expect(await db.prisma.usageHour.count({ where: { keyId: a.keyId } })).toBe(205);
  });

  it('when two flushes are asked at once, then they share one', async () => {
    const usage = service();
    const a = await newKey();
    usage.record(a, 'ok');
    const [x, y] = await Promise.all([usage.flush(), usage.flush()]);
    expect([x, y]).toEqual([1, 1]);
    usage.record(a, 'ok');
    expect(await usage.flush()).toBe(1); // a later flush runs again
  });

  it('when the summary is read, then it flushes first and shows 24 hourly and 30 daily points ending now, and per-key totals', async () => {
    const usage = service();
    const a = await newKey();
    const b = await newKey(a.userId);
    const stranger = await newKey();
    const at = (iso: string, keyId: string, requests: number, rateLimited: number) =>
      db.prisma.usageHour.create({ data: { keyId, userId: keyId === stranger.keyId ? stranger.userId : a.userId, hour: new Date(iso), requests, rateLimited } });
    await at('2026-06-10T14:00:00.000Z', a.keyId, 5, 1); // last 24 h and today
    await at('2026-06-09T16:00:00.000Z', a.keyId, 7, 0); // the oldest hour of the last 24
    await at('2026-06-09T15:00:00.000Z', b.keyId, 11, 2); // 25 h ago: daily only
    await at('2026-05-12T00:00:00.000Z', b.keyId, 13, 3); // the first day of the 30
    // per_key_30d covers the same 30 UTC calendar days as last_30d (from 05-12), not the 720
    // hours ending now (which would start at 05-11T16:00): the per-key sums add up to the totals
    await at('2026-05-11T23:00:00.000Z', a.keyId, 100, 10); // the day before the 30: nowhere
    await at('2026-05-11T16:00:00.000Z', a.keyId, 1000, 1000); // 720 hours ago, still the day before: nowhere
    await at('2026-06-10T14:00:00.000Z', stranger.keyId, 99, 99);
    usage.record(a, 'ok'); // not flushed yet: the summary flushes first
    const s = await usage.summary({ userId: a.userId }, { hours: 24, days: 30 });
    expect(s.last_24h.hourly).toHaveLength(24);
    expect(s.last_24h.hourly[0]).toEqual({ at: '2026-06-09T16:00:00.000Z', requests: 7, rate_limited: 0 });
    expect(s.last_24h.hourly[22]).toEqual({ at: '2026-06-10T14:00:00.000Z', requests: 5, rate_limited: 1 });
    expect(s.last_24h.hourly[23]).toEqual({ at: '2026-06-10T15:00:00.000Z', requests: 1, rate_limited: 0 });
    expect(s.last_24h.totals).toEqual({ requests: 13, rate_limited: 1 });
    expect(s.last_30d.daily).toHaveLength(30);
    expect(s.last_30d.daily[0]).toEqual({ at: '2026-05-12T00:00:00.000Z', requests: 13, rate_limited: 3 });
    expect(s.last_30d.daily[28]).toEqual({ at: '2026-06-09T00:00:00.000Z', requests: 18, rate_limited: 2 });
    expect(s.last_30d.daily[29]).toEqual({ at: '2026-06-10T00:00:00.000Z', requests: 6, rate_limited: 1 });
    expect(s.last_30d.totals).toEqual({ requests: 37, rate_limited: 6 });
    expect(s.per_key_30d).toEqual({ [a.keyId]: { requests: 13, rate_limited: 1 }, [b.keyId]: { requests: 24, rate_limited: 5 } });
    const onlyB = await usage.summary({ userId: a.userId, keyId: b.keyId }, { hours: 24, days: 30 });
    expect(onlyB.last_30d.totals).toEqual({ requests: 24, rate_limited: 5 });
    expect(onlyB.last_24h.totals).toEqual({ requests: 0, rate_limited: 0 });
  });

  it('when the flush fails while the summary is read, then the last flushed figures are shown', async () => {
    const usage = service();
    const a = await newKey();
    usage.record(a, 'ok');
    await usage.flush();
    usage.record(a, 'ok');
    const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
    redis.disconnect();
    await ended;
    try {
      const s = await usage.summary({ userId: a.userId }, { hours: 2, days: 1 });
      expect(s.last_24h.hourly).toHaveLength(2);
      expect(s.last_24h.totals).toEqual({ requests: 1, rate_limited: 0 });
    } finally {
      await redis.connect();
    }
  });
});
