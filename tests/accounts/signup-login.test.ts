import request from 'supertest';
import { startHarness, type Harness } from '../support/harness';
import { hashPassword } from '../../apps/api/src/modules/accounts/password';
import { linkToken } from '../support/smtp';
import { PASSWORD, browser, randomEmail, randomIp, sessionCookie, signUp } from './dashboard-client';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const signupPost = (email: string, password = PASSWORD, ip = randomIp()) =>
  request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', ip).send({ email, password });
const loginPost = (email: string, password = PASSWORD) =>
  request(h.app).post('/dashboard/api/login').set('X-Forwarded-For', randomIp()).send({ email, password });
const verifyPost = (token: string, password = PASSWORD) =>
  request(h.app).post('/dashboard/api/verify-email').set('X-Forwarded-For', randomIp()).send({ token, password });

describe('sign-up', () => {
  it('when an email and a good password are posted, then 202 and no session; the emailed link (with the password) opens the account', async () => {
    const { agent } = browser(h.app);
    const email = randomEmail();
    const res = await agent.post('/dashboard/api/signup').send({ email, password: PASSWORD });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ code: 0, message: 'ok', data: { mail_sent: true } });
    expect(sessionCookie(res)).toBeUndefined();
    expect((await agent.get('/dashboard/api/me')).status).toBe(401);
    // not usable before the link: the password is not even set yet
    expect((await loginPost(email)).status).toBe(401);

    const mail = await h.mail.next(email);
    expect(mail.subject).toBe('Confirm your email address for twdown');
    expect(mail.from).toBe('no-reply@localhost');
    expect(mail.text).toContain('expires in 24 hours');
    const token = linkToken(mail, 'verify-email');
    const verified = await agent.post('/dashboard/api/verify-email').send({ token, password: PASSWORD });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ code: 0, message: 'ok', data: { user: { email } } });
    expect(verified.body.data.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = sessionCookie(verified) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(new RegExp(`Max-Age=${h.env.SESSION_TTL_SECONDS}`));
    expect(cookie).not.toMatch(/Secure/); // plain http and COOKIE_SECURE=auto

    const me = await agent.get('/dashboard/api/me');
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ user: { email, premium: false, complimentary: false }, subscription: null });
    expect((await loginPost(email)).status).toBe(200);
  });

  it('when the link is followed with another password than the one chosen at sign-up, then 401 and the link still works with the right one', async () => {
    const email = randomEmail();
    expect((await signupPost(email)).status).toBe(202);
    const token = linkToken(await h.mail.next(email), 'verify-email');
    const wrong = await verifyPost(token, 'not the sign-up password');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: -1, error: { type: 'invalid_credentials' } });
    expect(sessionCookie(wrong)).toBeUndefined();
    expect((await verifyPost(token)).status).toBe(200);
  });

  it('when the request came over https (COOKIE_SECURE=auto behind a proxy), then the cookie is Secure', async () => {
    const email = randomEmail();
    expect((await signupPost(email)).status).toBe(202);
    const token = linkToken(await h.mail.next(email), 'verify-email');
    const res = await request(h.app)
      .post('/dashboard/api/verify-email')
      .set('X-Forwarded-For', randomIp())
      .set('X-Forwarded-Proto', 'https')
      .send({ token, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(sessionCookie(res)).toMatch(/; Secure/);
  });

  it('when the email has capitals and spaces, then it is stored normalised, mailed normalised, and login works with any casing', async () => {
    const tag = randomEmail('MiXeD');
    expect((await signupPost(`  ${tag.toUpperCase()} `)).status).toBe(202);
    const token = linkToken(await h.mail.next(tag.toLowerCase()), 'verify-email');
    const verified = await verifyPost(token);
    expect(verified.body.data.user.email).toBe(tag.toLowerCase());
    expect((await loginPost(tag)).status).toBe(200);
  });

  it('when the email or password is invalid, then 400 and no account and no mail', async () => {
    const ip = randomIp();
    const badEmail = await signupPost('not-an-email', PASSWORD, ip);
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.type).toBe('bad_request');
    const email = randomEmail();
    for (const password of ['short', 'x'.repeat(201)]) {
      const res = await signupPost(email, password, ip);
      expect(res.status).toBe(400);
      expect(res.body.error.type).toBe('bad_request');
    }
    for (const body of [{}, { email }, { password: PASSWORD }]) {
      expect((await request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', ip).send(body)).status).toBe(400);
    }
    expect(await h.container.users.findByEmail(email)).toBeNull();
    await h.container.mailer.idle();
    expect(h.mail.to(email)).toHaveLength(0);
  });

  it('when the address already has an account, then the answer is identical to a new address, the password is unchanged, and the owner is told', async () => {
    const owner = await signUp(h);
    const fresh = randomEmail();
    const forNew = await signupPost(fresh, 'another password 123');
    const forExisting = await signupPost(owner.email, 'another password 123');
    expect(forExisting.status).toBe(forNew.status);
    expect(forExisting.body).toEqual(forNew.body);
    expect(sessionCookie(forExisting)).toBeUndefined();
    expect(Object.keys(forExisting.headers).sort()).toEqual(Object.keys(forNew.headers).sort());

    const notice = await h.mail.next(owner.email);
    expect(notice.subject).toBe('Someone tried to sign up for twdown with your address');
    expect(notice.text).toContain('Someone tried to sign up for twdown with your email address');
    expect(notice.text).toContain('/dashboard/forgot-password');
    expect(notice.text).not.toMatch(/#token=/); // nothing in it opens the account
    expect(linkToken(await h.mail.next(fresh), 'verify-email')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect((await loginPost(owner.email, 'another password 123')).status).toBe(401);
    expect((await loginPost(owner.email)).status).toBe(200);
  });

  it('when the operator CLI created the account (no password), then sign-up alone opens nothing; the emailed link claims it: same account, its keys and premium', async () => {
    const { userId } = await h.createKey({ premium: true, email: randomEmail('cli') });
    const email = (await h.container.users.findById(userId))?.email ?? '';
    // the takeover of issue 7: a stranger signs up with the owner's address
    const stranger = browser(h.app);
    const attempt = await stranger.agent.post('/dashboard/api/signup').send({ email, password: 'stranger password 1' });
    expect(attempt.status).toBe(202);
    expect(sessionCookie(attempt)).toBeUndefined();
    expect((await stranger.agent.get('/dashboard/api/keys')).status).toBe(401);
    expect((await loginPost(email, 'stranger password 1')).status).toBe(401);
    // the stranger's link went to the owner's mailbox; without the stranger's password it opens nothing
    const strangersLink = linkToken(await h.mail.next(email), 'verify-email');
    expect((await verifyPost(strangersLink, PASSWORD)).status).toBe(401);

    const claimed = await signUp(h, { email });
    expect(claimed.userId).toBe(userId);
    const me = await claimed.agent.get('/dashboard/api/me');
    expect(me.body.data.user).toMatchObject({ id: userId, premium: true, complimentary: true });
    expect((await claimed.agent.get('/dashboard/api/keys')).body.data.keys).toHaveLength(1);
    // the stranger's pending link died with the owner's verification
    expect((await verifyPost(strangersLink, 'stranger password 1')).status).toBe(410);
    expect((await loginPost(email, 'stranger password 1')).status).toBe(401);
  });

  it('when an account has a password but never proved its address (from before verification), then login with the right password is 403 email_not_verified, a wrong one 401', async () => {
    const email = randomEmail('legacy');
    const user = await h.container.users.findOrCreate(email);
    await h.container.prisma.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
    const right = await loginPost(email);
    expect(right.status).toBe(403);
    expect(right.body).toMatchObject({ code: -1, error: { type: 'email_not_verified' } });
    expect(sessionCookie(right)).toBeUndefined();
    expect((await loginPost(email, 'wrong password 123')).status).toBe(401);
    // a session opened before verification existed (maybe by whoever claimed the account then)
    const earlier = await h.container.sessions.create(user.id);
    const earlierCookie = `twdown_session=${earlier.token}`;
    expect((await request(h.app).get('/dashboard/api/me').set('Cookie', earlierCookie)).status).toBe(200);
    // signing up again with the address sends the link that opens it, and ends that session
    const owner = await signUp(h, { email, password: 'the owner password' });
    expect(owner.userId).toBe(user.id);
    expect((await request(h.app).get('/dashboard/api/me').set('Cookie', earlierCookie)).status).toBe(401);
    expect((await request(h.app).get('/dashboard/api/me').set('Cookie', owner.cookie)).status).toBe(200);
  });
});

describe('login', () => {
  it('when the password is right, then 200 with the user and a new CSRF token', async () => {
    const account = await signUp(h);
    const res = await request(h.app).post('/dashboard/api/login').set('X-Forwarded-For', randomIp()).send({ email: account.email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.data.user).toEqual({ id: account.userId, email: account.email });
    expect(res.body.data.csrf_token).not.toBe(account.csrf);
    expect(sessionCookie(res)).toBeDefined();
  });

  it('when the email is unknown or the password wrong or the account has no password, then the same 401', async () => {
    const account = await signUp(h);
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
    const account = await signUp(h);
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
    const account = await signUp(h);
    const res = await account.agent.post('/dashboard/api/logout').set('X-CSRF-Token', account.csrf);
    expect(res.status).toBe(200);
    expect(sessionCookie(res)).toMatch(/twdown_session=;/);
    expect(await h.container.prisma.session.count({ where: { userId: account.userId } })).toBe(0);
    expect((await account.agent.get('/dashboard/api/me')).status).toBe(401);
  });

  it('when the session has expired, then 401 and the row is removed', async () => {
    const account = await signUp(h);
    await h.container.prisma.session.updateMany({ where: { userId: account.userId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await account.agent.get('/dashboard/api/me')).status).toBe(401);
    expect(await h.container.prisma.session.count({ where: { userId: account.userId } })).toBe(0);
  });

  it('when a session exists, then the database holds only the SHA-256 of the cookie token', async () => {
    const { agent, userId } = await signUp(h);
    const res = await agent.post('/dashboard/api/login').send({ email: (await h.container.users.findById(userId))?.email, password: PASSWORD });
    const token = /twdown_session=([^;]+)/.exec(sessionCookie(res) ?? '')?.[1] ?? '';
    const row = await h.container.prisma.session.findFirst({ where: { userId } });
    expect(row?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.id).not.toContain(token);
    expect(await h.container.prisma.session.count({ where: { id: token } })).toBe(0);
  });
});
