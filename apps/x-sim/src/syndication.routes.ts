import type { Router } from 'express';
import { syndicationToken } from './constants';
import type { SimContext } from './context';
import { withFaults } from './fault.middleware';
import { sendJson } from './respond';
import { syndicationBody } from './syndication';

export function registerSyndication(router: Router, ctx: SimContext): void {
  router.get(
    '/tweet-result',
    (_req, _res, next) => {
      ctx.counters.syndicationCalls += 1;
      next();
    },
    withFaults(ctx, 'syndication'),
    (req, res) => {
      const id = typeof req.query.id === 'string' ? req.query.id : '';
      const token = typeof req.query.token === 'string' ? req.query.token : '';
      if (!/^\d{1,20}$/.test(id)) return sendJson(res, 400, { error: 'Bad request: id must be a numeric tweet id' });
      if (token !== syndicationToken(id)) return sendJson(res, 400, { error: 'Bad request: invalid token' });
      const entry = ctx.fixtures.byId.get(id);
      if (entry?.syndication) return sendJson(res, 200, entry.syndication);
      if (!entry?.result) return sendJson(res, 404, {});
      sendJson(res, 200, syndicationBody(entry.result));
    },
  );
}
