import request from 'supertest';
import { startHarness, type Harness } from '../support/harness';
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

describe('with Redis (defaults: 10 per email, 30 per IP, 15 minutes)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('when an email has 10 failed attempts (from any IPs), then the 11th is 429 with Retry-After, even with the right password', async () => {
    const account = await signUp(h); // counts as one attempt for this email
    for (let i = 0; i < 9; i++) expect((await login(h, randomIp(), account.email)).status).toBe(401);
    expectThrottled(await login(h, randomIp(), account.email), 900);
    expectThrottled(await login(h, randomIp(), account.email, PASSWORD), 900);
    // another account is not affected
    const other = await signUp(h);
    expect((await login(h, randomIp(), other.email, PASSWORD)).status).toBe(200);
  });

  it('when a login succeeds, then the email counter starts again', async () => {
    const account = await signUp(h);
    for (let i = 0; i < 8; i++) expect((await login(h, randomIp(), account.email)).status).toBe(401);
    expect((await login(h, randomIp(), account.email, PASSWORD)).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await login(h, randomIp(), account.email)).status).toBe(401);
    expectThrottled(await login(h, randomIp(), account.email), 900);
  });

  it('when one IP makes 30 attempts across different emails (sign-ups count too), then the 31st is 429; other IPs are fine', async () => {
    const ip = randomIp();
    for (let i = 0; i < 5; i++) {
      const res = await request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', ip).send({ email: randomEmail('ip'), password: PASSWORD });
      expect(res.status).toBe(201);
    }
    for (let i = 0; i < 25; i++) expect((await login(h, ip, randomEmail('ip'))).status).toBe(401);
    expectThrottled(await login(h, ip, randomEmail('ip')), 900);
    const signup = await request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', ip).send({ email: randomEmail('ip'), password: PASSWORD });
    expectThrottled(signup, 900);
    expect((await login(h, randomIp(), randomEmail('ip'))).status).toBe(401);
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
    h = await startHarness({ redisUrl: null, env: { AUTH_THROTTLE_PER_EMAIL: '3', AUTH_THROTTLE_WINDOW_SECONDS: '60' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('when an email exceeds the configured limit, then 429 as well', async () => {
    const email = randomEmail('mem');
    for (let i = 0; i < 3; i++) expect((await login(h, randomIp(), email)).status).toBe(401);
    expectThrottled(await login(h, randomIp(), email), 60);
  });
});
