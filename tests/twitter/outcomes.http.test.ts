import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { SYNTHETIC_IDS } from '../../apps/x-sim/src';
import { bearer, startHarness, type Harness } from '../support/harness';

/** Content outcomes and upstream faults, each through the full HTTP path. */
let h: Harness;
let key: string;
beforeAll(async () => {
  h = await startHarness({
    env: {
      RATE_LIMIT_PER_MINUTE: '1000',
      X_BODY_TIMEOUT_MS: '400',
      X_MAX_RETRIES: '1',
      X_BREAKER_FAILURE_THRESHOLD: '3',
      X_BREAKER_COOLDOWN_MS: '1000',
    },
  });
  ({ key } = await h.createKey());
});
afterEach(() => {
  h.sim.faults.clear();
});
afterAll(async () => {
  await h.close();
});

const post = (url: string) => request(h.app).post('/api/v1/twitter').set(bearer(key)).send({ url });

describe('content outcomes', () => {
  it.each([
    [SYNTHETIC_IDS.protected, 'protected_account', 'This post is from a protected account'],
    [SYNTHETIC_IDS.nsfwLoggedOut, 'age_restricted', 'This post is age-restricted and can only be viewed when logged in'],
    [SYNTHETIC_IDS.nsfwNoStatedAge, 'age_restricted', 'This post is age-restricted and can only be viewed when logged in'],
    [SYNTHETIC_IDS.ageRestrictedTombstone, 'age_restricted', 'This post is age-restricted and can only be viewed when logged in'],
    [SYNTHETIC_IDS.interstitialNoMedia, 'age_restricted', 'This post is age-restricted and can only be viewed when logged in'],
    // possibly_sensitive alone is no evidence of age restriction: a post without video
    [SYNTHETIC_IDS.sensitiveNoMedia, 'no_video', 'No video found'],
    [SYNTHETIC_IDS.sensitiveLinkNoMedia, 'no_video', 'No video found'],
    [SYNTHETIC_IDS.deletedTombstone, 'post_not_found', 'Post not found or deleted'],
    ['123456789012345678', 'post_not_found', 'Post not found or deleted'],
  ])('post %s → 422 %s', async (id, type, message) => {
    const res = await post(`https://x.com/someone/status/${id}`);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ code: -1, message, error: { type, request_id: res.headers['x-request-id'] } });
  });

  it('when /video/2 names the video of a photo, video, photo post (X numbering), then that video answers', async () => {
    const res = await post(`https://x.com/sim_mixed/status/${SYNTHETIC_IDS.photoVideoPhoto}/video/2`);
    expect(res.status).toBe(200);
    expect(res.body.data.media_index).toBe(2);
    expect(res.body.data.thumbnail).toBe('https://pbs.twimg.com/amplify_video_thumb/992011000000000002/pu/img/SimThumb992011000000000002.jpg');
    // /video/1 lands on a photo in X numbering: the old "first video" meaning is unambiguous
    const old = await post(`https://x.com/sim_mixed/status/${SYNTHETIC_IDS.photoVideoPhoto}/video/1`);
    expect(old.status).toBe(200);
    expect(old.body.data.media_index).toBe(2);
    const none = await post(`https://x.com/sim_mixed/status/${SYNTHETIC_IDS.photoVideoPhoto}/video/3`);
    expect(none.status).toBe(422);
    expect(none.body.error.type).toBe('no_video');
  });

  it('a TweetWithVisibilityResults-wrapped post is unwrapped', async () => {
    const res = await post(`https://x.com/someone/status/${SYNTHETIC_IDS.visibilityWrappedVideo}`);
    expect(res.status).toBe(200);
    expect(res.body.data.videos[0].resolution).toBe('720p');
  });
});

