import request from 'supertest';
import { startHarness, type Harness } from '../support/harness';
import { PASSWORD, browser, randomEmail, randomIp, sessionCookie, signUp } from './dashboard-client';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('sign-up', () => {
  it('when an email and a good password are posted, then the account is created and a session cookie is set', async () => {
    const { agent } = browser(h.app);
    const email = randomEmail();
    const res = await agent.post('/dashboard/api/signup').send({ email, password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: 0, message: 'ok', data: { user: { email } } });
    expect(res.body.data.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = sessionCookie(res) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(new RegExp(`Max-Age=${h.env.SESSION_TTL_SECONDS}`));
    expect(cookie).not.toMatch(/Secure/); // plain http and COOKIE_SECURE=auto

    const me = await agent.get('/dashboard/api/me');
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ user: { email, premium: false, complimentary: false }, subscription: null });
  });

  it('when the request came over https (COOKIE_SECURE=auto behind a proxy), then the cookie is Secure', async () => {
    const res = await request(h.app)
      .post('/dashboard/api/signup')
      .set('X-Forwarded-For', randomIp())
      .set('X-Forwarded-Proto', 'https')
      .send({ email: randomEmail(), password: PASSWORD });
    expect(res.status).toBe(201);
    expect(sessionCookie(res)).toMatch(/; Secure/);
  });

  it('when the email has capitals and spaces, then it is stored normalised and login works with any casing', async () => {
    const tag = randomEmail('MiXeD');
    const signup = await request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', randomIp()).send({ email: `  ${tag.toUpperCase()} `, password: PASSWORD });
    expect(signup.status).toBe(201);
    expect(signup.body.data.user.email).toBe(tag.toLowerCase());
    const login = await request(h.app).post('/dashboard/api/login').set('X-Forwarded-For', randomIp()).send({ email: tag, password: PASSWORD });
    expect(login.status).toBe(200);
  });

  it('when the email or password is invalid, then 400 and no account', async () => {
    const ip = randomIp();
    const badEmail = await request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', ip).send({ email: 'not-an-email', password: PASSWORD });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.type).toBe('bad_request');
    const email = randomEmail();
    for (const password of ['short', 'x'.repeat(201)]) {
      const res = await request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', ip).send({ email, password });
      expect(res.status).toBe(400);
    }
    expect(await h.container.users.findByEmail(email)).toBeNull();
  });

  it('when an account with a password already has the email, then 409 and the password is unchanged', async () => {
    const first = await signUp(h.app);
    const again = await request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', randomIp()).send({ email: first.email, password: 'another password 123' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: -1, message: 'An account with this email already exists', error: { type: 'conflict' } });
    const login = await request(h.app).post('/dashboard/api/login').set('X-Forwarded-For', randomIp()).send({ email: first.email, password: PASSWORD });
    expect(login.status).toBe(200);
  });

  it('when the operator CLI created the account (no password), then sign-up claims it: same account, its keys and premium', async () => {
    const { userId } = await h.createKey({ premium: true, email: randomEmail('cli') });
    const user = await h.container.users.findById(userId);
    const claimed = await signUp(h.app, { email: user?.email });
    expect(claimed.userId).toBe(userId);
    const me = await claimed.agent.get('/dashboard/api/me');
    expect(me.body.data.user).toMatchObject({ id: userId, premium: true, complimentary: true });
    expect((await claimed.agent.get('/dashboard/api/keys')).body.data.keys).toHaveLength(1);
  });
});

describe('login', () => {
  it('when the password is right, then 200 with the user and a new CSRF token', async () => {
    const account = await signUp(h.app);
    const res = await request(h.app).post('/dashboard/api/login').set('X-Forwarded-For', randomIp()).send({ email: account.email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.data.user).toEqual({ id: account.userId, email: account.email });
    expect(res.body.data.csrf_token).not.toBe(account.csrf);
    expect(sessionCookie(res)).toBeDefined();
  });

  it('when the email is unknown or the password wrong or the account has no password, then the same 401', async () => {
    const account = await signUp(h.app);
    const { userId } = await h.createKey({ premium: false });
    const cliEmail = (await h.container.users.findById(userId))?.email;
    const attempts = [
      { email: randomEmail('nobody'), password: PASSWORD },
      { email: account.email, password: 'wrong password 123' },
      { email: cliEmail, password: PASSWORD },
    ];
    const bodies = [];
    for (const body of attempts) {
      const res = await request(h.app).post('/dashboard/api/login').set('X-Forwarded-For', randomIp()).send(body);
      expect(res.status).toBe(401);
      expect(sessionCookie(res)).toBeUndefined();
      bodies.push({ message: res.body.message, type: res.body.error.type });
    }
    expect(bodies).toEqual(Array(3).fill({ message: 'Invalid email or password', type: 'invalid_credentials' }));
  });

  it('when logging in from a browser that already has a session, then that session is replaced (rotated)', async () => {
    const account = await signUp(h.app);
    expect((await request(h.app).get('/dashboard/api/me').set('Cookie', account.cookie)).status).toBe(200);
    const login = await account.agent.post('/dashboard/api/login').send({ email: account.email, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(await h.container.prisma.session.count({ where: { userId: account.userId } })).toBe(1);
    const withOld = await request(h.app).get('/dashboard/api/me').set('Cookie', account.cookie);
    expect(withOld.status).toBe(401);
    expect((await account.agent.get('/dashboard/api/me')).status).toBe(200);
  });
});

describe('sessions', () => {
  it('when there is no session cookie, then every dashboard read answers 401 unauthenticated', async () => {
    for (const path of ['/dashboard/api/me', '/dashboard/api/keys', '/dashboard/api/usage']) {
      const res = await request(h.app).get(path).set('Cookie', 'twdown_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: -1, message: 'Please log in', error: { type: 'unauthenticated' } });
    }
  });

  it('when logging out, then the session row is deleted, the cookie cleared and the old cookie no longer works', async () => {
    const account = await signUp(h.app);
    const res = await account.agent.post('/dashboard/api/logout').set('X-CSRF-Token', account.csrf);
    expect(res.status).toBe(200);
    expect(sessionCookie(res)).toMatch(/twdown_session=;/);
    expect(await h.container.prisma.session.count({ where: { userId: account.userId } })).toBe(0);
    expect((await account.agent.get('/dashboard/api/me')).status).toBe(401);
  });

  it('when the session has expired, then 401 and the row is removed', async () => {
    const account = await signUp(h.app);
    await h.container.prisma.session.updateMany({ where: { userId: account.userId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await account.agent.get('/dashboard/api/me')).status).toBe(401);
    expect(await h.container.prisma.session.count({ where: { userId: account.userId } })).toBe(0);
  });

  it('when a session exists, then the database holds only the SHA-256 of the cookie token', async () => {
    const { agent, userId } = await signUp(h.app);
    const res = await agent.post('/dashboard/api/login').send({ email: (await h.container.users.findById(userId))?.email, password: PASSWORD });
    const token = /twdown_session=([^;]+)/.exec(sessionCookie(res) ?? '')?.[1] ?? '';
    const row = await h.container.prisma.session.findFirst({ where: { userId } });
    expect(row?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.id).not.toContain(token);
    expect(await h.container.prisma.session.count({ where: { id: token } })).toBe(0);
  });
});
