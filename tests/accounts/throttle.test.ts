import request from 'supertest';
import { startHarness, type Harness } from '../support/harness';
import { linkToken } from '../support/smtp';
import { PASSWORD, randomEmail, randomIp, signUp } from './dashboard-client';

const login = (h: Harness, ip: string, email: string, password = 'wrong password 123') =>
  request(h.app).post('/dashboard/api/login').set('X-Forwarded-For', ip).send({ email, password });

function expectThrottled(res: request.Response, windowSeconds: number): void {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ code: -1, error: { type: 'too_many_attempts' } });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(res.body.error.retry_after).toBe(retryAfter);
}

// Spec defaults (issue 7, .env.example): 10 attempts per (IP, email), 30 per IP, 100 per email
// from all IPs together, in a 15-minute window.
describe('with Redis (defaults: 10 per IP+email, 30 per IP, 100 per email, 15 minutes)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('when an attacker hammers an email from one IP past its limit, then that IP gets 429 (even with the right password) while the owner logs in from a fresh IP', async () => {
    const account = await signUp(h);
    const attacker = randomIp();
    for (let i = 0; i < 10; i++) expect((await login(h, attacker, account.email)).status).toBe(401);
    expectThrottled(await login(h, attacker, account.email), 900);
    expectThrottled(await login(h, attacker, account.email, PASSWORD), 900);
    // the lock-out of issue 7 is gone: the owner, elsewhere, is not affected
    expect((await login(h, randomIp(), account.email, PASSWORD)).status).toBe(200);
    // and the attacker keeps hammering: still 429 for them, still 200 for the owner
    for (let i = 0; i < 5; i++) expect((await login(h, attacker, account.email)).status).toBe(429);
    expect((await login(h, randomIp(), account.email, PASSWORD)).status).toBe(200);
  });

  it('when an email fails 100 times from 100 different IPs, then the 101st attempt from anywhere is 429: the per-email ceiling', async () => {
    const account = await signUp(h); // sign-up itself is one attempt on this email
    for (let i = 0; i < 99; i++) expect((await login(h, randomIp(), account.email)).status).toBe(401);
    expectThrottled(await login(h, randomIp(), account.email, PASSWORD), 900);
  }, 120_000); // 100 password hashes in a row (deliberately slow): ~25 s on an idle 2-core machine

  it('when a login succeeds, then the IP+email counter starts again', async () => {
    const account = await signUp(h);
    const ip = randomIp();
    for (let i = 0; i < 9; i++) expect((await login(h, ip, account.email)).status).toBe(401);
    expect((await login(h, ip, account.email, PASSWORD)).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await login(h, ip, account.email)).status).toBe(401);
    expectThrottled(await login(h, ip, account.email), 900);
  });

  it('when one IP makes 30 attempts across different emails (sign-ups count too), then the 31st is 429; other IPs are fine', async () => {
    const ip = randomIp();
    for (let i = 0; i < 5; i++) {
      const res = await request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', ip).send({ email: randomEmail('ip'), password: PASSWORD });
      expect(res.status).toBe(202);
    }
    for (let i = 0; i < 25; i++) expect((await login(h, ip, randomEmail('ip'))).status).toBe(401);
    expectThrottled(await login(h, ip, randomEmail('ip')), 900);
    const signup = await request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', ip).send({ email: randomEmail('ip'), password: PASSWORD });
    expectThrottled(signup, 900);
    expect((await login(h, randomIp(), randomEmail('ip'))).status).toBe(401);
  });

  it('when one IP guesses the password of an emailed link, then it is throttled like a login', async () => {
    const email = randomEmail('link');
    expect((await request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', randomIp()).send({ email, password: PASSWORD })).status).toBe(202);
    const token = linkToken(await h.mail.next(email), 'verify-email');
    const ip = randomIp();
    const verify = (password: string) => request(h.app).post('/dashboard/api/verify-email').set('X-Forwarded-For', ip).send({ token, password });
    for (let i = 0; i < 10; i++) expect((await verify('wrong password 123')).status).toBe(401);
    expectThrottled(await verify(PASSWORD), 900);
  });

  it('when the counters live in Redis, then they sit under the test prefix (shared by every process)', async () => {
    await login(h, randomIp(), randomEmail('redis'));
    const keys = await h.container.redis?.keys(`${h.keyPrefix}:auth:*`);
    expect(keys?.length).toBeGreaterThan(0);
    expect(keys?.some((k) => k.includes('@'))).toBe(false); // emails are hashed
  });
});

describe('without Redis (embedded mode: in-memory limiter)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ redisUrl: null, env: { AUTH_THROTTLE_PER_IP_EMAIL: '3', AUTH_THROTTLE_PER_EMAIL: '5', AUTH_THROTTLE_WINDOW_SECONDS: '60' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('when an IP+email pair or an email exceeds the configured limits, then 429 as well', async () => {
    const email = randomEmail('mem');
    const ip = randomIp();
    for (let i = 0; i < 3; i++) expect((await login(h, ip, email)).status).toBe(401);
    expectThrottled(await login(h, ip, email), 60);
    expect((await login(h, randomIp(), email)).status).toBe(401); // 5th on this email
    expectThrottled(await login(h, randomIp(), email), 60);
  });
});
