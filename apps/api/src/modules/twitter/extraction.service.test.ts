import { Redis as SingleRedis } from 'ioredis';
import type { Redis } from '../../lib/redis/redis';
import { AppError } from '../../lib/errors/app-error';
import { createXSim, type XSim } from '../../../../x-sim/src/index';
import { createExtractionService } from './extraction.service';
import { createXClient, type XClient } from './x-client/x-client';
import { captureLogger, clientConfig, dropKeys, IDS, newRedis, uniquePrefix } from './x-client/x-client.test-helpers';

describe('extraction service (real Redis, X simulator)', () => {
  let sim: XSim;
  let redis: Redis;
  let xClient: XClient;
  const prefix = uniquePrefix('extraction');
  let n = 0;

  function service(overrides: { redis?: Redis; logger?: ReturnType<typeof captureLogger> } = {}) {
    const keyPrefix = `${prefix}${n++}:`;
    const svc = createExtractionService({
      xClient,
      redis: overrides.redis ?? redis,
      logger: overrides.logger ?? captureLogger(),
      keyPrefix,
      cacheTtlSeconds: 300,
      negativeCacheTtlSeconds: 60,
    });
    return { svc, key: (id: string) => `${keyPrefix}tweet:{${id}}` };
  }

  beforeAll(async () => {
    sim = createXSim({ tokenBudget: 1_000 });
    const { url } = await sim.start();
    redis = newRedis();
    xClient = createXClient({ redis, logger: captureLogger(), config: clientConfig(url, `${prefix}x:`, { bodyTimeoutMs: 300, maxRetries: 0 }) });
  });
  beforeEach(() => sim.reset());
  afterAll(async () => {
    await xClient.close();
    await dropKeys(redis, prefix);
    redis.disconnect();
    await sim.stop();
  });

  it('when 100 requests for one cold post arrive together, then X gets exactly one GraphQL call', async () => {
    const { svc } = service();
    const tweets = await Promise.all(Array.from({ length: 100 }, () => svc.extract(IDS.video)));
    expect(new Set(tweets.map((t) => t.statusId))).toEqual(new Set([IDS.video]));
    expect(sim.stats().graphqlCallsByTweetId[IDS.video]).toBe(1);
  });

  it('when a post is in the process\'s memory, then cached() hands it over, and no longer once that layer\'s 30 s have passed', async () => {
    // docs/architecture.md: the in-process cache holds a post for at most 30 s
    const IN_PROCESS_SECONDS = 30;
    const { svc } = service();
    expect(svc.cached(IDS.video)).toBeUndefined();
    const tweet = await svc.extract(IDS.video);
    expect(svc.cached(IDS.video)).toBe(tweet);
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + (IN_PROCESS_SECONDS + 1) * 1000);
    try {
      expect(svc.cached(IDS.video)).toBeUndefined();
    } finally {
      clock.mockRestore();
    }
  });

  it('when a post is cached, then the next request makes no upstream call', async () => {
    const { svc, key } = service();
    const first = await svc.extract(IDS.video);
    const calls = sim.stats().graphqlCalls;
    expect(await svc.extract(IDS.video)).toEqual(first);
    expect(sim.stats().graphqlCalls).toBe(calls);
    const ttl = await redis.ttl(key(IDS.video));
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
  });

  it('when a post is protected, then the AppError is cached for the short TTL and X is not asked again', async () => {
    const { svc, key } = service();
    await expect(svc.extract(IDS.protected)).rejects.toMatchObject({ code: 'protected_account', status: 422 });
    const calls = sim.stats().graphqlCalls;
    for (let i = 0; i < 3; i++) {
      await expect(svc.extract(IDS.protected)).rejects.toMatchObject({ code: 'protected_account', status: 422 });
    }
    expect(sim.stats().graphqlCalls).toBe(calls);
    const ttl = await redis.ttl(key(IDS.protected));
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('when X is down (503) or garbled (502), then nothing is cached and the next request asks X again', async () => {
    const { svc, key } = service();
    // activation (for TweetResultByRestId), activation again (for TweetDetail), syndication
    sim.faults.serverError(3, 'all');
    const down = await svc.extract(IDS.photos).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(AppError);
    expect(down).toMatchObject({ code: 'upstream_unavailable', status: 503 });
    expect(await redis.exists(key(IDS.photos))).toBe(0);

    sim.faults.html(2, 'graphql');
    sim.faults.html(1, 'syndication');
    await expect(svc.extract(IDS.photos)).rejects.toMatchObject({ code: 'upstream_bad_response', status: 502 });
    expect(await redis.exists(key(IDS.photos))).toBe(0);

    expect((await svc.extract(IDS.photos)).media.length).toBeGreaterThan(0);
  });

  it('when Redis is unreachable, then posts are still served and the cache failure is logged at warn', async () => {
    const dead = new SingleRedis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => undefined);
    const logger = captureLogger();
    const { svc } = service({ redis: dead, logger });
    const tweet = await svc.extract(IDS.video);
    expect(tweet.media.length).toBeGreaterThan(0);
    expect(logger.at('warn').map((e) => e.msg)).toEqual(
      expect.arrayContaining([expect.stringContaining('cache read failed'), expect.stringContaining('cache write failed')]),
    );
    dead.disconnect();
  });
});
