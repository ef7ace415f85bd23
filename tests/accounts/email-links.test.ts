import { createHash } from 'node:crypto';
import request from 'supertest';
import { startHarness, type Harness } from '../support/harness';
import { linkToken } from '../support/smtp';
import { PASSWORD, browser, randomEmail, randomIp, sessionCookie, signUp, type Browser } from './dashboard-client';

// The spec of these links (docs/dashboard-api.md): sign-up and email-change links live 24 hours,
// password-reset links 1 hour; each works once; only a SHA-256 of the token is stored.
const HOUR = 3_600_000;
let offsetMs = 0;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: () => new Date(Date.now() + offsetMs) });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  offsetMs = 0;
});

const post = (path: string, body: object) => request(h.app).post(`/dashboard/api${path}`).set('X-Forwarded-For', randomIp()).send(body);
const login = (email: string, password = PASSWORD) => post('/login', { email, password });

async function pendingSignup(): Promise<{ email: string; token: string }> {
  const email = randomEmail();
  expect((await post('/signup', { email, password: PASSWORD })).status).toBe(202);
  return { email, token: linkToken(await h.mail.next(email), 'verify-email') };
}

async function resetLink(email: string): Promise<string> {
  expect((await post('/password/forgot', { email })).status).toBe(202);
  return linkToken(await h.mail.next(email), 'reset-password');
}

/** A second logged-in browser of the same account. */
async function secondBrowser(account: Browser, password = PASSWORD): Promise<Browser> {
  const b = browser(h.app);
  const res = await b.agent.post('/dashboard/api/login').send({ email: account.email, password });
  expect(res.status).toBe(200);
  return { ...account, agent: b.agent, ip: b.ip, csrf: res.body.data.csrf_token as string };
}

const alive = async (b: Browser) => (await b.agent.get('/dashboard/api/me')).status === 200;

describe('link tokens', () => {
  it('when a link is issued, then the database holds only the SHA-256 of its token, no column contains the token', async () => {
    const { token } = await pendingSignup();
    const rows = await h.container.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>('SELECT * FROM email_tokens');
    const row = rows.find((r) => r.id === createHash('sha256').update(token).digest('hex'));
    expect(row).toBeDefined();
    for (const r of rows) for (const value of Object.values(r)) expect(String(value)).not.toContain(token);
  });

  it('when a link is used twice, then the second use is 410 token_used', async () => {
    const { token } = await pendingSignup();
    expect((await post('/verify-email', { token, password: PASSWORD })).status).toBe(200);
    const again = await post('/verify-email', { token, password: PASSWORD });
    expect(again.status).toBe(410);
    expect(again.body).toMatchObject({ code: -1, error: { type: 'token_used' } });
  });

  it('when the same link is posted several times at once, then exactly one use succeeds', async () => {
    const account = await signUp(h);
    const token = await resetLink(account.email);
    const answers = await Promise.all(['first new password', 'second new password', 'third new password'].map((password) => post('/password/reset', { token, password })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 410, 410]);
    const winner = ['first new password', 'second new password', 'third new password'][answers.findIndex((r) => r.status === 200)] ?? '';
    expect((await login(account.email, winner)).status).toBe(200);
  });

  it('when a sign-up link is 23 h 59 min old it works; past 24 h it is 410 token_expired', async () => {
    const a = await pendingSignup();
    const b = await pendingSignup();
    offsetMs = 24 * HOUR - 60_000;
    expect((await post('/verify-email', { token: a.token, password: PASSWORD })).status).toBe(200);
    offsetMs = 24 * HOUR + 1_000;
    const late = await post('/verify-email', { token: b.token, password: PASSWORD });
    expect(late.status).toBe(410);
    expect(late.body).toMatchObject({ code: -1, message: 'This link has expired; ask for a new one', error: { type: 'token_expired' } });
    expect((await login(b.email)).status).toBe(401);
  });

  it('when a token is tampered with, malformed, missing, or made for another action, then a clear 4xx and nothing changes', async () => {
    const { email, token } = await pendingSignup();
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const cases: Array<[string, object, number, string]> = [
      ['/verify-email', { token: flipped, password: PASSWORD }, 400, 'invalid_token'],
      ['/verify-email', { token: 'not a token', password: PASSWORD }, 400, 'invalid_token'],
      ['/verify-email', { token: '', password: PASSWORD }, 400, 'bad_request'],
      ['/verify-email', { password: PASSWORD }, 400, 'bad_request'],
      ['/verify-email', { token }, 400, 'bad_request'],
      // a sign-up link is not a password-reset or email-change link
      ['/password/reset', { token, password: 'brand new password' }, 400, 'invalid_token'],
      ['/email/confirm', { token }, 400, 'invalid_token'],
      ['/password/reset', { token: flipped }, 400, 'bad_request'],
      ['/password/forgot', {}, 400, 'bad_request'],
      ['/password/forgot', { email: 'nope' }, 400, 'bad_request'],
    ];
    for (const [path, body, status, type] of cases) {
      const res = await post(path, body);
      expect({ path, body, status: res.status, type: res.body.error?.type, code: res.body.code }).toEqual({ path, body, status, type, code: -1 });
    }
    const wrongPurpose = await post('/password/reset', { token, password: 'brand new password' });
    expect(wrongPurpose.body.message).toBe('This link is for another action');
    // the real link still works afterwards
    expect((await post('/verify-email', { token, password: PASSWORD })).status).toBe(200);
    expect((await login(email)).status).toBe(200);
  });
});

