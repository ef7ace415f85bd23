import { startRedisServer, type RedisServer } from '../../../../../tests/support/redis';
import { createLogger } from '../../lib/logger/logger';
import { createRedis, waitForRedis, type Redis } from '../../lib/redis/redis';
import { createAuthCache, type AuthCache, type KeyPrincipal } from './auth-cache';

/**
 * The auth cache across processes, over a redis-server of this test's own (the invalidation
 * channel is global: the shared server would carry other tests' messages). The promises are from
 * docs/security.md: a change on one process reaches every other one; while the channel is down,
 * entries are trusted for the outage TTL only, then for the full TTL again once it is back.
 */
const logger = createLogger({ level: 'silent' });
const principal = (userId: string): KeyPrincipal => ({ keyId: `k-${userId}`, userId, premium: true, expiresAt: null });
const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('auth cache over Redis pub/sub', () => {
  let server: RedisServer;
  const opened: Array<{ cache: AuthCache; redis: Redis }> = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    for (const { cache, redis } of opened.splice(0)) {
      await cache.close();
      redis.disconnect();
    }
  });
  afterAll(async () => {
    await server.close();
  });

  async function process(opts: { ttlMs?: number; outageTtlMs?: number; now?: () => number } = {}) {
    const redis = createRedis({ url: server.url }, logger, 'test');
    await waitForRedis(redis);
    const cache = createAuthCache({ ttlMs: opts.ttlMs ?? 60_000, outageTtlMs: opts.outageTtlMs, heartbeatMs: 50, redis, logger, now: opts.now });
    opened.push({ cache, redis });
    await cache.listen();
    return cache;
  }

  it('when a key changes on one process, then the other drops it (and a remembered miss)', async () => {
    const a = await process();
    const b = await process();
    b.set('h1', principal('u1'), b.generation());
    b.set('h2', principal('u2'), b.generation());
    b.set('miss', null, b.generation());
    a.keyChanged('h1');
    a.keyChanged('miss');
    await a.drain();
    await until(() => b.get('h1') === undefined && b.get('miss') === undefined);
    expect(b.get('h2')?.userId).toBe('u2');
  });

  it('when an account changes on one process, then the other drops only that account’s keys', async () => {
    const a = await process();
    const b = await process();
    b.set('h1', principal('u1'), b.generation());
    b.set('h1b', principal('u1'), b.generation());
    b.set('h2', principal('u2'), b.generation());
    a.userChanged('u1');
    await a.drain();
    await until(() => b.get('h1') === undefined);
    expect(b.get('h1b')).toBeUndefined();
    expect(b.get('h2')?.userId).toBe('u2');
  });

  it('when an invalidation arrives during a lookup on another process, then that lookup is not cached', async () => {
    const a = await process();
    const b = await process();
    const before = b.generation();
    a.keyChanged('elsewhere');
    await a.drain();
    await until(() => b.generation() !== before);
    b.set('h1', principal('u1'), before);
    expect(b.get('h1')).toBeUndefined();
  });

  it('when the channel goes down, then entries are trusted for the outage TTL only; when back, everything cached is dropped', async () => {
    let t = 1_000_000;
    const b = await process({ ttlMs: 60_000, outageTtlMs: 5_000, now: () => t });
    b.set('h1', principal('u1'), b.generation());
    b.set('miss', null, b.generation());
    t += 6_000;
    expect(b.get('h1')?.userId).toBe('u1'); // channel up: the full TTL
    expect(b.get('miss')).toBeNull();
    await server.stop();
    await new Promise((r) => setTimeout(r, 300));
    expect(b.get('h1')).toBeUndefined(); // 6 s old, outage TTL 5 s
    expect(b.get('miss')).toBeUndefined();
    b.set('h2', principal('u2'), b.generation());
    t += 4_000;
    expect(b.get('h2')?.userId).toBe('u2'); // younger than the outage TTL
    await server.restart();
    await until(() => b.get('h2') === undefined, 8000); // resubscribed: everything dropped once
    b.set('h3', principal('u3'), b.generation());
    t += 10_000;
    expect(b.get('h3')?.userId).toBe('u3'); // full TTL again
  });

  it('when the cache TTL is 0, then nothing is cached', async () => {
    const b = await process({ ttlMs: 0 });
    b.set('h1', principal('u1'), b.generation());
    expect(b.get('h1')).toBeUndefined();
  });
});
