import type { RequestHandler, Response } from 'express';
import { AppError } from '../errors/app-error';
import { errorBody } from './envelope';

/**
 * OPTIONS on any route is answered 405 `method_not_allowed` in the JSON envelope, with `Allow`
 * listing the route's methods; an unknown path is a 404 as for any method. This API does no
 * CORS (keys are server-side secrets; the dashboard is same-origin), so there is no preflight
 * to answer.
 *
 * Express answers OPTIONS by itself when no route handles it (200, text/plain, the methods as
 * the body), after collecting the methods of every route matching the path. That list is the
 * one we want in `Allow`, so this keeps Express's answer and only changes its status and body.
 */
export function optionsAsEnvelope(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      const allow = res.getHeader('Allow');
      const plain = String(res.getHeader('Content-Type') ?? '').startsWith('text/plain');
      if (res.headersSent || res.statusCode !== 200 || allow === undefined || !plain) return end(...args);
      const body = JSON.stringify(errorBody(new AppError('method_not_allowed'), req.id));
      res.statusCode = 405;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', Buffer.byteLength(body));
      return end(body);
    }) as Response['end'];
    next();
  };
}