describe('forgot / reset password', () => {
  it('when the address is unknown, then the answer is identical to a registered one and no mail is sent', async () => {
    const account = await signUp(h);
    const unknown = randomEmail('nobody');
    const known = await post('/password/forgot', { email: account.email });
    const none = await post('/password/forgot', { email: unknown });
    expect(none.status).toBe(202);
    expect(none.body).toEqual(known.body);
    expect(known.body).toEqual({ code: 0, message: 'ok', data: { mail_sent: true } });
    await h.mail.next(account.email);
    await h.container.mailer.idle();
    expect(h.mail.to(unknown)).toHaveLength(0);
  });

  it('when the reset link is followed, then the new password works, the old does not, and every session ends', async () => {
    const account = await signUp(h);
    const other = await secondBrowser(account);
    const token = await resetLink(account.email);
    const weak = await post('/password/reset', { token, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.type).toBe('bad_request');
    const res = await post('/password/reset', { token, password: 'a brand new password' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ password_reset: true, email: account.email });
    expect(await alive(account)).toBe(false);
    expect(await alive(other)).toBe(false);
    expect((await login(account.email)).status).toBe(401);
    expect((await login(account.email, 'a brand new password')).status).toBe(200);
    expect((await post('/password/reset', { token, password: 'yet another password' })).status).toBe(410);
  });

  it('when a reset link is older than 1 hour, then 410 token_expired', async () => {
    const account = await signUp(h);
    const token = await resetLink(account.email);
    offsetMs = HOUR + 1_000;
    const res = await post('/password/reset', { token, password: 'a brand new password' });
    expect(res.status).toBe(410);
    expect(res.body.error.type).toBe('token_expired');
    offsetMs = 0;
    expect((await login(account.email)).status).toBe(200);
  });

  it('when an operator-created account (no password) uses "forgot password", then the link sets a password and opens the dashboard to it', async () => {
    const { userId } = await h.createKey({ premium: true, email: randomEmail('cli') });
    const email = (await h.container.users.findById(userId))?.email ?? '';
    const token = await resetLink(email);
    expect((await post('/password/reset', { token, password: 'owner password 99' })).status).toBe(200);
    const res = await login(email, 'owner password 99');
    expect(res.status).toBe(200);
    expect(res.body.data.user.id).toBe(userId);
  });
});

describe('password change and logging out everywhere', () => {
  it('when the password is changed, then this session stays, every other ends, and the owner gets a mail', async () => {
    const account = await signUp(h);
    const other = await secondBrowser(account);
    const wrong = await account.agent.post('/dashboard/api/password').set('X-CSRF-Token', account.csrf).send({ current_password: 'not it at all', new_password: 'a new password 456' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.type).toBe('wrong_password');
    const weak = await account.agent.post('/dashboard/api/password').set('X-CSRF-Token', account.csrf).send({ current_password: PASSWORD, new_password: 'short' });
    expect(weak.status).toBe(400);
    expect(await alive(other)).toBe(true);

    const res = await account.agent.post('/dashboard/api/password').set('X-CSRF-Token', account.csrf).send({ current_password: PASSWORD, new_password: 'a new password 456' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ password_changed: true, other_sessions_ended: 1 });
    expect(await alive(account)).toBe(true);
    expect(await alive(other)).toBe(false);
    expect((await login(account.email, 'a new password 456')).status).toBe(200);
    expect((await h.mail.next(account.email)).subject).toBe('Your twdown password was changed');
  });

  it('when "log out everywhere" is posted, then every session of the account ends, this one too, and other accounts keep theirs', async () => {
    const account = await signUp(h);
    const other = await secondBrowser(account);
    const stranger = await signUp(h);
    const res = await account.agent.post('/dashboard/api/logout-all').set('X-CSRF-Token', account.csrf);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ logged_out: true, sessions_ended: 2 });
    expect(sessionCookie(res)).toMatch(/twdown_session=;/);
    expect(await alive(account)).toBe(false);
    expect(await alive(other)).toBe(false);
    expect(await alive(stranger)).toBe(true);
  });
});

