import { randomBytes } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { useTestPrisma } from '../../../../../tests/support/test-prisma';
import { errorHandler } from '../../lib/http/error-handler';
import { createLogger } from '../../lib/logger/logger';
import { createCreditsService } from '../credits/credits.service';
import { createRateLimitService, windowsFromLimits } from '../ratelimit/rate-limit.service';
import { createUsageService } from './usage.service';
import { createUsageHandlers, windowStanding } from './usage.routes';
import { createUsageRepository } from './usage.repository';
import { createKeysRepository } from '../keys/keys.repository';
import { createCreditsRepository } from '../credits/credits.repository';

/**
 * GET /usage on a tiny express app with the real services (PostgreSQL, per-process limits).
 * Expected figures are this test's own: limits 5/50/500, two requests counted before the read.
 */
const logger = createLogger({ level: 'silent' });

describe('windowStanding', () => {
  it('when a window has 2 of 5 left, then 3 are used and the reset is the window’s unix second', () => {
    expect(windowStanding([{ name: 'minute', limit: 5, remaining: 2, resetIn: 30, resetAt: 1_800_000_060, allowed: true }])).toEqual([
      { window: 'minute', limit: 5, used: 3, remaining: 2, reset_at: 1_800_000_060 },
    ]);
  });
});

describe('GET /usage (real PostgreSQL)', () => {
  const db = useTestPrisma();

  async function rig(opts: { deleteKey?: boolean; noPrincipal?: boolean } = {}) {
    const user = await db.prisma.user.create({ data: { email: `r-${randomBytes(5).toString('hex')}@example.com` } });
    const key = await db.prisma.apiKey.create({ data: { userId: user.id, name: 'ci', prefix: 'sk-AbCdEfGh', hash: randomBytes(32).toString('hex') } });
    const principal = { keyId: key.id, userId: user.id, premium: true, expiresAt: null };
    const limits = createRateLimitService({ redis: null, windows: windowsFromLimits({ perMinute: 5, perHour: 50, perDay: 500 }) });
    const usage = createUsageService({ repo: createUsageRepository(db.prisma), redis: null, logger });
    const auth: RequestHandler = (req, _res, next) => {
      if (!opts.noPrincipal) req.principal = principal;
      next();
    };
    const handlers = createUsageHandlers({
      keys: createKeysRepository(db.prisma),
      usage,
      limits,
      creditsStanding: { credits: createCreditsService({ repo: createCreditsRepository(db.prisma) }), perPeriod: 100, convertCostPerMinute: 2 },
    });
    const app = express();
    app.get('/usage', auth, handlers.read);
    app.use(errorHandler(logger));
    for (let i = 0; i < 2; i++) {
      await limits.consume(user.id);
      usage.record(principal, 'ok');
    }
    if (opts.deleteKey) await db.prisma.apiKey.delete({ where: { id: key.id } });
    return { app, key, user };
  }

  it('when the key reads its usage, then it sees the key, its standing without a count, the recorded requests and credits', async () => {
    const stranger = await rig(); // another account's usage must not show
    await request(stranger.app).get('/usage');
    const { app, key } = await rig();
    const res = await request(app).get('/usage');
    expect(res.status).toBe(200);
    expect(res.body.code).toBe(0);
    const data = res.body.data;
    expect(data.key).toEqual({ id: key.id, prefix: 'sk-AbCdEfGh', name: 'ci' });
    expect(data.windows.map((w: { window: string; used: number; remaining: number }) => [w.window, w.used, w.remaining])).toEqual([
      ['minute', 2, 3],
      ['hour', 2, 48],
      ['day', 2, 498],
    ]);
    expect(res.headers['x-ratelimit-remaining']).toBe('3');
    expect(res.headers['x-ratelimit-limit']).toBe('5');
    expect(data.last_24h.totals).toEqual({ requests: 2, rate_limited: 0 });
    expect(data.last_24h.hourly).toHaveLength(24);
    expect(data.last_30d.daily).toHaveLength(30);
    expect(data.credits).toMatchObject({ balance: 0, per_period: 100, convert_cost_per_minute: 2, recent: [] });
    // reading did not count
    expect((await request(app).get('/usage')).body.data.windows[0].used).toBe(2);
  });

  it('when the key was deleted meanwhile, then 401 invalid_api_key', async () => {
    const res = await request((await rig({ deleteKey: true })).app).get('/usage');
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe('invalid_api_key');
  });

  it('when the route runs without authentication, then 500 internal', async () => {
    expect((await request((await rig({ noPrincipal: true })).app).get('/usage')).status).toBe(500);
  });

  // 405 for other methods is wired in app.ts's route table: tests/api/usage-credits.test.ts
});
