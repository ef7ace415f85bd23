import request from 'supertest';
import { startHarness, type Harness } from '../support/harness';
import { PASSWORD, randomEmail, randomIp, signUp, type Browser } from './dashboard-client';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { PUBLIC_BASE_URL: 'https://dash.twdown.test' } });
});
afterAll(async () => {
  await h.close();
});

type Method = 'post' | 'patch' | 'delete';
/** Every state-changing dashboard route that needs a session. */
const routes = (keyId: string): Array<[Method, string, object?]> => [
  ['post', '/dashboard/api/logout'],
  ['post', '/dashboard/api/logout-all'],
  ['post', '/dashboard/api/password', { current_password: PASSWORD, new_password: 'a new password 456' }],
  ['post', '/dashboard/api/email', { email: 'elsewhere@example.com', password: PASSWORD }],
  ['post', '/dashboard/api/keys', { name: 'x' }],
  ['patch', `/dashboard/api/keys/${keyId}`, { name: 'renamed' }],
  ['post', `/dashboard/api/keys/${keyId}/revoke`],
  ['post', `/dashboard/api/keys/${keyId}/rotate`],
  ['delete', `/dashboard/api/keys/${keyId}`],
  ['post', '/dashboard/api/billing/checkout'],
  ['post', '/dashboard/api/billing/portal'],
];

const CSRF_BODY = { code: -1, message: 'Invalid or missing CSRF token', error: { type: 'csrf_failed' } };

async function accountWithKey(): Promise<Browser & { keyId: string }> {
  const account = await signUp(h);
  const { view } = await h.container.keys.create(account.userId, 'original');
  return { ...account, keyId: view.id };
}

async function unchanged(account: Browser & { keyId: string }): Promise<void> {
  const keys = await h.container.keys.list(account.userId);
  expect(keys).toHaveLength(1);
  expect(keys[0]).toMatchObject({ id: account.keyId, name: 'original', status: 'active' });
  expect(await h.container.prisma.session.count({ where: { userId: account.userId } })).toBe(1);
  expect((await h.container.users.findById(account.userId))?.stripeCustomerId).toBeNull();
}

describe('CSRF and session on state-changing routes', () => {
  it('when there is no session, then every one answers 401', async () => {
    for (const [method, path, body] of routes('00000000-0000-4000-8000-000000000000')) {
      const res = await request(h.app)[method](path).set('X-CSRF-Token', 'whatever').send(body);
      expect({ path, status: res.status, type: res.body.error?.type }).toEqual({ path, status: 401, type: 'unauthenticated' });
    }
  });

  it('when the X-CSRF-Token header is missing, then every one answers 403 and changes nothing', async () => {
    const account = await accountWithKey();
    for (const [method, path, body] of routes(account.keyId)) {
      const res = await account.agent[method](path).send(body);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.body).toMatchObject(CSRF_BODY);
    }
    await unchanged(account);
  });

  it('when the token is wrong (or another session\'s), then every one answers 403 and changes nothing', async () => {
    const account = await accountWithKey();
    const other = await signUp(h);
    for (const token of [other.csrf, `${account.csrf.slice(0, -1)}x`, 'short']) {
      for (const [method, path, body] of routes(account.keyId)) {
        const res = await account.agent[method](path).set('X-CSRF-Token', token).send(body);
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
        expect(res.body).toMatchObject(CSRF_BODY);
      }
    }
    await unchanged(account);
  });

  it('when the right token comes from a foreign Origin, then every one answers 403 and changes nothing', async () => {
    const account = await accountWithKey();
    for (const origin of ['https://evil.example', 'null', 'http://dash.twdown.test']) {
      for (const [method, path, body] of routes(account.keyId)) {
        const res = await account.agent[method](path).set('X-CSRF-Token', account.csrf).set('Origin', origin).send(body);
        expect({ path, origin, status: res.status }).toEqual({ path, origin, status: 403 });
        expect(res.body).toMatchObject(CSRF_BODY);
      }
    }
    await unchanged(account);
  });

  it('when the token is right and the Origin is ours (PUBLIC_BASE_URL or the Host addressed), then the request goes through', async () => {
    const account = await accountWithKey();
    const viaPublic = await account.agent
      .patch(`/dashboard/api/keys/${account.keyId}`)
      .set('X-CSRF-Token', account.csrf)
      .set('Origin', 'https://dash.twdown.test')
      .send({ name: 'public origin' });
    expect(viaPublic.status).toBe(200);
    const viaHost = await account.agent
      .patch(`/dashboard/api/keys/${account.keyId}`)
      .set('Host', 'api.twdown.test')
      .set('X-CSRF-Token', account.csrf)
      .set('Origin', 'http://api.twdown.test')
      .send({ name: 'host origin' });
    expect(viaHost.status).toBe(200);
    expect(viaHost.body.data.view.name).toBe('host origin');
  });
});

describe('Origin check on sign-up and login', () => {
  it('when sign-up or login is posted from another site, then 403 and no session', async () => {
    const email = randomEmail();
    const signup = await request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', randomIp()).set('Origin', 'https://evil.example').send({ email, password: PASSWORD });
    expect(signup.status).toBe(403);
    expect(await h.container.users.findByEmail(email)).toBeNull();
    const account = await signUp(h);
    const login = await request(h.app).post('/dashboard/api/login').set('X-Forwarded-For', randomIp()).set('Origin', 'https://evil.example').send({ email: account.email, password: PASSWORD });
    expect(login.status).toBe(403);
    expect(login.headers['set-cookie']).toBeUndefined();
  });

  it('when sign-up comes without an X-CSRF-Token (it has no session yet), then it is accepted', async () => {
    const res = await request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', randomIp()).set('Origin', 'https://dash.twdown.test').send({ email: randomEmail(), password: PASSWORD });
    expect(res.status).toBe(202);
  });

  it('when any other step before a session (verify, forgot, reset, confirm email) is posted from another site, then 403', async () => {
    for (const [path, body] of [
      ['/dashboard/api/verify-email', { token: 'x'.repeat(43), password: PASSWORD }],
      ['/dashboard/api/password/forgot', { email: randomEmail() }],
      ['/dashboard/api/password/reset', { token: 'x'.repeat(43), password: PASSWORD }],
      ['/dashboard/api/email/confirm', { token: 'x'.repeat(43) }],
    ] as const) {
      const res = await request(h.app).post(path).set('X-Forwarded-For', randomIp()).set('Origin', 'https://evil.example').send(body);
      expect({ path, status: res.status, type: res.body.error?.type }).toEqual({ path, status: 403, type: 'csrf_failed' });
    }
  });
});
