import request from 'supertest';
import { bearer, startHarness, type Harness } from '../support/harness';
import { envelopeProblem } from './envelope';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

// An invalid URL is answered after auth, premium and the limiter, without touching X.
const PAST_AUTH = { url: 'https://example.com/not-a-post' };

describe('Authorization header forms', () => {
  it.each([
    ['one space', (k: string) => `Bearer ${k}`],
    ['two spaces', (k: string) => `Bearer  ${k}`],
    ['a tab', (k: string) => `Bearer\t${k}`],
    ['spaces and a tab, trailing space', (k: string) => `Bearer \t  ${k} `],
    ['lower-case scheme', (k: string) => `bearer ${k}`],
  ])('when the header has %s between scheme and key, then the key authenticates', async (_label, header) => {
    const { key } = await h.createKey();
    const res = await request(h.app).post('/api/v1/twitter').set('Authorization', header(key)).send(PAST_AUTH);
    expect({ status: res.status, type: res.body.error?.type }).toEqual({ status: 400, type: 'invalid_url' });
  });

  it('when a valid header comes with ?access_token=x, then the header authenticates and the query is ignored', async () => {
    const { key } = await h.createKey();
    const res = await request(h.app).post('/api/v1/twitter?access_token=x').set(bearer(key)).send(PAST_AUTH);
    expect({ status: res.status, type: res.body.error?.type }).toEqual({ status: 400, type: 'invalid_url' });
    const usage = await request(h.app).get('/api/v1/usage?access_token=sk-bogus').set(bearer(key));
    expect(usage.status).toBe(200);
  });

  it('when only ?access_token=<valid key> is sent, then 401 Missing API key (keys in URLs are never read)', async () => {
    const { key } = await h.createKey();
    const res = await request(h.app).post(`/api/v1/twitter?access_token=${key}`).send(PAST_AUTH);
    expect({ status: res.status, type: res.body.error?.type }).toEqual({ status: 401, type: 'missing_api_key' });
  });

  it('when the key is in a body field access_token with a valid header, then the header authenticates', async () => {
    const { key } = await h.createKey();
    const res = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send({ ...PAST_AUTH, access_token: 'x' });
    expect({ status: res.status, type: res.body.error?.type }).toEqual({ status: 400, type: 'invalid_url' });
  });
});

describe('OPTIONS', () => {
  it.each([
    ['/api/v1/usage', 'GET'],
    ['/api/v1/openapi.json', 'GET'],
    ['/api/v1/twitter', 'GET, POST'],
    ['/api/v1/webhooks/stripe', 'POST'],
    ['/healthz', 'GET'],
    ['/dashboard/api/login', 'POST'],
    ['/dashboard/api/keys', 'GET, POST'],
  ])('when OPTIONS %s, then 405 method_not_allowed in the envelope with Allow: %s', async (path, allow) => {
    const res = await request(h.app).options(path);
    expect(res.status).toBe(405);
    expect(envelopeProblem(res.headers['content-type'], res.text)).toBeNull();
    expect(res.body.error.type).toBe('method_not_allowed');
    // HEAD comes with GET in Express; the rest must be exactly the route's methods
    const listed = String(res.headers.allow).split(', ').filter((m) => m !== 'HEAD');
    expect(listed.join(', ')).toBe(allow);
  });

  it('when OPTIONS hits an unknown path, then 404 route_not_found in the envelope', async () => {
    const res = await request(h.app).options('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(envelopeProblem(res.headers['content-type'], res.text)).toBeNull();
  });
});
