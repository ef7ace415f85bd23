import { Redis } from 'ioredis';
import { createUsageService, hourStart } from '../../apps/api/src/modules/usage/usage.service';
import { createUsageRepository } from '../../apps/api/src/modules/usage/usage.repository';
import { createLogger } from '../../apps/api/src/lib/logger/logger';
import { startHarness, type Harness } from '../support/harness';

/**
 * Usage accuracy: counts are billed figures, so a failed flush must delay them, never lose
 * them, and a flush must never lower a figure already stored.
 */
let h: Harness;
let redis: Redis;
beforeAll(async () => {
  h = await startHarness();
  // its own connection, so the test can cut it without disturbing the harness's app
  redis = new Redis(h.redisUrl ?? '', { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
  await redis.connect();
});
afterAll(async () => {
  redis.disconnect();
  await h.close();
});

const logger = createLogger({ level: 'silent' });

function service(prefix: string, now = Date.now) {
  return createUsageService({ repo: createUsageRepository(h.container.prisma), redis, logger, keyPrefix: prefix, now });
}

describe('usage counters', () => {
  it('when a flush to Redis fails, then its counts are put back and written by the next flush, added to newer ones', async () => {
    const { keyId, userId } = await h.createKey();
    const prefix = `${h.keyPrefix}:usage-a`;
    const usage = service(prefix);
    const principal = { keyId, userId, premium: true, expiresAt: null };
    for (let i = 0; i < 3; i++) usage.record(principal, 'ok');
    usage.record(principal, 'limited');

    redis.disconnect(); // a real outage: no offline queue, so the MULTI fails at once
    await expect(usage.flushLocal()).rejects.toThrow();
    while (redis.status !== 'end') await new Promise((r) => setTimeout(r, 5));
    await redis.connect();

    usage.record(principal, 'ok');
    await usage.flushLocal();
    const counters = await redis.hgetall(`${prefix}:{${keyId}}:${hourStart(Date.now())}`);
    // 4 before the failure (1 of them limited) + 1 after = 5 requests, 1 limited
    expect(counters).toMatchObject({ requests: '5', rate_limited: '1', user: userId });
  });

  it('when a flush copies a count lower than the one stored, then the stored (larger) count is kept', async () => {
    const { keyId, userId } = await h.createKey();
    const prefix = `${h.keyPrefix}:usage-b`;
    const hour = hourStart(Date.now());
    // an earlier flush (e.g. before Redis lost its data) already stored 7 requests, 4 limited
    await h.container.prisma.usageHour.create({ data: { keyId, userId, hour: new Date(hour), requests: 7, rateLimited: 4 } });
    const usage = service(prefix);
    const principal = { keyId, userId, premium: true, expiresAt: null };
    for (let i = 0; i < 3; i++) usage.record(principal, 'ok');
    usage.record(principal, 'limited');
    usage.record(principal, 'limited');
    usage.record(principal, 'limited'); // 6 requests, 3 limited: both below the stored figures
    await usage.flush();
    const row = await h.container.prisma.usageHour.findUniqueOrThrow({ where: { keyId_hour: { keyId, hour: new Date(hour) } } });
    expect({ requests: row.requests, rateLimited: row.rateLimited }).toEqual({ requests: 7, rateLimited: 4 });

    // once the live counters pass the stored ones, the flush raises the row to them
    for (let i = 0; i < 4; i++) usage.record(principal, 'limited'); // now 10 requests, 7 limited
    await usage.flush();
    const raised = await h.container.prisma.usageHour.findUniqueOrThrow({ where: { keyId_hour: { keyId, hour: new Date(hour) } } });
    expect({ requests: raised.requests, rateLimited: raised.rateLimited }).toEqual({ requests: 10, rateLimited: 7 });
  });
});
