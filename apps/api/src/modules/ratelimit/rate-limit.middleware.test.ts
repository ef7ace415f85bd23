import { randomBytes } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { Redis as SingleRedis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import request from 'supertest';
import { connectTestRedis, deleteKeysWithPrefix, REDIS_URL, startRedisServer } from '../../../../../tests/support/redis';
import { AppError } from '../../lib/errors/app-error';
import { errorHandler } from '../../lib/http/error-handler';
import { createLogger } from '../../lib/logger/logger';
import { createRedis, waitForRedis, type Redis } from '../../lib/redis/redis';
import type { KeyPrincipal } from '../keys/auth-cache';
import type { UsageRecorder } from '../usage/usage.service';
import { createAbuseLimits } from './abuse-limits';
import { consumeOne, createInsuredLimiter } from './limiter';
import { tightestWindow } from './rate-limit.headers';
import { rateLimit, rateLimitStanding } from './rate-limit.middleware';
import { createRateLimitService, windowsFromLimits, type WindowState } from './rate-limit.service';

/**
 * The limiter middleware on a tiny express app with the real error handler. Expected headers are
 * written out from docs/api.md (X-RateLimit-* of the tightest window, the IETF RateLimit-Policy
 * and RateLimit fields, Retry-After on 429), not built from the code's helpers.
 */
const logger = createLogger({ level: 'silent' });
const T0 = Date.parse('2026-03-01T12:00:00.400Z');
const principal = (userId: string, keyId = `key-${userId}`): KeyPrincipal => ({ keyId, userId, premium: true, expiresAt: null });
const as =
  (p: KeyPrincipal | undefined): RequestHandler =>
  (req, _res, next) => {
    req.principal = p;
    next();
  };

function recorder(): UsageRecorder & { calls: Array<[string, string]> } {
  const calls: Array<[string, string]> = [];
  return { calls, record: (p, outcome) => void calls.push([p.keyId, outcome]) };
}

describe('rateLimit() middleware', () => {
  let t = T0;
  beforeEach(() => {
    t = T0;
  });
  function app(limits: { perMinute: number; perHour: number; perDay: number }, who: KeyPrincipal | null = principal('u1')) {
    const service = createRateLimitService({ redis: null, windows: windowsFromLimits(limits), now: () => t });
    const usage = recorder();
    const a = express();
    a.get('/x', as(who ?? undefined), rateLimit({ limits: service, usage }), (_req, res) => void res.json({ ok: true }));
    a.get('/standing', as(who ?? undefined), rateLimitStanding({ limits: service }), (_req, res) => void res.json({ ok: true }));
    a.use(errorHandler(logger));
    return { app: a, usage };
  }

  it('when a request is admitted, then it carries the tightest window and the IETF fields for all three', async () => {
    const { app: a, usage } = app({ perMinute: 60, perHour: 1000, perDay: 10_000 });
    const res = await request(a).get('/x');
    expect(res.status).toBe(200);
    expect(res.headers['x-ratelimit-limit']).toBe('60');
    expect(res.headers['x-ratelimit-remaining']).toBe('59');
    expect(res.headers['x-ratelimit-reset']).toBe(String(Date.parse('2026-03-01T12:01:00Z') / 1000));
    expect(res.headers['ratelimit-policy']).toBe('"minute";q=60;w=60, "hour";q=1000;w=3600, "day";q=10000;w=86400');
    expect(res.headers.ratelimit).toBe('"minute";r=59;t=60, "hour";r=999;t=3600, "day";r=9999;t=86400');
    expect(usage.calls).toEqual([['key-u1', 'ok']]);
  });

  it('when the limits change, then the policy header describes the new ones', async () => {
    const res = await request(app({ perMinute: 7, perHour: 8, perDay: 9 }).app).get('/x');
    expect(res.headers['ratelimit-policy']).toBe('"minute";q=7;w=60, "hour";q=8;w=3600, "day";q=9;w=86400');
    const again = await request(app({ perMinute: 7, perHour: 80, perDay: 9 }).app).get('/x');
    expect(again.headers['ratelimit-policy']).toBe('"minute";q=7;w=60, "hour";q=80;w=3600, "day";q=9;w=86400');
  });

  it('when the hour is the tightest window, then X-RateLimit-* describe the hour', async () => {
    const { app: a } = app({ perMinute: 10, perHour: 2, perDay: 100 });
    const res = await request(a).get('/x');
    expect(res.headers['x-ratelimit-limit']).toBe('2');
    expect(res.headers['x-ratelimit-remaining']).toBe('1');
    expect(res.headers['x-ratelimit-reset']).toBe(String(Date.parse('2026-03-01T13:00:00Z') / 1000));
  });

  it('when the account is over its limit, then 429 rate_limited with Retry-After of the refusing window and usage records "limited"', async () => {
    const { app: a, usage } = app({ perMinute: 1, perHour: 100, perDay: 1000 });
    await request(a).get('/x');
    t = T0 + 20_000;
    const res = await request(a).get('/x');
    expect(res.status).toBe(429);
    expect(res.body.code).toBe(-1);
    expect(res.body.error.type).toBe('rate_limited');
    expect(res.headers['retry-after']).toBe('40'); // the minute ends at 12:01:00, 39.6 s later
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
    expect(usage.calls).toEqual([
      ['key-u1', 'ok'],
      ['key-u1', 'limited'],
    ]);
  });

  it('when the refusing window ends in under a second, then Retry-After is still at least 1', async () => {
    const { app: a } = app({ perMinute: 1, perHour: 100, perDay: 1000 });
    await request(a).get('/x');
    t = Date.parse('2026-03-01T12:01:00Z') - 100;
    const res = await request(a).get('/x');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
  });

  it('when it runs before authentication, then it answers 500 internal rather than counting nobody', async () => {
    const res = await request(app({ perMinute: 5, perHour: 5, perDay: 5 }, null).app).get('/x');
    expect(res.status).toBe(500);
    expect(res.body.error.type).toBe('internal');
  });

  it('when the standing is asked, then the headers show it without counting a request', async () => {
    const { app: a } = app({ perMinute: 5, perHour: 50, perDay: 500 });
    await request(a).get('/x');
    const res = await request(a).get('/standing');
    expect(res.status).toBe(200);
    expect(res.headers['x-ratelimit-remaining']).toBe('4');
    expect((await request(a).get('/standing')).headers['x-ratelimit-remaining']).toBe('4');
    const anonymous = await request(app({ perMinute: 5, perHour: 5, perDay: 5 }, null).app).get('/standing');
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers['x-ratelimit-limit']).toBeUndefined();
  });
});

