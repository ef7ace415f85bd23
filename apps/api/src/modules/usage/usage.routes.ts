import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import { sendOk } from '../../lib/http/envelope';
import type { KeysRepository } from '../keys/keys.repository';
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

/** GET /api/v1/usage: not billable, so it reports the standing without counting a request. */
export function createUsageHandlers(deps: {
  keys: Pick<KeysRepository, 'findLabel'>;
  usage: UsageService;
  limits: RateLimitService;
  creditsStanding: CreditsStandingDeps;
}): { read: RequestHandler } {
  const read: RequestHandler = async (req, res) => {
    const principal = req.principal;
    if (!principal) throw new AppError('internal');
    const [key, windows, summary, credits] = await Promise.all([
      deps.keys.findLabel(principal.keyId),
      deps.limits.peek(principal.userId),
      deps.usage.summary({ userId: principal.userId }, { hours: 24, days: 30 }),
      creditsStanding(deps.creditsStanding, principal.userId),
    ]);
    if (!key) throw new AppError('invalid_api_key');
    setRateLimitHeaders(res, windows);
    const data: UsageData = { key, windows: windowStanding(windows), ...summary, credits };
    sendOk(res, data);
  };
  return { read };
}
