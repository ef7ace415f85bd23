import { createXSim } from '../../../../../x-sim/src/index';
import type { XClient, XClientConfig } from './x-client';
import { captureLogger, IDS, useSimSuite } from './x-client.test-helpers';
import { appErrorOf } from '../../../../../../tests/support/app-error';

describe('X client failures, fallback and breaker (against the X simulator)', () => {
  const suite = useSimSuite('x-client-failures');
  const { sim } = suite;
  let logger = captureLogger();

  function client(overrides: Partial<XClientConfig> = {}, baseUrl?: string): XClient {
    logger = captureLogger();
    return suite.client({ overrides, logger, ...(baseUrl === undefined ? {} : { baseUrl }) });
  }


  it('when TweetResultByRestId stays rate-limited after a token change, then TweetDetail answers with the media', async () => {
    const c = client();
    sim.faults.rateLimit(2, 'graphql');
    const outcome = await c.fetchTweet(IDS.video);
    expect(outcome.ok && outcome.tweet.source).toBe('graphql');
    expect(outcome.ok && outcome.tweet.media.length).toBe(1);
    expect(sim.stats()).toMatchObject({ graphqlCalls: 3, syndicationCalls: 0, activations: 3 });
  });

  it('when both GraphQL operations stay rate-limited, then the media comes from syndication', async () => {
    const c = client();
    sim.faults.rateLimit(4, 'graphql');
    const outcome = await c.fetchTweet(IDS.video);
    expect(outcome.ok && outcome.tweet.source).toBe('syndication');
    expect(outcome.ok && outcome.tweet.media.length).toBeGreaterThan(0);
    expect(sim.stats()).toMatchObject({ graphqlCalls: 4, syndicationCalls: 1 });
  });

  it('when TweetResultByRestId has no such post but TweetDetail has it, then TweetDetail answers', async () => {
    const c = client();
    const outcome = await c.fetchTweet('992013');
    expect(outcome).toMatchObject({ ok: true, tweet: { source: 'graphql', username: 'sim_detail' } });
    expect(sim.stats()).toMatchObject({ graphqlCalls: 2, syndicationCalls: 0 });
  });

  it('when GraphQL parses but has no media, then TweetDetail and syndication are asked and GraphQL\'s answer is kept', async () => {
    const c = client();
    const outcome = await c.fetchTweet(IDS.textOnly);
    expect(outcome.ok && outcome.tweet.source).toBe('graphql');
    expect(sim.stats()).toMatchObject({ graphqlCalls: 2, syndicationCalls: 1 });
  });

  it('when GraphQL says protected, then neither retries nor fallbacks happen', async () => {
    const c = client();
    expect(await c.fetchTweet(IDS.protected)).toMatchObject({ ok: false, reason: 'protected_account' });
    expect(sim.stats()).toMatchObject({ graphqlCalls: 1, syndicationCalls: 0 });
  });

  it('when no source has the post, then it is post_not_found from GraphQL after both fallbacks', async () => {
    const c = client();
    expect(await c.fetchTweet(IDS.unknown)).toMatchObject({ ok: false, reason: 'post_not_found' });
    expect(sim.stats()).toMatchObject({ graphqlCalls: 2, syndicationCalls: 1 });
  });

  it('when GraphQL is rate-limited and syndication has no copy, then 503 with Retry-After, never post_not_found', async () => {
    const c = client();
    sim.faults.rateLimit(4, 'graphql');
    const err = await appErrorOf(c.fetchTweet(IDS.unknown));
    expect(err.code).toBe('upstream_unavailable');
    expect(err.retryAfter).toBeGreaterThan(0);
    expect(sim.stats()).toMatchObject({ graphqlCalls: 4, syndicationCalls: 1 });
  });

  it('when GraphQL answers 5xx once, then a backed-off retry succeeds', async () => {
    const c = client();
    await c.fetchTweet(IDS.video);
    sim.faults.serverError(1, 'graphql');
    const outcome = await c.fetchTweet(IDS.video);
    expect(outcome.ok && outcome.tweet.source).toBe('graphql');
    expect(sim.stats()).toMatchObject({ graphqlCalls: 3, syndicationCalls: 0 });
  });

  it('when X hangs everywhere, then the call gives up within its time bound with 503 + Retry-After', async () => {
    const c = client({ bodyTimeoutMs: 300, maxRetries: 1 });
    await c.fetchTweet(IDS.video);
    sim.faults.hang(10, 'all');
    const started = Date.now();
    const err = await appErrorOf(c.fetchTweet(IDS.video));
    const elapsed = Date.now() - started;
    // 2 TweetResultByRestId + 2 TweetDetail + 2 syndication attempts of 300 ms, plus three backoffs.
    expect(elapsed).toBeGreaterThanOrEqual(1_700);
    expect(elapsed).toBeLessThan(3_500);
    expect(err.code).toBe('upstream_unavailable');
    expect(err.status).toBe(503);
    expect(err.retryAfter).toBeGreaterThan(0);
  });

  it('when rate-limited everywhere, then 503 carries Retry-After from x-rate-limit-reset', async () => {
    const c = client();
    await c.fetchTweet(IDS.video);
    sim.faults.rateLimit(4, 'graphql');
    sim.faults.rateLimit(1, 'syndication');
    const err = await appErrorOf(c.fetchTweet(IDS.video));
    expect(err.code).toBe('upstream_unavailable');
    // The simulator's window is 900 s and its reset header is rounded up to whole seconds.
    expect(err.retryAfter).toBeGreaterThan(800);
    expect(err.retryAfter).toBeLessThanOrEqual(901);
  });

  it('when GraphQL and syndication return HTML, then the outcome is upstream_bad_response and the body is logged', async () => {
    const c = client();
    await c.fetchTweet(IDS.video);
    sim.faults.html(2, 'graphql');
    sim.faults.html(1, 'syndication');
    const outcome = await c.fetchTweet(IDS.video, { requestId: 'req-garbage-1' });
    expect(outcome).toMatchObject({ ok: false, reason: 'upstream_bad_response' });
    const logged = logger.at('warn').filter((e) => e.msg?.includes('unreadable body'));
    expect(logged).toHaveLength(3);
    expect(logged[0]?.obj).toMatchObject({ requestId: 'req-garbage-1', status: 200, upstream: 'graphql' });
    expect(String(logged[0]?.obj.body)).toMatch(/^<!DOCTYPE html>/);
  });

  it('when the GraphQL bodies are truncated, then they are logged (at most 2 KB) and syndication still serves the media', async () => {
    const c = client();
    await c.fetchTweet(IDS.video);
    sim.faults.truncate(2, 'graphql');
    const outcome = await c.fetchTweet(IDS.video, { requestId: 'req-trunc' });
    expect(outcome.ok && outcome.tweet.source).toBe('syndication');
    const [logged] = logger.at('warn').filter((e) => e.msg?.includes('unreadable body'));
    expect(logged?.obj.requestId).toBe('req-trunc');
    expect(Buffer.byteLength(String(logged?.obj.body))).toBeLessThanOrEqual(2048);
  });

  it('when X answers 336 (features outdated), then it is logged as an error and syndication is used', async () => {
    const strict = createXSim({ requiredFeatures: ['a_feature_we_do_not_send'] });
    const { url: strictUrl } = await strict.start();
    try {
      const c = client({}, strictUrl);
      const outcome = await c.fetchTweet(IDS.video);
      expect(outcome.ok && outcome.tweet.source).toBe('syndication');
      expect(logger.at('error').some((e) => e.msg?.includes('336'))).toBe(true);
    } finally {
      await strict.stop();
    }
  });

  it('when failures reach the threshold, then the breaker answers fast 503s, half-opens after the cool-down and closes on success', async () => {
    const c = client({ maxRetries: 0, breaker: { failureThreshold: 2, windowMs: 10_000, coolDownMs: 600 } });
    await c.fetchTweet(IDS.video);
    sim.faults.serverError(100, 'all');
    await appErrorOf(c.fetchTweet(IDS.video));
    await appErrorOf(c.fetchTweet(IDS.video));
    expect(c.circuitState()).toBe('open');

    const callsBefore = sim.stats().graphqlCalls;
    const started = Date.now();
    const fast = await appErrorOf(c.fetchTweet(IDS.video));
    expect(Date.now() - started).toBeLessThan(50);
    expect(fast.code).toBe('upstream_unavailable');
    expect(fast.retryAfter).toBe(1);
    expect(sim.stats().graphqlCalls).toBe(callsBefore);

    await new Promise((r) => setTimeout(r, 650));
    expect(c.circuitState()).toBe('half-open');
    sim.faults.clear();
    expect((await c.fetchTweet(IDS.video)).ok).toBe(true);
    expect(c.circuitState()).toBe('closed');
  });
});
