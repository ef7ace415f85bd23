import type { NextFunction, Request, Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { X_ERRORS } from './constants';
import type { SimContext } from './context';
import type { RouteKind } from './faults';
import { guestTokenOf } from './auth';
import { markBodyFault, sendJson, setRateHeaders } from './respond';

export function withFaults(ctx: SimContext, kind: RouteKind) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const delay = ctx.faults.latencyFor(kind);
    if (delay > 0) await sleep(delay);
    const decision = ctx.faults.take(kind);
    if (!decision) return next();
    ctx.counters.faultsInjected += 1;
    switch (decision.kind) {
      case 'hang':
        // Never answer: the client has to give up on its own, as with a stalled upstream.
        ctx.hanging.add(res);
        // Still in the set = the client closed it (stop()/reset() empty the set before destroying).
        res.on('close', () => {
          if (ctx.hanging.delete(res)) ctx.counters.hangsClosedByClient += 1;
        });
        return;
      case 'serverError': {
        const status = decision.status ?? 503;
        sendJson(res, status, status === 503 ? X_ERRORS.overCapacity() : X_ERRORS.internal());
        return;
      }
      case 'rateLimit': {
        ctx.counters.rateLimited += 1;
        const window = kind === 'graphql' ? ctx.tokens.peek(guestTokenOf(req) ?? '') : undefined;
        if (window) setRateHeaders(res, { ...window, remaining: 0 });
        sendJson(res, 429, X_ERRORS.rateLimited());
        return;
      }
      case 'forbidden':
        sendJson(res, 403, kind === 'graphql' ? X_ERRORS.badGuestToken() : X_ERRORS.forbidden());
        return;
      case 'html':
        markBodyFault(res, { kind: 'html', status: decision.status ?? 200 });
        return next();
      case 'truncated':
        markBodyFault(res, { kind: 'truncated' });
        return next();
    }
  };
}
