import request from 'supertest';
import { startOwnRedis, type OwnRedis } from '../support/own-redis';
import { bearer, startHarness, type Harness } from '../support/harness';

// Requests with an invalid URL pass auth and the limiter but never reach X.
const BAD_URL = { url: 'https://example.com/nope' };

/**
 * A Redis that keeps no data (no AOF/RDB) forgets every counter when it restarts; the processes
 * still know each account's standing and carry it over, so a restart does not hand out a fresh
 * allowance. Limits: 10/min, so everything happens inside one minute window.
 */
describe('when Redis restarts empty', () => {
  let redis: OwnRedis;
  let h: Harness;
  beforeAll(async () => {
    redis = await startOwnRedis();
    h = await startHarness({ redisUrl: redis.url, env: { RATE_LIMIT_PER_MINUTE: '10', RATE_LIMIT_PER_HOUR: '1000', RATE_LIMIT_PER_DAY: '10000' } });
  });
  afterAll(async () => {
    await h.close();
    await redis.kill();
  });

  const fire = () => request(h.app).post('/api/v1/twitter').set(bearer(keyOf())).send(BAD_URL);
  let currentKey = '';
  const keyOf = () => currentKey;

  async function untilRedisIsBack(): Promise<void> {
    const client = h.container.redis;
    for (let i = 0; i < 200 && client?.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 25));
    expect(client?.status).toBe('ready');
  }

  it('then the counts of the window (also those admitted during the outage) carry over: 10 per minute in all', async () => {
    currentKey = (await h.createKey()).key;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fire()).status);
    const before = await fire(); // 6th
    statuses.push(before.status);
    const reset = before.headers['x-ratelimit-reset'];

    await redis.kill();
    // during the outage each process limits on its own, from the standing it last saw
    for (let i = 0; i < 2; i++) statuses.push((await fire()).status); // 7th, 8th
    await redis.start();
    await untilRedisIsBack();

    const after = await fire(); // 9th: Redis is empty, yet the window is not
    statuses.push(after.status);
    expect(after.headers['x-ratelimit-remaining']).toBe('1');
    expect(after.headers['x-ratelimit-reset']).toBe(reset);
    statuses.push((await fire()).status); // 10th
    for (let i = 0; i < 3; i++) statuses.push((await fire()).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 429, 429, 429]);
  });

  it('then a restart with no request in between also keeps the standing', async () => {
    currentKey = (await h.createKey()).key;
    for (let i = 0; i < 7; i++) expect((await fire()).status).toBe(400);
    await redis.kill();
    await redis.start();
    await untilRedisIsBack();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fire()).status);
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
  });

  it('then requests arriving together after the restart add the outage admissions once, not once each', async () => {
    currentKey = (await h.createKey()).key;
    for (let i = 0; i < 5; i++) expect((await fire()).status).toBe(400);
    await redis.kill();
    for (let i = 0; i < 3; i++) expect((await fire()).status).toBe(400); // 8 so far
    await redis.start();
    await untilRedisIsBack();
    const statuses = await Promise.all(Array.from({ length: 6 }, () => fire().then((r) => r.status)));
    expect(statuses.filter((s) => s === 400)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });
});
