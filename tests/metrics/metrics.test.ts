import request from 'supertest';
import { bearer, startHarness, type Harness } from '../support/harness';
import { sample } from '../support/prom-text';
import { buildApp } from '../../apps/api/src/app';
import { createContainer } from '../../apps/api/src/container';
import { createLogger } from '../../apps/api/src/lib/logger/logger';

const TOKEN = 'metrics-token-0123456789abcdef';
const VIDEO = { url: 'https://x.com/sim_video/status/992010' };

async function scrape(h: Harness): Promise<string> {
  const res = await request(h.app).get('/metrics').set(bearer(TOKEN));
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text;
}

describe('GET /metrics without METRICS_TOKEN', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('when no token is configured, then /metrics is not served (404 envelope), even with a bearer', async () => {
    const res = await request(h.app).get('/metrics').set(bearer(TOKEN));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: -1, error: { type: 'route_not_found' } });
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { METRICS_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('when the token is missing, then 401 with a Bearer challenge; when wrong, then 403; both in the error envelope', async () => {
    const missing = await request(h.app).get('/metrics');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(missing.body).toMatchObject({ code: -1, error: { type: 'unauthenticated' } });
    const wrong = await request(h.app).get('/metrics').set(bearer(`${TOKEN}x`));
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ code: -1, error: { type: 'forbidden' } });
    const notBearer = await request(h.app).get('/metrics').set('Authorization', `Basic ${TOKEN}`);
    expect(notBearer.status).toBe(401);
    expect(wrong.text).not.toContain('twdown_http_requests_total');
  });

  it('when scraped with the token, then Node process metrics and the breaker state are there', async () => {
    const text = await scrape(h);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'twdown_x_breaker_state', { state: 'closed' })).toBe(1);
    expect(sample(text, 'twdown_x_breaker_state', { state: 'open' })).toBe(0);
  });

  it('when real requests are served, then request, upstream, guest-token, cache and rate-limit counters move', async () => {
    const { key } = await h.createKey();
    const first = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(VIDEO);
    expect(first.status).toBe(200);
    const second = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(VIDEO);
    expect(second.status).toBe(200);
    const bad = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send({ url: 'https://example.com/x' });
    expect(bad.status).toBe(400);
    const refused = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(VIDEO);
    expect(refused.status).toBe(429);
    await request(h.app).get('/no/such/route').expect(404);

    const text = await scrape(h);
    const http = (status: string) => sample(text, 'twdown_http_requests_total', { method: 'POST', route: '/api/v1/twitter', status });
    expect(http('200')).toBe(2);
    expect(http('400')).toBe(1);
    expect(http('429')).toBe(1);
    expect(sample(text, 'twdown_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(sample(text, 'twdown_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/twitter', status: '200' })).toBe(2);
    // the second request came from the process's own cache: one activation, one GraphQL call,
    // one shared-cache miss and no shared-cache lookup for the second
    expect(sample(text, 'twdown_x_guest_token_activations_total')).toBe(1);
    expect(sample(text, 'twdown_x_upstream_requests_total', { operation: 'guest_activate', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'twdown_x_upstream_requests_total', { operation: 'TweetResultByRestId', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'twdown_x_shared_cache_lookups_total', { result: 'miss' })).toBe(1);
    expect(sample(text, 'twdown_x_shared_cache_lookups_total', { result: 'hit' })).toBeUndefined();
    expect(sample(text, 'twdown_rate_limit_refusals_total', { window: 'minute' })).toBe(1);
    expect(sample(text, 'twdown_rate_limit_refusals_total', { window: 'hour' })).toBeUndefined();
    // all four API-key requests were counted by Redis (refused or not), none by the insurance limiter
    expect(sample(text, 'twdown_rate_limit_decisions_total', { store: 'redis' })).toBe(4);
    expect(sample(text, 'twdown_rate_limit_decisions_total', { store: 'process' })).toBe(0);
  });

  it('when a second instance serves a post the first one cached, then its shared-cache hit is counted', async () => {
    const { key } = await h.createKey();
    const post = { url: 'https://x.com/i/status/992011' };
    await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(post); // the first instance fills Redis
    const other = await createContainer({ env: h.env, logger: createLogger({ level: 'silent' }), databaseUrl: h.db.url, redisTarget: h.redisTarget, keyPrefix: h.keyPrefix });
    try {
      const app = buildApp(other.deps);
      const res = await request(app).post('/api/v1/twitter').set(bearer(key)).send(post);
      const text = (await request(app).get('/metrics').set(bearer(TOKEN))).text;
      expect(sample(text, 'twdown_x_shared_cache_lookups_total', { result: 'hit' })).toBe(1);
      expect(sample(text, 'twdown_x_shared_cache_lookups_total', { result: 'miss' })).toBeUndefined();
      expect(sample(text, 'twdown_http_requests_total', { method: 'POST', route: '/api/v1/twitter', status: String(res.status) })).toBe(1);
      expect(sample(text, 'twdown_x_upstream_requests_total', { operation: 'TweetResultByRestId', outcome: 'ok' })).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('when X answers 503, then the upstream counter records server_error for that operation', async () => {
    const { key } = await h.createKey();
    h.sim.faults.serverError(1, 'graphql', 503);
    try {
      const res = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send({ url: 'https://x.com/i/status/992006' });
      expect(res.status).toBe(200); // retried (X_MAX_RETRIES=1 in the harness)
    } finally {
      h.sim.faults.clear();
    }
    const text = await scrape(h);
    expect(sample(text, 'twdown_x_upstream_requests_total', { operation: 'TweetResultByRestId', outcome: 'server_error' })).toBe(1);
  });

  it('when a Stripe webhook is refused (billing not configured), then it is counted as rejected', async () => {
    const res = await request(h.app).post('/api/v1/webhooks/stripe').set('Stripe-Signature', 't=1,v1=x').set('Content-Type', 'application/json').send('{}');
    expect(res.status).toBe(503);
    const text = await scrape(h);
    expect(sample(text, 'twdown_stripe_webhooks_total', { outcome: 'rejected' })).toBe(1);
  });
});
