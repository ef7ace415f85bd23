import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import type { Metrics } from './metrics';

type Tracked = Request & { twdownRoute?: unknown; twdownMatchedRoute?: string };

/**
 * Remembers the matched route pattern with its router's mount path (e.g. /api/v1/twitter),
 * never the raw path, so labels stay few. Express sets req.route when a route matches, while
 * req.baseUrl is still the mount path; by the time the response finishes (errors go through the
 * app-level error handler) baseUrl has been reset, so the pair is captured as it is set.
 *
 * The capture is one accessor on the app's request prototype (`app.request`), installed once,
 * storing plain named fields on the request. It used to be an accessor defined on each request
 * object: V8 then turns the request into a dictionary-mode object (slower for every property
 * read after it), and on a load of cache hits that alone made young GCs promote ~2 MB each to
 * the old generation where the same server without it promoted ~0.07 MB. Symbol-keyed fields
 * are avoided for the same reason: a keyed store on an object with this many properties also
 * normalises it (docs/architecture.md, "Sixth pass"; tests/unit/request-metrics.test.ts).
 */
function trackRoutesOn(requestPrototype: object): void {
  Object.defineProperty(requestPrototype, 'route', {
    configurable: true,
    enumerable: true,
    get(this: Tracked) {
      return this.twdownRoute;
    },
    set(this: Tracked, route: unknown) {
      this.twdownRoute = route;
      if (typeof route === 'object' && route !== null && 'path' in route && typeof route.path === 'string') {
        this.twdownMatchedRoute = `${this.baseUrl}${route.path}`;
      }
    },
  });
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Request metrics for every request: the first middleware after the request id and log (app.ts).
 * `requestPrototype` is the app's `app.request`, the prototype Express gives every request.
 */
export function recordRequests(metrics: Metrics, requestPrototype: object): RequestHandler {
  trackRoutesOn(requestPrototype);
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = (req as Tracked).twdownMatchedRoute ?? 'unmatched';
      metrics.recordHttp(req.method, route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
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
