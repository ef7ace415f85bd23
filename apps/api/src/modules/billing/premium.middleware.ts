import type { NextFunction, Request, RequestHandler, Response } from 'express';
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
  const refuse = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    await standing(req, res, () => undefined);
    next(new AppError('not_premium'));
  };
  // a premium caller (the usual one) passes without a promise
  return (req, res, next) => (req.principal?.premium ? next() : refuse(req, res, next));
}
