/**
 * Promises of issue 7 that no test held (each was broken in the code while the suite stayed
 * green). Expected values are stated here, from the spec, never read from the code's constants.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { startHarness, type Harness } from '../support/harness';
import { PASSWORD, randomIp, sessionCookie, signUp } from '../accounts/dashboard-client';

/** The security headers every response carries (helmet), as they must appear on the wire. */
const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('API keys at rest', () => {
  it('when a key is created or rotated from the dashboard, then no column of its row holds the key, and the hash is the SHA-256 of the key', async () => {
    const account = await signUp(h);
    const created = await account.agent.post('/dashboard/api/keys').set('X-CSRF-Token', account.csrf).send({ name: 'at rest' });
    expect(created.status).toBe(201);
    const rotated = await account.agent.post(`/dashboard/api/keys/${created.body.data.view.id}/rotate`).set('X-CSRF-Token', account.csrf);
    expect(rotated.status).toBe(200);
    for (const { key, id } of [
      { key: created.body.data.key as string, id: created.body.data.view.id as string },
      { key: rotated.body.data.key as string, id: rotated.body.data.view.id as string },
    ]) {
      expect(key).toMatch(/^sk-[A-Za-z0-9]{43}$/);
      const [row] = await h.container.prisma.$queryRaw<Array<Record<string, unknown>>>`SELECT * FROM api_keys WHERE id = ${id}::uuid`;
      expect(row).toBeDefined();
      const secret = key.slice(3);
      for (const [column, value] of Object.entries(row ?? {})) {
        expect({ column, holdsKey: String(value).includes(key) || String(value).includes(secret) }).toEqual({ column, holdsKey: false });
      }
      expect(row?.hash).toBe(createHash('sha256').update(key).digest('hex'));
      // and the key still works, so the stored hash is the one the API checks
      expect((await request(h.app).get('/api/v1/usage').set('Authorization', `Bearer ${key}`)).status).toBe(200);
    }
  });
});

describe('security headers on the wire', () => {
  it.each(['/api/v1/twitter', '/api/v1/openapi.json', '/dashboard/api/me', '/', '/dashboard', '/healthz', '/no/such/route'])(
    'when %s is fetched, then every helmet header is there and X-Powered-By is not',
    async (path) => {
      const res = await request(h.app).get(path);
      const got = Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, res.headers[name]]));
      expect(got).toEqual(SECURITY_HEADERS);
      expect(res.headers['x-powered-by']).toBeUndefined();
    },
  );

  it('when a page (landing or dashboard) is fetched, then its CSP forbids inline code and framing', async () => {
    for (const path of ['/', '/dashboard', '/dashboard/verify-email', '/assets/app.js']) {
      const csp = String((await request(h.app).get(path)).headers['content-security-policy'] ?? '');
      expect({ path, frameAncestors: /(^|;)\s*frame-ancestors 'none'\s*(;|$)/.test(csp), scriptSelf: /(^|;)\s*script-src 'self'\s*(;|$)/.test(csp) }).toEqual({
        path,
        frameAncestors: true,
        scriptSelf: true,
      });
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    }
  });
});

describe('dashboard API responses are never cached', () => {
  it('when any dashboard API route answers (success, 401, 400, 404), then Cache-Control is no-store', async () => {
    const account = await signUp(h);
    const answers: Array<[string, request.Response]> = [
      ['GET /me', await account.agent.get('/dashboard/api/me')],
      ['GET /keys', await account.agent.get('/dashboard/api/keys')],
      ['GET /usage', await account.agent.get('/dashboard/api/usage')],
      ['GET /me, no session', await request(h.app).get('/dashboard/api/me')],
      ['POST /login', await request(h.app).post('/dashboard/api/login').set('X-Forwarded-For', randomIp()).send({ email: account.email, password: PASSWORD })],
      ['POST /signup, bad body', await request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', randomIp()).send({})],
      ['GET /nope', await request(h.app).get('/dashboard/api/nope')],
    ];
    expect(answers.map(([name, r]) => [name, r.status, r.headers['cache-control']])).toEqual(answers.map(([name, r]) => [name, r.status, 'no-store']));
  });
});

describe('COOKIE_SECURE', () => {
  it('when COOKIE_SECURE=true, then the session cookie is Secure even over plain http', async () => {
    const secure = await startHarness({ env: { COOKIE_SECURE: 'true' } });
    try {
      const account = await signUp(secure);
      const login = await request(secure.app).post('/dashboard/api/login').set('X-Forwarded-For', randomIp()).send({ email: account.email, password: PASSWORD });
      expect(login.status).toBe(200);
      expect(sessionCookie(login)).toMatch(/;\s*Secure(;|$)/);
      // (a cookie jar does not send a Secure cookie over http: send it by hand)
      const logout = await request(secure.app).post('/dashboard/api/logout').set('Cookie', account.cookie).set('X-CSRF-Token', account.csrf);
      expect(logout.status).toBe(200);
      expect(sessionCookie(logout)).toMatch(/;\s*Secure(;|$)/);
    } finally {
      await secure.close();
    }
  });

  it('when COOKIE_SECURE=false, then the cookie is not Secure even over https', async () => {
    const plain = await startHarness({ env: { COOKIE_SECURE: 'false' } });
    try {
      const account = await signUp(plain);
      const login = await request(plain.app)
        .post('/dashboard/api/login')
        .set('X-Forwarded-For', randomIp())
        .set('X-Forwarded-Proto', 'https')
        .send({ email: account.email, password: PASSWORD });
      expect(login.status).toBe(200);
      expect(sessionCookie(login)).not.toMatch(/Secure/);
    } finally {
      await plain.close();
    }
  });
});