describe('email change', () => {
  it('when a new address is asked for, then the link goes to the new address; following it switches the login and tells the old address', async () => {
    const account = await signUp(h);
    const next = randomEmail('new');
    const res = await account.agent.post('/dashboard/api/email').set('X-CSRF-Token', account.csrf).send({ email: next, password: PASSWORD });
    expect(res.status).toBe(202);
    expect(res.body.data).toEqual({ mail_sent: true });
    const mail = await h.mail.next(next);
    expect(mail.subject).toBe('Confirm your new email address for twdown');
    expect(mail.text).toContain(account.email);
    const token = linkToken(mail, 'confirm-email');
    // nothing changes until the new address confirms
    expect((await login(account.email)).status).toBe(200);

    const confirmed = await post('/email/confirm', { token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.data).toEqual({ email: next });
    const notice = await h.mail.next(account.email);
    expect(notice.subject).toBe('Your twdown email address was changed');
    expect(notice.text).toContain(next);
    expect((await login(account.email)).status).toBe(401);
    expect((await login(next)).status).toBe(200);
    expect((await post('/email/confirm', { token })).status).toBe(410);
  });

  it('when the password is wrong or the address is the same, then 4xx and no mail', async () => {
    const account = await signUp(h);
    const next = randomEmail('new');
    const wrong = await account.agent.post('/dashboard/api/email').set('X-CSRF-Token', account.csrf).send({ email: next, password: 'not it at all' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.type).toBe('wrong_password');
    const same = await account.agent.post('/dashboard/api/email').set('X-CSRF-Token', account.csrf).send({ email: account.email, password: PASSWORD });
    expect(same.status).toBe(400);
    const bad = await account.agent.post('/dashboard/api/email').set('X-CSRF-Token', account.csrf).send({ email: 'nope', password: PASSWORD });
    expect(bad.status).toBe(400);
    await h.container.mailer.idle();
    expect(h.mail.to(next)).toHaveLength(0);
  });

  it('when the new address already has an account, then the same answer, its owner is told, and no link exists', async () => {
    const account = await signUp(h);
    const owner = await signUp(h);
    const res = await account.agent.post('/dashboard/api/email').set('X-CSRF-Token', account.csrf).send({ email: owner.email, password: PASSWORD });
    expect(res.status).toBe(202);
    expect(res.body.data).toEqual({ mail_sent: true });
    const notice = await h.mail.next(owner.email);
    expect(notice.subject).toBe('Someone tried to move a twdown account to your address');
    expect(notice.text).not.toMatch(/#token=/);
  });
});

describe('without SMTP_URL (embedded quick start)', () => {
  it('when someone signs up, then the mail with its link is written to the log as a warning, and a start-up warning says so', async () => {
    const lines: string[] = [];
    const local = await startHarness({ env: { SMTP_URL: '' }, logLines: lines });
    try {
      const email = randomEmail('log');
      const res = await request(local.app).post('/dashboard/api/signup').set('X-Forwarded-For', randomIp()).send({ email, password: PASSWORD });
      expect(res.status).toBe(202);
      await local.container.mailer.idle();
      const entries = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
      expect(entries.some((e) => e.level === 40 && e.msg.includes('SMTP_URL is not set') && e.msg.includes('WRITTEN TO THIS LOG'))).toBe(true);
      const mail = entries.find((e) => e.level === 40 && e.msg.includes(`To: ${email}`));
      expect(mail?.msg).toMatch(/http:\/\/localhost:\d+\/dashboard\/verify-email#token=[A-Za-z0-9_-]{43}/);
      const token = /#token=([A-Za-z0-9_-]{43})/.exec(mail?.msg ?? '')?.[1] ?? '';
      expect((await request(local.app).post('/dashboard/api/verify-email').set('X-Forwarded-For', randomIp()).send({ token, password: PASSWORD })).status).toBe(200);
      expect(local.mail.messages).toHaveLength(0);
    } finally {
      await local.close();
    }
  });
});
