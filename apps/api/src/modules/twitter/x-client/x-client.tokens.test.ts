import { createXSim } from '../../../../../x-sim/src/index';
import type { XClient, XClientConfig } from './x-client';
import { IDS, useSimSuite } from './x-client.test-helpers';

describe('X client guest tokens (against the X simulator)', () => {
  const suite = useSimSuite('x-client-tokens');
  const { sim } = suite;

  const client = (prefix: string, overrides: Partial<XClientConfig> = {}): XClient => suite.client({ prefix, overrides });
  const tokenKey = (prefix: string) => `${prefix}x:{guest-token}`;

  it('when many calls run, sequential and concurrent, then one guest token serves them all', async () => {
    const c = client(`${suite.prefix}reuse:`);
    for (let i = 0; i < 10; i++) expect((await c.fetchTweet(IDS.video)).ok).toBe(true);
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => c.fetchTweet(IDS.photos)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(sim.stats().activations).toBe(1);
    expect(sim.stats().graphqlCalls).toBe(50);
  });

  it('when two client instances (two processes) share Redis and start cold together, then X sees one activation', async () => {
    const prefix = `${suite.prefix}shared:`;
    const a = client(prefix);
    const b = client(prefix);
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).fetchTweet(IDS.video)),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(sim.stats().activations).toBe(1);
    expect(await suite.redis.get(tokenKey(prefix))).toMatch(/^\d+$/);
    expect(await suite.redis.exists(`${tokenKey(prefix)}:lock`)).toBe(0);
  });

  it('when X answers 403 for the current token, then it is retired and the call retried once with a fresh token', async () => {
    const prefix = `${suite.prefix}forbidden:`;
    const c = client(prefix);
    await c.fetchTweet(IDS.video);
    const old = await suite.redis.get(tokenKey(prefix));
    expect(old).not.toBeNull();
    sim.faults.forbidToken(old ?? '');

    const outcome = await c.fetchTweet(IDS.video);

    expect(outcome.ok && outcome.tweet.source).toBe('graphql');
    expect(sim.stats().activations).toBe(2);
    expect(sim.stats().graphqlCalls).toBe(3);
    const fresh = await suite.redis.get(tokenKey(prefix));
    expect(fresh).not.toBeNull();
    expect(fresh).not.toBe(old);
  });

  it('when X answers 429 once, then the next attempt with a new token succeeds', async () => {
    const c = client(`${suite.prefix}429:`);
    await c.fetchTweet(IDS.video);
    sim.faults.rateLimit(1, 'graphql');

    const outcome = await c.fetchTweet(IDS.video);

    expect(outcome.ok && outcome.tweet.source).toBe('graphql');
    expect(sim.stats()).toMatchObject({ activations: 2, graphqlCalls: 3, syndicationCalls: 0 });
  });

  it('when the other instance already rotated the token, then a stale retirement does not delete the new one', async () => {
    const prefix = `${suite.prefix}stale:`;
    const a = client(prefix);
    const b = client(prefix);
    await a.fetchTweet(IDS.video);
    await b.fetchTweet(IDS.video); // b now holds the same token in memory
    const first = await suite.redis.get(tokenKey(prefix));
    sim.faults.forbidToken(first ?? '');
    await a.fetchTweet(IDS.video); // a retires `first` and activates `second`
    const second = await suite.redis.get(tokenKey(prefix));
    expect(second).not.toBe(first);

    await b.fetchTweet(IDS.video); // b hits 403 with `first`: must not delete `second`

    expect(sim.stats().activations).toBe(2);
    expect(await suite.redis.get(tokenKey(prefix))).toBe(second);
  });

  it('when X reports remaining calls below the threshold, then the token is retired and the next call uses a new one', async () => {
    const prefix = `${suite.prefix}low:`;
    const small = createXSim({ tokenBudget: 12 });
    const { url: smallUrl } = await small.start();
    const c = suite.client({ baseUrl: smallUrl, prefix, overrides: { minRateLimitRemaining: 10 } });
    try {
      // Budget 12: after the 3rd call 9 remain (< 10), so the 4th call needs a fresh token.
      for (let i = 0; i < 3; i++) await c.fetchTweet(IDS.video);
      expect(await suite.redis.get(tokenKey(prefix))).toBeNull();
      expect(small.stats().activations).toBe(1);
      expect((await c.fetchTweet(IDS.video)).ok).toBe(true);
      expect(small.stats()).toMatchObject({ activations: 2, graphqlCalls: 4, rateLimited: 0 });
    } finally {
      await small.stop(); // the client is closed after the test, as every suite client
    }
  });
});
