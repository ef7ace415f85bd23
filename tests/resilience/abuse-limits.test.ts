import request from 'supertest';
import { bearer, startHarness, type Harness } from '../support/harness';
import { randomIp } from '../accounts/dashboard-client';
import { envelopeProblem } from './envelope';

// The documented defaults (README "Keys, plans and limits", .env.example), stated here on purpose
// rather than read from the code: 30 usage reads per key per minute, 60 refused key requests per
// client IP per minute.
const USAGE_READS_PER_MINUTE = 30;
const REFUSALS_PER_IP_PER_MINUTE = 60;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

function expect429(res: request.Response, scope: string) {
  expect(res.status).toBe(429);
  expect(envelopeProblem(res.headers['content-type'], res.text)).toBeNull();
  expect(res.body.error).toMatchObject({ type: 'rate_limited', scope });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.body.error.retry_after).toBe(retryAfter);
}

describe('GET /api/v1/usage per key', () => {
  it('when a key reads its usage 31 times in a minute, then the first 30 answer 200 and the 31st 429', async () => {
    const { key } = await h.createKey();
    const ip = randomIp();
    for (let i = 0; i < USAGE_READS_PER_MINUTE; i++) {
      const res = await request(h.app).get('/api/v1/usage').set(bearer(key)).set('X-Forwarded-For', ip);
      expect({ i, status: res.status }).toEqual({ i, status: 200 });
    }
    expect429(await request(h.app).get('/api/v1/usage').set(bearer(key)).set('X-Forwarded-For', ip), 'usage_reads');
    // another key of the same account has its own allowance
    const other = await h.createKey();
    expect((await request(h.app).get('/api/v1/usage').set(bearer(other.key))).status).toBe(200);
  });

  it('when usage reads are refused, then POST /twitter from the same key still works (separate budget)', async () => {
    const { key } = await h.createKey();
    for (let i = 0; i <= USAGE_READS_PER_MINUTE; i++) await request(h.app).get('/api/v1/usage').set(bearer(key));
    const res = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send({ url: 'https://example.com/x' });
    expect(res.status).toBe(400); // past auth, premium and the account limits: the URL is what is wrong
  });
});

describe('refused API-key requests per client IP', () => {
  it('when an IP guesses 60 unknown keys, then the 61st request gets 429 and another IP is unaffected', async () => {
    const ip = randomIp();
    for (let i = 0; i < REFUSALS_PER_IP_PER_MINUTE; i++) {
      const guess = `sk-${String(i).padStart(43, 'A')}`;
      const res = await request(h.app).post('/api/v1/twitter').set(bearer(guess)).set('X-Forwarded-For', ip).send({ url: 'x' });
      expect({ i, status: res.status }).toEqual({ i, status: 401 });
    }
    expect429(await request(h.app).post('/api/v1/twitter').set(bearer(`sk-${'B'.repeat(43)}`)).set('X-Forwarded-For', ip).send({ url: 'x' }), 'auth_failures');
    // GET /usage with a guessed key from that IP is refused the same way
    expect429(await request(h.app).get('/api/v1/usage').set(bearer(`sk-${'C'.repeat(43)}`)).set('X-Forwarded-For', ip), 'auth_failures');
    const fresh = await request(h.app).post('/api/v1/twitter').set(bearer(`sk-${'D'.repeat(43)}`)).set('X-Forwarded-For', randomIp()).send({ url: 'x' });
    expect(fresh.status).toBe(401);
  });

  it('when an IP has just used up its refusals, then Retry-After is the rest of its minute, not a token second', async () => {
    const ip = randomIp();
    for (let i = 0; i < REFUSALS_PER_IP_PER_MINUTE; i++) {
      await request(h.app).post('/api/v1/twitter').set(bearer(`sk-${String(i).padStart(43, 'E')}`)).set('X-Forwarded-For', ip).send({ url: 'x' });
    }
    const res = await request(h.app).post('/api/v1/twitter').set(bearer(`sk-${'F'.repeat(43)}`)).set('X-Forwarded-For', ip).send({ url: 'x' });
    expect429(res, 'auth_failures');
    // the minute started with the first refusal, a few seconds ago at most on a busy machine
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(30);
  });

  it('when a free key is refused 60 times (403), then the 61st request from that IP gets 429', async () => {
    const { key } = await h.createKey({ premium: false });
    const ip = randomIp();
    for (let i = 0; i < REFUSALS_PER_IP_PER_MINUTE; i++) {
      const res = await request(h.app).post('/api/v1/twitter').set(bearer(key)).set('X-Forwarded-For', ip).send({ url: 'x' });
      expect({ i, status: res.status }).toEqual({ i, status: 403 });
    }
    expect429(await request(h.app).post('/api/v1/twitter').set(bearer(key)).set('X-Forwarded-For', ip).send({ url: 'x' }), 'auth_failures');
  });

  it('when requests carry no key at all, then they are not counted (no lookup is made)', async () => {
    const ip = randomIp();
    for (let i = 0; i < REFUSALS_PER_IP_PER_MINUTE + 5; i++) {
      const res = await request(h.app).post('/api/v1/twitter').set('X-Forwarded-For', ip).send({ url: 'x' });
      expect(res.status).toBe(401);
    }
    const { key } = await h.createKey();
    expect((await request(h.app).get('/api/v1/usage').set(bearer(key)).set('X-Forwarded-For', ip)).status).toBe(200);
  });
});

