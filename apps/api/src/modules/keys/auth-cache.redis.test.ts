import { Writable } from 'node:stream';
import { Redis as SingleRedis } from 'ioredis';
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

  let warnings: string[] = [];
  const capture = createLogger({
    level: 'warn',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) warnings.push(String((JSON.parse(line) as { msg?: string }).msg));
        done();
      },
    }),
  });
  beforeEach(() => {
    warnings = [];
  });

  async function process(opts: { ttlMs?: number; outageTtlMs?: number; now?: () => number } = {}) {
    const redis = createRedis({ url: server.url }, logger, 'test');
    await waitForRedis(redis);
    const cache = createAuthCache({ ttlMs: opts.ttlMs ?? 60_000, outageTtlMs: opts.outageTtlMs, heartbeatMs: 50, redis, logger: capture, now: opts.now });
    opened.push({ cache, redis });
    const started = Date.now();
    await cache.listen();
    // subscribed: listen() returns then, not after its 2 s start-up allowance
    expect(Date.now() - started).toBeLessThan(1500);
    await cache.listen(); // a second call is a no-op
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
    await new Promise((r) => setTimeout(r, 50));
    warnings = []; // (closing the previous tests' caches logs too)
    await server.stop();
    await new Promise((r) => setTimeout(r, 300));
    expect(warnings.filter((w) => w.startsWith('auth invalidation channel down'))).toHaveLength(1);
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

  it('when Redis freezes (SIGSTOP), then the heartbeat notices and entries are trusted for the outage TTL only', async () => {
    let t = 1_000_000;
    const b = await process({ ttlMs: 60_000, outageTtlMs: 5_000, now: () => t });
    b.set('h1', principal('u1'), b.generation());
    t += 6_000;
    expect(b.get('h1')?.userId).toBe('u1');
    server.proc.kill('SIGSTOP');
    try {
      // heartbeat every 50 ms, command deadline 300 ms: down well within 800 ms
      await new Promise((r) => setTimeout(r, 800));
      expect(b.get('h1')).toBeUndefined();
    } finally {
      server.proc.kill('SIGCONT');
    }
  });

  it('when a cache is closed, then its subscription is gone; closing one that never listened is fine', async () => {
    const b = await process();
    const admin = createRedis({ url: server.url }, logger, 'admin');
    try {
      await waitForRedis(admin);
      const count = async () => Number(((await admin.call('PUBSUB', 'NUMSUB', 'twdown:auth:invalidate')) as [string, number])[1]);
      expect(await count()).toBe(1);
      await b.close();
      await until(() => true);
      await new Promise((r) => setTimeout(r, 100));
      expect(await count()).toBe(0);
    } finally {
      admin.disconnect();
    }
    await expect(createAuthCache({ ttlMs: 1000, redis: null, logger }).close()).resolves.toBeUndefined();
  });

  it('when Redis is configured but the channel is not subscribed yet, then the outage TTL applies', () => {
    let t = 0;
    const dead = new SingleRedis(server.url, { lazyConnect: true, enableOfflineQueue: false });
    const cache = createAuthCache({ ttlMs: 60_000, outageTtlMs: 5_000, redis: dead, logger, now: () => t });
    cache.set('h', principal('u'), cache.generation());
    t = 6_000;
    expect(cache.get('h')).toBeUndefined();
    dead.disconnect();
  });

  it('when Redis is unreachable at start-up, then listen() gives up waiting after about 2 s', async () => {
    const dead = createRedis({ url: 'redis://127.0.0.1:1' }, logger, 'dead');
    const cache = createAuthCache({ ttlMs: 60_000, redis: dead, logger: capture });
    const started = Date.now();
    try {
      await cache.listen();
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await cache.close();
      dead.disconnect();
    }
  });

  it('when a publish fails, then it is logged and the local cache is still invalidated', async () => {
    const dead = new SingleRedis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false });
    const cache = createAuthCache({ ttlMs: 60_000, redis: dead, logger: capture });
    cache.set('h', principal('u'), cache.generation());
    cache.keyChanged('h');
    await cache.drain();
    expect(cache.get('h')).toBeUndefined();
    expect(warnings.some((w) => w.startsWith('auth invalidation not published'))).toBe(true);
    dead.disconnect();
  });

  it('when the cache TTL is 0, then nothing is cached', async () => {
    const b = await process({ ttlMs: 0 });
    b.set('h1', principal('u1'), b.generation());
    expect(b.get('h1')).toBeUndefined();
  });
});
