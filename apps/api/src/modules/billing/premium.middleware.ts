import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import { rateLimitStanding } from '../ratelimit/rate-limit.middleware';
import type { RateLimitService } from '../ratelimit/rate-limit.service';

/**
 * After API-key auth on every billable route: only a premium account (premium.ts decides, when
 * the key is resolved) goes on to the rate limiter. A refused caller is still told where it
 * stands (the rate-limit headers), without the refused call being counted.
 */
export function requirePremium(deps: { limits: RateLimitService }): RequestHandler {
  const standing = rateLimitStanding(deps);
  return async (req, res, next) => {
    if (req.principal?.premium) return next();
    await standing(req, res, () => undefined);
    next(new AppError('not_premium'));
  };
}
