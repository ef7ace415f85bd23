import request from 'supertest';
import { errorEnvelopeSchema } from '../../apps/api/src/modules/twitter/twitter.schemas';
import { bearer, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  // a one-second rotation grace so the test can watch a rotated key expire for real
  h = await startHarness({ env: { KEY_ROTATION_GRACE_SECONDS: '1' } });
});
afterAll(async () => {
  await h.close();
});

// An invalid URL is answered after auth, premium and rate limits, without touching X: a 400
// with the URL message proves the request got through authentication.
const PAST_AUTH = { url: 'https://example.com/not-a-post' };

function expectError(res: request.Response, status: number, message: string, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(errorEnvelopeSchema.parse(res.body)).toMatchObject({ code: -1, message, error: { type } });
  expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
}

describe('POST /api/v1/twitter authentication', () => {
  it('when no Authorization header is sent, then 401 Missing API key', async () => {
    const res = await request(h.app).post('/api/v1/twitter').send({ url: 'https://x.com/a/status/1' });
    expectError(res, 401, 'Missing API key', 'missing_api_key');
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it.each([['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer '], ['sk-abc'], ['Token sk-abc']])(
    'when the header is %p (not a Bearer token), then 401 Missing API key',
    async (header) => {
      const res = await request(h.app).post('/api/v1/twitter').set('Authorization', header).send(PAST_AUTH);
      expectError(res, 401, 'Missing API key', 'missing_api_key');
    },
  );

  it.each([
    ['an unknown well-formed key', `sk-${'A'.repeat(43)}`],
    ['a malformed key', 'sk-short'],
    ['a non-sk token', 'abcdef'],
  ])('when the key is %s, then 401 Invalid API key', async (_label, key) => {
    const res = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH);
    expectError(res, 401, 'Invalid API key', 'invalid_api_key');
  });

  it('when the key is revoked, then the very next request gets 401 Invalid API key', async () => {
    const { key, userId, keyId } = await h.createKey();
    const ok = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH);
    expect(ok.status).toBe(400); // the key works and is now cached
    await h.container.keys.revoke(userId, keyId);
    const res = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH);
    expectError(res, 401, 'Invalid API key', 'invalid_api_key');
  });

  it('when a rotated key passes its grace period, then it stops working and the new key works', async () => {
    const { key, userId, keyId } = await h.createKey();
    const rotated = await h.container.keys.rotate(userId, keyId);
    // both keys work during the grace period
    expect((await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH)).status).toBe(400);
    expect((await request(h.app).post('/api/v1/twitter').set(bearer(rotated.key)).send(PAST_AUTH)).status).toBe(400);
    expect(rotated.previous.status).toBe('expiring');
    // the old key already has a replacement: rotating it again is refused
    await expect(h.container.keys.rotate(userId, keyId)).rejects.toMatchObject({ code: 'conflict' });
    await new Promise((r) => setTimeout(r, 1100));
    const res = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH);
    expectError(res, 401, 'Invalid API key', 'invalid_api_key');
    expect((await request(h.app).post('/api/v1/twitter').set(bearer(rotated.key)).send(PAST_AUTH)).status).toBe(400);
  });

  it('when the account is not premium, then 403 with the contract message and the rate-limit standing', async () => {
    const { key } = await h.createKey({ premium: false });
    const res = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH);
    expectError(res, 403, 'API access is only available for premium users', 'not_premium');
    expect(res.headers['x-ratelimit-limit']).toBe('60');
    expect(res.headers['x-ratelimit-remaining']).toBe('60');
  });

  it('when premium is withdrawn, then the next request is refused at once (no stale cache)', async () => {
    const { key, userId } = await h.createKey();
    expect((await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH)).status).toBe(400);
    await h.container.users.setComplimentaryPremium(userId, false);
    h.container.authCache.userChanged(userId);
    const res = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH);
    expectError(res, 403, 'API access is only available for premium users', 'not_premium');
  });

  it('when the key appears only in the query string, then it is ignored (401 Missing API key)', async () => {
    const { key } = await h.createKey();
    const res = await request(h.app).post(`/api/v1/twitter?access_token=${key}`).send(PAST_AUTH);
    expectError(res, 401, 'Missing API key', 'missing_api_key');
  });
});

describe('request ids', () => {
  it('when the client sends X-Request-Id, then it is echoed in the header and the error body', async () => {
    const res = await request(h.app).post('/api/v1/twitter').set('X-Request-Id', 'client-id-123').send({});
    expect(res.headers['x-request-id']).toBe('client-id-123');
    expect(res.body.error.request_id).toBe('client-id-123');
  });

  it('when the client sends none or an unsafe one, then a fresh UUID is used', async () => {
    const res = await request(h.app).get('/healthz').set('X-Request-Id', 'bad id with spaces');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
