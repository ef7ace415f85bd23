import request from 'supertest';
import { SYNTHETIC_IDS } from '../../apps/x-sim/src';
import { buildApp } from '../../apps/api/src/app';
import { createContainer, type Container } from '../../apps/api/src/container';
import { createLogger } from '../../apps/api/src/lib/logger/logger';
import { bearer, startHarness, type Harness } from '../support/harness';

/**
 * The result cache is shared through Redis: a post extracted by one instance is served by every
 * other instance without going to X again. Each instance also keeps a small in-process layer,
 * which answers that instance's own repeats — so only a SECOND instance exercises the shared one.
 */
let h: Harness;
let second: Container;
let secondApp: ReturnType<typeof buildApp>;
beforeAll(async () => {
  h = await startHarness();
  second = await createContainer({
    env: h.env,
    logger: createLogger({ level: 'silent' }),
    databaseUrl: h.db.url,
    redisTarget: h.redisTarget,
    keyPrefix: h.keyPrefix,
  });
  secondApp = buildApp(second.deps);
});
afterAll(async () => {
  await second.close();
  await h.close();
});

const TWEET = `https://x.com/sim_video/status/${SYNTHETIC_IDS.video}`;
const upstreamCalls = () => {
  const s = h.sim.stats();
  return s.graphqlCalls + s.syndicationCalls;
};

describe('the shared result cache', () => {
  it('when a second instance is asked for a post the first one extracted, then it answers from Redis without calling X', async () => {
    const { key } = await h.createKey();
    const before = upstreamCalls();
    const first = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send({ url: TWEET });
    expect(first.status).toBe(200);
    expect(upstreamCalls()).toBeGreaterThan(before);
    const afterFirst = upstreamCalls();

    const again = await request(secondApp).post('/api/v1/twitter').set(bearer(key)).send({ url: TWEET });
    expect(again.status).toBe(200);
    expect(upstreamCalls()).toBe(afterFirst);
    const { processed_at: _a, ...firstData } = first.body.data as Record<string, unknown>;
    const { processed_at: _b, ...againData } = again.body.data as Record<string, unknown>;
    expect(againData).toEqual(firstData);
    expect(againData.statusId).toBe(SYNTHETIC_IDS.video);
  });

  it('when a second instance is asked for a post the first one found missing, then it answers the cached 422 without calling X', async () => {
    const { key } = await h.createKey();
    const dead = 'https://x.com/someone/status/123456789012345678';
    const first = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send({ url: dead });
    expect(first.status).toBe(422);
    const afterFirst = upstreamCalls();
    const again = await request(secondApp).post('/api/v1/twitter').set(bearer(key)).send({ url: dead });
    expect(again.status).toBe(422);
    expect(again.body.error.type).toBe('post_not_found');
    expect(upstreamCalls()).toBe(afterFirst);
  });
});
