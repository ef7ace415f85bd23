import { randomBytes } from 'node:crypto';
import { Redis as SingleRedis } from 'ioredis';
import { connectTestRedis, deleteKeysWithPrefix, REDIS_URL } from '../../../../../tests/support/redis';
import { AppError } from '../../lib/errors/app-error';
import { waitForRedis, type Redis } from '../../lib/redis/redis';
import { createAuthThrottle } from './auth-throttle';

/**
 * The login/sign-up brake against real Redis (random key prefix). Limits are this test's table:
 * 3 per (IP, email), 5 per IP, 8 per email, in a 60 s window; the rules (any counter over its
 * limit refuses with 429 too_many_attempts and Retry-After; a success clears the pair and the
 * email, not the IP; emails are compared trimmed and lower-cased; counter keys never hold an
 * email) are docs/security.md's.
 */
describe('auth throttle (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  beforeAll(async () => {
    redis = connectTestRedis();
    await waitForRedis(redis);
  });
  beforeEach(() => {
    prefix = `test:throttle:${randomBytes(4).toString('hex')}`;
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });
  afterAll(() => {
    redis.disconnect();
  });

  const throttle = (r: Redis | null = redis) =>
    createAuthThrottle({ redis: r, keyPrefix: prefix, windowSeconds: 60, perIpEmail: 3, perEmail: 8, perIp: 5 });

  async function outcome(p: Promise<void>): Promise<string> {
    try {
      await p;
      return 'ok';
    } catch (err) {
      if (err instanceof AppError) return `${err.code}:${err.status}`;
      throw err;
    }
  }

  it('when one IP guesses one account, then the 4th attempt is refused with 429 and a Retry-After within the window', async () => {
    const t = throttle();
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(await outcome(t.attempt('10.0.0.1', 'owner@example.com')));
    expect(seen).toEqual(['ok', 'ok', 'ok', 'too_many_attempts:429']);
    const err = await t.attempt('10.0.0.1', 'owner@example.com').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    const retry = (err as AppError).retryAfter ?? 0;
    expect(retry).toBeGreaterThanOrEqual(58);
    expect(retry).toBeLessThanOrEqual(60);
  });

  it('when an attacker hammers an email from one IP, then the owner still logs in from a fresh IP', async () => {
    const t = throttle();
    for (let i = 0; i < 5; i++) await outcome(t.attempt('10.0.0.66', 'owner@example.com'));
    expect(await outcome(t.attempt('10.0.0.66', 'owner@example.com'))).toBe('too_many_attempts:429');
    expect(await outcome(t.attempt('192.0.2.7', 'owner@example.com'))).toBe('ok');
  });

  it('when one IP sprays many accounts, then its 6th attempt is refused whatever the email', async () => {
    const t = throttle();
    for (let i = 0; i < 5; i++) expect(await outcome(t.attempt('10.0.0.2', `user${i}@example.com`))).toBe('ok');
    expect(await outcome(t.attempt('10.0.0.2', 'fresh@example.com'))).toBe('too_many_attempts:429');
    expect(await outcome(t.attempt('10.0.0.3', 'fresh@example.com'))).toBe('ok');
  });

  it('when many IPs guess one account, then the 9th attempt on that email is refused from anywhere', async () => {
    const t = throttle();
    for (let i = 0; i < 8; i++) expect(await outcome(t.attempt(`10.1.0.${i}`, 'target@example.com'))).toBe('ok');
    expect(await outcome(t.attempt('10.1.1.1', 'target@example.com'))).toBe('too_many_attempts:429');
    expect(await outcome(t.attempt('10.1.1.1', 'other@example.com'))).toBe('ok');
  });

  it('when an email differs only in case and spaces, then it counts as the same account', async () => {
    const t = throttle();
    for (const e of ['Owner@Example.com', ' owner@example.com ', 'OWNER@EXAMPLE.COM']) await t.attempt('10.0.0.4', e);
    expect(await outcome(t.attempt('10.0.0.4', 'owner@example.com'))).toBe('too_many_attempts:429');
  });

  it('when a login succeeds, then the pair and the email start over, the IP does not', async () => {
    const t = throttle();
    for (let i = 0; i < 2; i++) await t.attempt('10.0.0.5', 'a@example.com');
    for (let i = 0; i < 2; i++) await t.attempt('10.0.0.9', 'a@example.com');
    await t.succeeded('10.0.0.5', 'A@example.com');
    // pair cleared: 3 more from the same IP would be fine for the pair, but the IP has 2 + 3 = 5
    for (let i = 0; i < 3; i++) expect(await outcome(t.attempt('10.0.0.5', 'a@example.com'))).toBe('ok');
    expect(await outcome(t.attempt('10.0.0.5', 'b@example.com'))).toBe('too_many_attempts:429');
  });

  it('when the email counter is cleared by a success, then distributed guesses start from zero again', async () => {
    const t = throttle();
    for (let i = 0; i < 7; i++) await t.attempt(`10.2.0.${i}`, 'c@example.com');
    await t.succeeded('10.2.0.0', 'c@example.com');
    for (let i = 0; i < 8; i++) expect(await outcome(t.attempt(`10.3.0.${i}`, 'c@example.com'))).toBe('ok');
  });

  it('when counters are stored, then no key holds the email in clear', async () => {
    const t = throttle();
    await t.attempt('10.0.0.7', 'secret.person@example.com');
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBe(3);
    for (const k of keys) {
      expect(k).not.toContain('secret.person');
      expect(k).toMatch(/^[\x21-\x7e]+$/); // printable: readable and typeable in redis-cli
    }
    expect(keys.some((k) => k.includes('10.0.0.7'))).toBe(true);
  });

  it('when the IP is unknown (empty), then such attempts still share one counter', async () => {
    const t = throttle();
    for (let i = 0; i < 5; i++) await t.attempt('', `u${i}@example.com`);
    expect(await outcome(t.attempt('', 'new@example.com'))).toBe('too_many_attempts:429');
    expect((await redis.keys(`${prefix}:ip*unknown`)).length).toBe(1);
  });

  it('when Redis is unreachable, then attempts are still limited per process and a success does not fail', async () => {
    const dead = new SingleRedis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    try {
      const t = throttle(dead);
      for (let i = 0; i < 3; i++) await t.attempt('10.0.0.8', 'e@example.com');
      expect(await outcome(t.attempt('10.0.0.8', 'e@example.com'))).toBe('too_many_attempts:429');
      await expect(t.succeeded('10.0.0.8', 'e@example.com')).resolves.toBeUndefined();
    } finally {
      dead.disconnect();
    }
  });

  it('when there is no Redis (embedded mode), then the same limits hold per process', async () => {
    const t = throttle(null);
    for (let i = 0; i < 3; i++) await t.attempt('10.0.0.8', 'd@example.com');
    expect(await outcome(t.attempt('10.0.0.8', 'd@example.com'))).toBe('too_many_attempts:429');
    await t.succeeded('10.0.0.8', 'd@example.com');
    expect(await outcome(t.attempt('10.0.0.8', 'd@example.com'))).toBe('ok');
  });
});