describe('upstream faults', () => {
  // distinct, uncached ids per test: the result cache would otherwise hide the upstream
  it('when GraphQL is rate-limited, then the syndication endpoint answers (source = syndication)', async () => {
    h.sim.faults.rateLimit(10, 'graphql');
    const res = await post('https://x.com/sim_detail/status/992013');
    expect(res.status).toBe(200);
    expect(res.body.data.source).toBe('syndication');
    expect(res.body.data.videos[0].resolution).toBe('720p');
  });

  it('when GraphQL is rate-limited and syndication has no copy, then 503 + Retry-After, not a cached post_not_found', async () => {
    h.sim.faults.rateLimit(4, 'graphql');
    const degraded = await post('https://x.com/a/status/992098');
    expect(degraded.status).toBe(503);
    expect(degraded.body.error.type).toBe('upstream_unavailable');
    expect(Number(degraded.headers['retry-after'])).toBeGreaterThan(0);
    h.sim.faults.clear();
    // not cached: once X answers again, the real verdict comes from X
    const before = h.sim.stats().graphqlCallsByTweetId['992098'] ?? 0;
    const healthy = await post('https://x.com/a/status/992098');
    expect(healthy.status).toBe(422);
    expect(healthy.body.error.type).toBe('post_not_found');
    expect((h.sim.stats().graphqlCallsByTweetId['992098'] ?? 0) - before).toBe(2);
  });

  it('when X answers non-JSON bodies everywhere, then 502 with the documented message', async () => {
    h.sim.faults.html(20, 'all');
    const res = await post('https://x.com/a/status/992099');
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: -1, message: 'Unexpected response from X', error: { type: 'upstream_bad_response' } });
  });

  it('when X never answers, then 503 with Retry-After in bounded time, and the breaker then answers at once', async () => {
    h.sim.faults.hang(50, 'all');
    const started = Date.now();
    const res = await post('https://x.com/a/status/992014');
    expect(res.status).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ code: -1, error: { type: 'upstream_unavailable' } });
    expect(res.body.error.retry_after).toBe(Number(res.headers['retry-after']));
    // bounded by the client's timeouts, not by the hang (which never ends)
    expect(Date.now() - started).toBeLessThan(10_000);

    // a few more failures open the circuit; then calls fail fast without reaching X
    await post('https://x.com/a/status/992016');
    await post('https://x.com/a/status/992017');
    const before = h.sim.stats().graphqlCalls;
    const fast = await post('https://x.com/a/status/992019');
    expect(fast.status).toBe(503);
    expect(h.sim.stats().graphqlCalls).toBe(before);

    // after the cool-down a trial call goes through and closes the circuit
    h.sim.faults.clear();
    await new Promise((r) => setTimeout(r, 1100));
    const recovered = await post('https://x.com/a/status/992021');
    expect(recovered.status).toBe(422); // a text post: X answered and was parsed
  });

  it('when the same tweet is asked twice, then X is called once (cache)', async () => {
    const before = h.sim.stats().graphqlCallsByTweetId['992010'] ?? 0;
    await post('https://x.com/sim_video/status/992010');
    await post('https://x.com/sim_video/status/992010');
    expect((h.sim.stats().graphqlCallsByTweetId['992010'] ?? 0) - before).toBe(1);
  });

  it('when 30 requests for one cold tweet arrive together, then X is called once (coalescing)', async () => {
    const before = h.sim.stats().graphqlCallsByTweetId['992015'] ?? 0;
    const results = await Promise.all(
      Array.from({ length: 30 }, () => post('https://x.com/sim_ads/status/992015')),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect((h.sim.stats().graphqlCallsByTweetId['992015'] ?? 0) - before).toBe(1);
  });
});

describe('the extraction deadline', () => {
  let slow: Harness;
  beforeAll(async () => {
    // per-attempt timeouts alone would allow 5 s × 3 attempts × 2 endpoints here
    slow = await startHarness({ env: { X_BODY_TIMEOUT_MS: '5000', X_MAX_RETRIES: '2', X_REQUEST_DEADLINE_MS: '700' } });
  });
  afterAll(async () => {
    await slow.close();
  });

  it('when X stalls, then the caller gets 503 + Retry-After once the deadline passes, not after every retry', async () => {
    const { key: k } = await slow.createKey();
    slow.sim.faults.hang(20, 'all');
    const started = Date.now();
    const res = await request(slow.app).post('/api/v1/twitter').set(bearer(k)).send({ url: 'https://x.com/a/status/992010' });
    const elapsed = Date.now() - started;
    slow.sim.faults.clear();
    expect(res.status).toBe(503);
    expect(res.body.error.type).toBe('upstream_unavailable');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(5_000); // one attempt's own timeout; the deadline is 0.7 s
  });

  it('when X stalls, then no GraphQL or syndication call goes out after the 503', async () => {
    const { key: k } = await slow.createKey();
    slow.sim.reset();
    slow.sim.faults.hang(20, 'graphql');
    const res = await request(slow.app).post('/api/v1/twitter').set(bearer(k)).send({ url: 'https://x.com/a/status/992006' });
    expect(res.status).toBe(503);
    const atAnswer = slow.sim.stats();
    await new Promise((r) => setTimeout(r, 1_500));
    const later = slow.sim.stats();
    expect([later.graphqlCalls, later.syndicationCalls]).toEqual([atAnswer.graphqlCalls, atAnswer.syndicationCalls]);
    expect(later.hanging).toBe(0);
    slow.sim.faults.clear();
  });

  it('when the only client disconnects, then its upstream call is aborted', async () => {
    const { key: k } = await slow.createKey();
    const base = await slow.listen();
    slow.sim.reset();
    slow.sim.faults.hang(1, 'graphql');
    const body = JSON.stringify({ url: 'https://x.com/a/status/992011' });
    const req = httpRequest(`${base}/api/v1/twitter`, {
      method: 'POST',
      headers: { ...bearer(k), 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    });
    req.on('error', () => undefined); // we cut it ourselves
    req.end(body);
    const started = Date.now();
    while (slow.sim.stats().hanging === 0 && Date.now() - started < 2_000) await new Promise((r) => setTimeout(r, 10));
    expect(slow.sim.stats().hanging).toBe(1);
    req.destroy();
    while (slow.sim.stats().hangsClosedByClient === 0 && Date.now() - started < 2_000) await new Promise((r) => setTimeout(r, 10));
    // closed well before the 0.7 s deadline or the 5 s attempt timeout would have
    expect(slow.sim.stats()).toMatchObject({ hangsClosedByClient: 1, hanging: 0, syndicationCalls: 0 });
    expect(Date.now() - started).toBeLessThan(600);
  });
});
