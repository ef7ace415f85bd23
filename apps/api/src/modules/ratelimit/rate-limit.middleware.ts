import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import type { UsageRecorder } from '../usage/usage.service';
import { setRateLimitHeaders } from './rate-limit.headers';
import type { RateLimitService } from './rate-limit.service';

/** Runs after API-key auth. Counts the request and records usage per key. */
export function rateLimit(deps: { limits: RateLimitService; usage: UsageRecorder }): RequestHandler {
  return async (req, res, next) => {
    const principal = req.principal;
    if (!principal) throw new AppError('internal', undefined, { cause: new Error('rateLimit() before auth') });
    const decision = await deps.limits.consume(principal.userId);
    setRateLimitHeaders(res, decision.windows);
    deps.usage.record(principal, decision.allowed ? 'ok' : 'limited');
    if (!decision.allowed) {
      const retryAfter = Math.max(1, ...decision.windows.filter((w) => !w.allowed).map((w) => w.resetIn));
      throw new AppError('rate_limited', undefined, { retryAfter });
    }
    next();
  };
}

/** Standing headers without counting (for responses that are not billable, e.g. 403). */
export function rateLimitStanding(deps: { limits: RateLimitService }): RequestHandler {
  return async (req, res, next) => {
    if (req.principal) setRateLimitHeaders(res, await deps.limits.peek(req.principal.userId));
    next();
  };
}
