import request from 'supertest';
import { bearer, startHarness, type Harness } from '../support/harness';

/**
 * POST /api/v1/twitter/batch (issue 12): per-item results in order, each in the shape of a single
 * call; one request per URL against the windows; refused items reported, never charged.
 */
let h: Harness;
beforeAll(async () => {
  // 10 a minute: small enough to reach the edge of the window in a few calls
  h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '10' } });
});
afterAll(async () => {
  await h.close();
});

// synthetic posts (apps/x-sim/fixtures/synthetic): no recorded data needed
const VIDEO = 'https://x.com/sim_video/status/992010';
const TEXT_ONLY = 'https://x.com/someone/status/992021';
const MISSING = 'https://x.com/someone/status/123456789012345678';
const NOT_A_POST = 'https://example.com/nope';

const batch = (key: string, body: unknown) => request(h.app).post('/api/v1/twitter/batch').set(bearer(key)).send(body as object);
const single = (key: string, url: unknown) => request(h.app).post('/api/v1/twitter').set(bearer(key)).send({ url });

interface Item {
  url: unknown;
  status: number;
  body: { code: number; message: string; data?: unknown; error?: { type: string; request_id: string; retry_after?: number } };
}

describe('POST /api/v1/twitter/batch', () => {
  it('answers each item in order, in the shape and status of the single call', async () => {
    const { key } = await h.createKey();
    const urls = [NOT_A_POST, VIDEO, MISSING, 'https://t.co/abc', TEXT_ONLY, 42];
    const res = await batch(key, { urls });
    expect(res.status).toBe(200);
    expect(res.body.code).toBe(0);
    const items = res.body.data.results as Item[];
    expect(items.map((i) => i.url)).toEqual(urls);
    expect(items.map((i) => [i.status, i.body.code, i.body.error?.type])).toEqual([
      [400, -1, 'invalid_url'],
      [200, 0, undefined],
      [422, -1, 'post_not_found'],
      [400, -1, 'unsupported_url'],
      [422, -1, 'no_video'],
      [400, -1, 'url_required'],
    ]);
    expect(items[0]?.body.message).toBe('Invalid Twitter/X URL format');
    expect(items[2]?.body.message).toBe('Post not found or deleted');
    expect(items[4]?.body.message).toBe('No video found');

    // the successful item is exactly what POST /twitter answers for the same URL (bar the time)
    const alone = await single(key, VIDEO);
    expect(alone.status).toBe(200);
    const batched = items[1]?.body as { data: Record<string, unknown> };
    expect({ ...batched.data, processed_at: 'x' }).toEqual({ ...alone.body.data, processed_at: 'x' });
    expect(batched.data.statusId).toBe('992010');
    expect(items[2]?.body.error?.request_id).toBe(res.headers['x-request-id']);
  });

  it.each([
    ['no urls', {}],
    ['an empty list', { urls: [] }],
    ['21 URLs', { urls: Array.from({ length: 21 }, () => VIDEO) }],
    ['urls not a list', { urls: VIDEO }],
    ['a list body', [VIDEO]],
  ])('refuses %s with 400 bad_request and charges nothing', async (_name, body) => {
    const { key, userId } = await h.createKey();
    const res = await batch(key, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: -1,
      message: 'Body must be {"urls": [...]} with 1 to 20 post URLs',
      error: { type: 'bad_request', request_id: res.headers['x-request-id'] },
    });
    const minute = (await h.container.deps.limits.peek(userId)).find((w) => w.name === 'minute');
    expect(minute?.remaining).toBe(10);
  });

  it('accepts 20 URLs', async () => {
    const { key } = await h.createKey();
    // 20 > the 10-a-minute limit of this file: the first 10 pass, the rest are refused
    const res = await batch(key, { urls: Array.from({ length: 20 }, () => NOT_A_POST) });
    expect(res.status).toBe(200);
    const statuses = (res.body.data.results as Item[]).map((i) => i.status);
    expect(statuses).toEqual([...Array<number>(10).fill(400), ...Array<number>(10).fill(429)]);
  });

  it('with 3 requests left in the minute, 5 URLs give 3 answers and 2 rate_limited, and the window is at 0', async () => {
    const { key, userId } = await h.createKey();
    for (let i = 0; i < 7; i++) expect((await single(key, NOT_A_POST)).status).toBe(400);
    const res = await batch(key, { urls: [VIDEO, NOT_A_POST, VIDEO, VIDEO, MISSING] });
    expect(res.status).toBe(200);
    const items = res.body.data.results as Item[];
    expect(items.map((i) => i.status)).toEqual([200, 400, 200, 429, 429]);
    for (const item of items.slice(3)) {
      expect(item.body).toMatchObject({ code: -1, message: 'Rate limit exceeded', error: { type: 'rate_limited' } });
      expect(item.body.error?.retry_after).toBeGreaterThanOrEqual(1);
      expect(item.body.error?.retry_after).toBeLessThanOrEqual(60);
    }
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
    const minute = (await h.container.deps.limits.peek(userId)).find((w) => w.name === 'minute');
    expect(minute?.remaining).toBe(0);
    // the hour window was charged for the 7 + 3 admitted requests only
    const hour = (await h.container.deps.limits.peek(userId)).find((w) => w.name === 'hour');
    expect(hour?.remaining).toBe(1000 - 10);
    expect((await single(key, NOT_A_POST)).status).toBe(429);
  });

  it('asks X once for a post named several times in one batch', async () => {
    const { key } = await h.createKey();
    const id = '992019'; // not asked for elsewhere in this file: nothing cached
    const before = h.sim.stats().graphqlCallsByTweetId[id] ?? 0;
    const res = await batch(key, {
      urls: [`https://x.com/sim/status/${id}`, `https://twitter.com/sim/status/${id}?s=20`, `https://fxtwitter.com/a/status/${id}/video/1`],
    });
    expect((res.body.data.results as Item[]).map((i) => i.status)).toEqual([200, 200, 200]);
    expect((h.sim.stats().graphqlCallsByTweetId[id] ?? 0) - before).toBe(1);
  });

  it('refuses a key that is not premium with 403, charging nothing', async () => {
    const { key } = await h.createKey({ premium: false });
    const res = await batch(key, { urls: [VIDEO] });
    expect(res.status).toBe(403);
    expect(res.body.error.type).toBe('not_premium');
  });

  it('refuses a request without a key with 401', async () => {
    const res = await request(h.app).post('/api/v1/twitter/batch').send({ urls: [VIDEO] });
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe('missing_api_key');
  });

  it('answers GET with 405', async () => {
    const res = await request(h.app).get('/api/v1/twitter/batch');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });
});