describe('tightestWindow', () => {
  const w = (name: WindowState['name'], remaining: number, resetIn: number): WindowState => ({
    name,
    limit: 100,
    remaining,
    resetIn,
    resetAt: resetIn,
    allowed: true,
  });
  it('when windows differ, then the one with fewest remaining wins, and on a tie the one that resets last', () => {
    expect(tightestWindow([])).toBeUndefined();
    expect(tightestWindow([w('minute', 5, 60), w('hour', 3, 3600), w('day', 4, 80_000)])?.name).toBe('hour');
    expect(tightestWindow([w('minute', 3, 60), w('hour', 3, 3600), w('day', 9, 80_000)])?.name).toBe('hour');
    expect(tightestWindow([w('minute', 3, 60), w('hour', 3, 30), w('day', 9, 80_000)])?.name).toBe('minute');
    expect(tightestWindow([w('minute', 2, 60), w('hour', 3, 3600), w('day', 2, 80_000)])?.name).toBe('day');
  });
});

describe('abuse limits', () => {
  function app(redis: Redis | null, keyPrefix: string, who?: KeyPrincipal) {
    const limits = createAbuseLimits({ redis, keyPrefix, usageReadsPerMinute: 2, authFailuresPerIpPerMinute: 2 });
    const a = express();
    a.get('/refuse/:code', limits.authFailureGate(), (req) => {
      throw new AppError(req.params.code as 'invalid_api_key');
    });
    a.get('/usage', as(who), limits.usageReadLimit(), (_req, res) => void res.json({ ok: true }));
    a.use(limits.countAuthFailures());
    a.use(errorHandler(logger));
    return a;
  }

  it('when an IP used up its refused API-key requests, then the next is 429 before any lookup, scope auth_failures', async () => {
    const a = app(null, `test:abuse:${randomBytes(3).toString('hex')}`);
    expect((await request(a).get('/refuse/invalid_api_key')).status).toBe(401);
    expect((await request(a).get('/refuse/not_premium')).status).toBe(403);
    const res = await request(a).get('/refuse/invalid_api_key');
    expect(res.status).toBe(429);
    expect(res.body.error.type).toBe('rate_limited');
    expect(res.body.error.scope).toBe('auth_failures');
    expect(res.body.message).toBe('Too many refused API-key requests from this address');
    const retry = Number(res.headers['retry-after']);
    expect(retry).toBeGreaterThanOrEqual(59);
    expect(retry).toBeLessThanOrEqual(60);
  });

  it('when refusals are of other kinds, then they are not counted', async () => {
    const a = app(null, `test:abuse:${randomBytes(3).toString('hex')}`);
    for (let i = 0; i < 3; i++) expect((await request(a).get('/refuse/missing_api_key')).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await request(a).get('/refuse/bad_request')).status).toBe(400);
    expect((await request(a).get('/refuse/invalid_api_key')).status).toBe(401);
  });

  it('when a key reads its usage more than 2 times a minute, then 429 scope usage_reads; another key is not affected', async () => {
    const a = app(null, `test:abuse:${randomBytes(3).toString('hex')}`, principal('u1', 'k1'));
    expect((await request(a).get('/usage')).status).toBe(200);
    expect((await request(a).get('/usage')).status).toBe(200);
    const res = await request(a).get('/usage');
    expect(res.status).toBe(429);
    expect(res.body.error.scope).toBe('usage_reads');
    expect(res.body.message).toBe('Too many usage reads for this key');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    const other = app(null, `test:abuse:${randomBytes(3).toString('hex')}`, principal('u1', 'k2'));
    expect((await request(other).get('/usage')).status).toBe(200);
  });

  it('when the usage limit runs before authentication, then 500 internal', async () => {
    const res = await request(app(null, 'test:abuse:none')).get('/usage');
    expect(res.status).toBe(500);
  });

  it('when two processes share Redis, then refusals from one IP count across both', async () => {
    const redis = connectTestRedis();
    await waitForRedis(redis);
    const prefix = `test:abuse:${randomBytes(3).toString('hex')}`;
    try {
      const a = app(redis, prefix);
      const b = app(redis, prefix);
      await request(a).get('/refuse/invalid_api_key');
      await request(b).get('/refuse/invalid_api_key');
      const res = await request(a).get('/refuse/invalid_api_key');
      expect(res.status).toBe(429);
      // the seconds left in the IP's minute (the first refusal was just now), not a bare 1
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    } finally {
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('when an IP is under its allowance, then the gate costs one GET per request (no MULTI); at the limit it reads the expiry', async () => {
    // docs/architecture.md, "The hot path": one GET of the IP's counter, the full read
    // (MULTI/GET/PTTL/EXEC) only for an IP at its limit. A private server, so its command
    // statistics are this test's alone.
    const server = await startRedisServer();
    const redis = createRedis({ url: server.url }, logger, 'test');
    try {
      await waitForRedis(redis);
      const a = app(redis, 'test:abuse:gate');
      const calls = async (): Promise<Record<string, number>> => {
        const info = String(await redis.call('INFO', 'commandstats'));
        return Object.fromEntries([...info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map((m) => [m[1] ?? '', Number(m[2])]));
      };
      const gateOnly = () => request(a).get('/refuse/missing_api_key'); // passes the gate, never counted
      await redis.call('CONFIG', 'RESETSTAT');
      expect((await gateOnly()).status).toBe(401); // no refusals yet: the key does not exist
      expect((await request(a).get('/refuse/invalid_api_key')).status).toBe(401); // refusal 1 of 2
      await redis.call('CONFIG', 'RESETSTAT');
      for (let i = 0; i < 3; i++) expect((await gateOnly()).status).toBe(401);
      const under = await calls();
      expect(under.get).toBe(3);
      expect(under.multi ?? 0).toBe(0);
      expect((await request(a).get('/refuse/invalid_api_key')).status).toBe(401); // refusal 2 of 2
      await redis.call('CONFIG', 'RESETSTAT');
      const res = await gateOnly();
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      expect((await calls()).multi).toBe(1);
    } finally {
      redis.disconnect();
      await server.close();
    }
  });
});

describe('insured limiter', () => {
  it('when Redis is given, then the count is shared between limiters (processes); without, each counts alone', async () => {
    const redis = connectTestRedis();
    await waitForRedis(redis);
    const prefix = `test:insured:${randomBytes(3).toString('hex')}`;
    try {
      const a = createInsuredLimiter(redis, { points: 2, duration: 60, keyPrefix: prefix });
      const b = createInsuredLimiter(redis, { points: 2, duration: 60, keyPrefix: prefix });
      expect((await consumeOne(a, 'k')).ok).toBe(true);
      expect((await consumeOne(b, 'k')).ok).toBe(true);
      const third = await consumeOne(a, 'k');
      expect(third.ok).toBe(false);
      expect(third.res.msBeforeNext).toBeGreaterThan(55_000);
      const m1 = createInsuredLimiter(null, { points: 1, duration: 60, keyPrefix: prefix });
      const m2 = createInsuredLimiter(null, { points: 1, duration: 60, keyPrefix: prefix });
      expect((await consumeOne(m1, 'k')).ok).toBe(true);
      expect((await consumeOne(m2, 'k')).ok).toBe(true);
      expect((await consumeOne(m1, 'k')).ok).toBe(false);
    } finally {
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('when Redis is unreachable, then the insurance limiter still limits; a bare Redis limiter throws the store error', async () => {
    const dead = new SingleRedis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const insured = createInsuredLimiter(dead, { points: 1, duration: 60, keyPrefix: 'test:dead' });
    expect((await consumeOne(insured, 'k')).ok).toBe(true);
    expect((await consumeOne(insured, 'k')).ok).toBe(false);
    const bare = new RateLimiterRedis({ storeClient: dead, points: 1, duration: 60, keyPrefix: 'test:dead', rejectIfRedisNotReady: true });
    await expect(consumeOne(bare, 'k')).rejects.toBeInstanceOf(Error);
    dead.disconnect();
  });
});
