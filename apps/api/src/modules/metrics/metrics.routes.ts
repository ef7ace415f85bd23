import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import type { Metrics } from './metrics';

/**
 * Remembers the matched route pattern with its router's mount path (e.g. /api/v1/twitter),
 * never the raw path, so labels stay few. Express sets req.route when a route matches, while
 * req.baseUrl is still the mount path; by the time the response finishes (errors go through the
 * app-level error handler) baseUrl has been reset, so the pair is captured as it is set.
 */
function trackRoute(req: Request): () => string {
  let matched = 'unmatched';
  let value: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => value,
    set(route: unknown) {
      value = route;
      if (typeof route === 'object' && route !== null && 'path' in route && typeof route.path === 'string') {
        matched = `${req.baseUrl}${route.path}`;
      }
    },
  });
  return () => matched;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Request metrics for every request: the first middleware after the request id and log (app.ts). */
export function recordRequests(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const route = trackRoute(req);
    res.once('finish', () => {
      metrics.recordHttp(req.method, route(), res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}

/**
 * GET /metrics in Prometheus text format. It answers only `Authorization: Bearer <token>` (401
 * without, 403 with another); app.ts mounts it only when METRICS_TOKEN is set, so without one it
 * is not served at all (404) and a public port never leaks metrics by accident.
 */
export function metricsHandler(deps: { metrics: Metrics; token: string }): RequestHandler {
  const { metrics } = deps;
  const expected = digest(deps.token);
  return async (req, res) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new AppError('unauthenticated', 'Missing metrics token (Authorization: Bearer <METRICS_TOKEN>)');
    }
    if (!timingSafeEqual(digest(m[1]), expected)) throw new AppError('forbidden', 'Invalid metrics token');
    res.set('Content-Type', metrics.contentType);
    res.send(await metrics.scrape());
  };
}
