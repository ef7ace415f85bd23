import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createAccountSlots } from '../../apps/api/src/modules/convert/convert.slots';
import { createLogger } from '../../apps/api/src/lib/logger/logger';
import { REDIS_URL } from '../support/db';
import { deleteRedisPrefix } from '../support/harness';

const logger = createLogger({ level: 'silent' });
const prefix = `twdown-test:${randomBytes(5).toString('hex')}`;
let redis: Redis;
beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  redis.disconnect();
  await deleteRedisPrefix(REDIS_URL, prefix);
});

describe('per-account conversion slots in Redis', () => {
  it('when two instances share Redis, then together they hold at most max slots per account', async () => {
    const a = createAccountSlots({ redis, keyPrefix: `${prefix}:s1`, max: 2, logger });
    const b = createAccountSlots({ redis, keyPrefix: `${prefix}:s1`, max: 2, logger });
    const user = randomUUID();
    const held = await Promise.all([a.acquire(user), b.acquire(user), a.acquire(user), b.acquire(user)]);
    expect(held.filter((s) => s !== null)).toHaveLength(2);
    held.forEach((s) => s?.release());
    await new Promise((r) => setTimeout(r, 50));
    expect(await a.acquire(user)).not.toBeNull();
  });

  it('when an instance died holding a slot, then the slot frees itself after its TTL', async () => {
    const slots = createAccountSlots({ redis, keyPrefix: `${prefix}:s2`, max: 1, logger });
    const user = randomUUID();
    // what a crashed instance leaves behind: a holder whose expiry passes, with nobody to refresh it
    await redis.zadd(`${prefix}:s2:${user}`, Date.now() + 300, 'crashed-holder');
    expect(await slots.acquire(user)).toBeNull();
    await new Promise((r) => setTimeout(r, 400));
    expect(await slots.acquire(user)).not.toBeNull();
  });

  it('when Redis is unreachable, then each process still enforces the limit on its own', async () => {
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    down.on('error', () => undefined);
    const slots = createAccountSlots({ redis: down, keyPrefix: `${prefix}:s3`, max: 1, logger });
    const user = randomUUID();
    const first = await slots.acquire(user);
    expect(first).not.toBeNull();
    expect(await slots.acquire(user)).toBeNull();
    first?.release();
    expect(await slots.acquire(user)).not.toBeNull();
    down.disconnect();
  });
});
