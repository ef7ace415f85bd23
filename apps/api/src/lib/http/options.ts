import type { Express, RequestHandler } from 'express';
import { AppError } from '../errors/app-error';

/** The parts of router 2.x's Layer/Route (Express 5) this reads. */
interface RouterLayer {
  match(path: string): { path: string } | null | undefined;
  route?: { _methods(): string[] };
  handle?: { stack?: RouterLayer[] };
}

/** Methods of every route matching `path`, through mounted routers (what Express itself collects for OPTIONS). */
function methodsFor(stack: RouterLayer[], path: string, into: Set<string>): void {
  for (const layer of stack) {
    const matched = layer.match(path);
    if (!matched) continue;
    if (layer.route) {
      for (const m of layer.route._methods()) into.add(m);
    } else if (layer.handle?.stack) {
      const rest = path.slice(matched.path.length);
      methodsFor(layer.handle.stack, rest.startsWith('/') ? rest : `/${rest}`, into);
    }
  }
}

/**
 * OPTIONS on any route is answered 405 `method_not_allowed` in the JSON envelope, with `Allow`
 * listing the route's methods; on an unknown path it is a 404 like any other method. This API
 * does no CORS (keys are server-side secrets; the dashboard is same-origin), so there is no
 * preflight to answer. Express's own answer would be a 200 text/plain list of methods, or, where
 * a middleware runs first (session check, 404 handler), whatever that middleware says.
 */
export function optionsAsEnvelope(app: Express): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    const methods = new Set<string>();
    const router = (app as unknown as { router: { stack: RouterLayer[] } }).router;
    try {
      methodsFor(router.stack, req.path, methods);
    } catch {
      // matching decodes route parameters: a malformed %-escape fails there as it would in routing
      next(new AppError('bad_request', 'Malformed percent-encoding in the path'));
      return;
    }
    methods.delete('OPTIONS');
    if (methods.size === 0) {
      next(new AppError('route_not_found', `Route not found: ${req.method} ${req.path}`));
      return;
    }
    res.setHeader('Allow', [...methods].sort().join(', '));
    next(new AppError('method_not_allowed'));
  };
}
