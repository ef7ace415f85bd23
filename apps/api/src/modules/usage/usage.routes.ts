import type { RequestHandler, Router } from 'express';
import { AppError } from '../../lib/errors/app-error';
import { sendOk } from '../../lib/http/envelope';
import { methodNotAllowed } from '../../lib/http/error-handler';
import type { PrismaClient } from '../../lib/db/prisma';
import { creditsStanding, type CreditsStandingDeps } from '../credits/credits.schemas';
import { setRateLimitHeaders } from '../ratelimit/rate-limit.headers';
import type { RateLimitService, WindowState } from '../ratelimit/rate-limit.service';
import type { UsageService } from './usage.service';
import type { UsageData } from './usage.schemas';

export function windowStanding(windows: WindowState[]): UsageData['windows'] {
  return windows.map((w) => ({
    window: w.name,
    limit: w.limit,
    used: w.limit - w.remaining,
    remaining: w.remaining,
    reset_at: w.resetAt,
  }));
}

/** GET /usage: not billable, so it reports the standing without counting a request. */
export function registerUsageRoutes(
  router: Router,
  deps: { auth: RequestHandler[]; prisma: PrismaClient; usage: UsageService; limits: RateLimitService; creditsStanding: CreditsStandingDeps },
): void {
  router.get('/usage', ...deps.auth, async (req, res) => {
    const principal = req.principal;
    if (!principal) throw new AppError('internal');
    const [key, windows, summary, credits] = await Promise.all([
      deps.prisma.apiKey.findUnique({ where: { id: principal.keyId }, select: { id: true, prefix: true, name: true } }),
      deps.limits.peek(principal.userId),
      deps.usage.summary({ userId: principal.userId }, { hours: 24, days: 30 }),
      creditsStanding(deps.creditsStanding, principal.userId),
    ]);
    if (!key) throw new AppError('invalid_api_key');
    setRateLimitHeaders(res, windows);
    const data: UsageData = { key, windows: windowStanding(windows), ...summary, credits };
    sendOk(res, data);
  });
  router.all('/usage', methodNotAllowed(['GET']));
}
