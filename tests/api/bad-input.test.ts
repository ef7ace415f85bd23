import request from 'supertest';
import { bearer, startHarness, type Harness } from '../support/harness';

/** Every bad input gets a clear error in the envelope: never a stack trace, never HTML. */
let h: Harness;
let key: string;
beforeAll(async () => {
  h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '1000' } });
  ({ key } = await h.createKey());
});
afterAll(async () => {
  await h.close();
});

const twitter = () => request(h.app).post('/api/v1/twitter').set(bearer(key));

function expectEnvelope(res: request.Response, status: number, message: string | RegExp, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body.code).toBe(-1);
  if (typeof message === 'string') expect(res.body.message).toBe(message);
  else expect(res.body.message).toMatch(message);
  expect(res.body.error.type).toBe(type);
  expect(JSON.stringify(res.body)).not.toMatch(/at .+\.(ts|js):\d+/); // no stack trace
}

describe('the url field', () => {
  it.each([
    ['a missing url', {}],
    ['an empty url', { url: '' }],
    ['a blank url', { url: '   ' }],
    ['a numeric url', { url: 42 }],
    ['a null url', { url: null }],
    ['an array url', { url: ['https://x.com/a/status/1'] }],
    ['an object url', { url: { href: 'https://x.com/a/status/1' } }],
    ['a JSON array body', [1, 2]],
    ['a JSON string body', 'https://x.com/a/status/1'],
  ])('when the body has %s, then 400 URL parameter is required', async (_label, body) => {
    const res = await twitter().set('Content-Type', 'application/json').send(JSON.stringify(body));
    expectEnvelope(res, 400, 'URL parameter is required', 'url_required');
  });

  it('when there is no body at all, then 400 URL parameter is required', async () => {
    expectEnvelope(await twitter(), 400, 'URL parameter is required', 'url_required');
  });

  it.each([
    'https://example.com/a/status/1',
    'https://x.com/elonmusk',
    'https://x.com/a/status/abc',
    'https://x.com/a/status/123456789012345678901',
    'https://x.com@evil.com/a/status/1',
    'javascript:alert(1)',
    'ftp://x.com/a/status/1',
    'not a url at all',
    `https://x.com/a/status/1?${'a'.repeat(3000)}`,
  ])('when the url is %#, then 400 Invalid Twitter/X URL format', async (url) => {
    expectEnvelope(await twitter().send({ url }), 400, 'Invalid Twitter/X URL format', 'invalid_url');
  });

  it('when the url is a t.co short link, then 400 with a message saying so', async () => {
    const res = await twitter().send({ url: 'https://t.co/abc123' });
    expectEnvelope(res, 400, /t\.co/, 'unsupported_url');
  });
});

describe('the body itself', () => {
  it('when the JSON is malformed, then 400 Malformed JSON body', async () => {
    const res = await twitter().set('Content-Type', 'application/json').send('{"url": "https://x.com/a/status/1"');
    expectEnvelope(res, 400, 'Malformed JSON body', 'invalid_json');
  });

  it.each([
    ['text/plain', 'url=https://x.com/a/status/1'],
    ['application/x-www-form-urlencoded', 'url=https%3A%2F%2Fx.com%2Fa%2Fstatus%2F1'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="url"\r\n\r\nhttps://x.com/a/status/1\r\n--x--'],
  ])('when the content type is %s, then 400 Content-Type must be application/json', async (type, body) => {
    const res = await twitter().set('Content-Type', type).send(body);
    expectEnvelope(res, 400, 'Content-Type must be application/json', 'unsupported_media_type');
  });

  it('when the body is larger than 16 KB, then 400 Request body is too large', async () => {
    const res = await twitter().send({ url: 'https://x.com/a/status/1', pad: 'x'.repeat(20_000) });
    expectEnvelope(res, 400, 'Request body is too large', 'payload_too_large');
  });

  it('when the JSON has an unsupported charset, then a clear 400', async () => {
    const res = await twitter().set('Content-Type', 'application/json; charset=latin1').send('{"url":"x"}');
    expectEnvelope(res, 400, /charset/i, 'bad_request');
  });
});

describe('routes and methods', () => {
  it('when the route does not exist, then 404 in the envelope', async () => {
    const res = await request(h.app).get('/api/v1/nope');
    expectEnvelope(res, 404, 'Route not found: GET /api/v1/nope', 'route_not_found');
  });

  it('when /twitter is called with PUT, then 405 with Allow', async () => {
    const res = await request(h.app).put('/api/v1/twitter').send({});
    expectEnvelope(res, 405, 'Method not allowed', 'method_not_allowed');
    expect(res.headers.allow).toBe('GET, POST');
  });
});

describe('unexpected failures', () => {
  it('when the database breaks under a request, then 500 Internal server error, no details, and the server keeps serving', async () => {
    const broken = await startHarness();
    try {
      const { key: k } = await broken.createKey();
      // a real fault: the table behind API keys disappears
      await broken.container.prisma.$executeRawUnsafe('DROP TABLE api_keys CASCADE');
      const res = await request(broken.app).post('/api/v1/twitter').set(bearer(k)).send({ url: 'https://x.com/a/status/1' });
      expectEnvelope(res, 500, 'Internal server error', 'internal');
      expect(JSON.stringify(res.body)).not.toMatch(/api_keys|prisma|relation/i);
      expect((await request(broken.app).get('/healthz')).status).toBe(200);
    } finally {
      await broken.close();
    }
  });
});
