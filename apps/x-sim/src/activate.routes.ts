import type { Router } from 'express';
import { X_ERRORS } from './constants';
import type { SimContext } from './context';
import { hasWebBearer } from './auth';
import { withFaults } from './fault.middleware';
import { sendJson } from './respond';

export function registerActivate(router: Router, ctx: SimContext): void {
  router.post(
    '/1.1/guest/activate.json',
    (_req, _res, next) => {
      ctx.counters.activations += 1;
      next();
    },
    withFaults(ctx, 'activate'),
    (req, res) => {
      if (!hasWebBearer(req)) return sendJson(res, 401, X_ERRORS.invalidBearer());
      sendJson(res, 200, { guest_token: ctx.tokens.issue() });
    },
  );
}
