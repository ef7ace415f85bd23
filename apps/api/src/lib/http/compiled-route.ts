import type { ErrorRequestHandler, Express, IRoute, NextFunction, Request, RequestHandler, Response } from 'express';

/** Express's own entry (application.js `app.handle`), which the Express types do not declare. */
type AppHandle = { handle(req: Request, res: Response, done: NextFunction): void };

/**
 * One route of a mounted router (e.g. POST /api/v1/twitter) and everything Express runs for it:
 * the same middleware function objects, in the same order. app.ts defines each list once and
 * gives the same arrays to Express and to this.
 */
export interface CompiledRouteSpec {
  /** upper case, as in req.method */
  method: string;
  /** the router's mount path, e.g. '/api/v1' */
  mount: string;
  /** the route inside that router (req.route under Express; its path is the metrics label's tail) */
  route: Pick<IRoute, 'path'>;
  /** the app-level middlewares Express runs before it reaches the router */
  before: RequestHandler[];
  /** the route's own handlers */
  handlers: RequestHandler[];
  /** the mounted router's error middlewares after the route */
  routerErrors: ErrorRequestHandler[];
  /** the app's error middlewares (the last one answers) */
  appErrors: ErrorRequestHandler[];
}

type Step = (err: unknown) => void;

/** What a rejected promise of a handler is passed on as (Express does the same). */
const rejected = (err: unknown): unknown => err || new Error('Rejected promise');

/**
 * Answers requests whose method is `spec.method` and whose path (before `?`) is exactly
 * mount + route.path with a small runner instead of Express's layer chain (which matches every
 * app-level layer and every route of the router against the path, then dispatches the route's
 * handlers one layer object at a time). Everything else goes to Express unchanged.
 *
 * The runner keeps what the handlers can see under Express: `app.handle`'s set-up (prototypes,
 * req.res/res.req, res.locals), req.baseUrl/req.url trimmed to the mount inside the router and
 * restored before the app's error middlewares, req.route set as the route is entered (the
 * metrics label), a thrown error or rejected promise passed on as `next(err)`, and the exit from
 * the router on an error one `setImmediate` later (as router 2.x leaves a router).
 *
 * It is installed as the app's own `handle`, so every way the app is served (the production HTTP
 * server, `app.listen`, supertest) takes it.
 */
export function compileRoute(app: Express, spec: CompiledRouteSpec): void {
  const path = `${spec.mount}${spec.route.path}`;
  assertSameAsExpress(app, spec, path);
  const query = `${path}?`;
  const { before, handlers, routerErrors, appErrors } = spec;
  const entry = app as unknown as AppHandle;
  const expressHandle = entry.handle.bind(app);

  /** The app's error middlewares; the last one answers (Express would end in finalhandler). */
  function toAppErrors(req: Request, res: Response, err: unknown): void {
    let i = 0;
    const next: Step = (e) => {
      const fn = appErrors[i++];
      if (fn) handleError(fn, e, req, res, next);
    };
    next(err);
  }

  /** The router's error middlewares, then the app's, after leaving the router as router 2.x does (a tick later). */
  function toRouterErrors(req: Request, res: Response, originalUrl: string, err: unknown): void {
    let i = 0;
    const next: Step = (e) => {
      const fn = routerErrors[i++];
      if (fn) {
        handleError(fn, e, req, res, next);
        return;
      }
      req.baseUrl = '';
      req.url = originalUrl;
      setImmediate(toAppErrors, req, res, e);
    };
    next(err);
  }

  function run(req: Request, res: Response): void {
    let i = 0;
    let inRouter = false;
    const originalUrl = req.url;

    const next: Step = (err) => {
      if (err) {
        if (inRouter) toRouterErrors(req, res, originalUrl, err);
        else toAppErrors(req, res, err);
        return;
      }
      if (!inRouter) {
        const fn = before[i++];
        if (fn) {
          handleRequest(fn, req, res, next);
          return;
        }
        // into the router: what router 2.x sets as it trims the mount path and matches the route
        inRouter = true;
        i = 0;
        req.baseUrl = spec.mount;
        req.url = originalUrl.slice(spec.mount.length);
        req.route = spec.route;
        req.params = {};
      }
      const fn = handlers[i++];
      // Under Express the router would go on to the path's other routes (405 for this one);
      // no handler here calls next() after the last one, so reaching this is a bug.
      if (!fn) {
        next(new Error(`compiled route ${spec.method} ${path}: next() after the last handler`));
        return;
      }
      handleRequest(fn, req, res, next);
    };

    req.baseUrl = '';
    req.originalUrl = originalUrl;
    req.params = {};
    next(undefined);
  }

  entry.handle = (req: Request, res: Response, done: NextFunction) => {
    const url = req.url;
    if (req.method !== spec.method || (url !== path && !url.startsWith(query))) {
      expressHandle(req, res, done);
      return;
    }
    // what app.handle does before its router
    if (app.enabled('x-powered-by')) res.setHeader('X-Powered-By', 'Express');
    req.res = res;
    res.req = req;
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
    if (!res.locals) res.locals = Object.create(null) as Response['locals'];
    run(req, res);
  };
}

/** A handler's call, as router 2.x's Layer makes it: a throw or a rejected promise goes to `next(err)`. */
function handleRequest(fn: RequestHandler, req: Request, res: Response, next: Step): void {
  try {
    settle(fn(req, res, next as NextFunction), next);
  } catch (err: unknown) {
    next(err);
  }
}

function handleError(fn: ErrorRequestHandler, err: unknown, req: Request, res: Response, next: Step): void {
  try {
    settle(fn(err, req, res, next as NextFunction), next);
  } catch (thrown: unknown) {
    next(thrown);
  }
}

function settle(ret: unknown, next: Step): void {
  if (ret instanceof Promise) ret.then(undefined, (err: unknown) => next(rejected(err)));
}

/** The parts of router 2.x's Layer/Route (Express 5) read here (options.ts reads the same). */
interface RouterLayer {
  match(path: string): { path: string } | null | false | undefined;
  route?: { _handlesMethod(method: string): boolean; stack: Array<{ method?: string; handle: unknown }> };
  handle: { length: number; stack?: RouterLayer[] };
}

interface Chain {
  handlers: unknown[];
  routerErrors: unknown[];
  appErrors: unknown[];
  routed: boolean;
}

/** What Express would run for `method path`, walking its stacks as its router matches them. */
function chainOf(stack: RouterLayer[], path: string, method: string, depth: number, into: Chain): void {
  for (const layer of stack) {
    const matched = layer.match(path);
    if (!matched) continue;
    if (layer.route) {
      if (into.routed || !layer.route._handlesMethod(method)) continue;
      into.routed = true;
      const m = method.toLowerCase();
      for (const l of layer.route.stack) if (!l.method || l.method === m) into.handlers.push(l.handle);
    } else if (layer.handle.stack) {
      // a router is a 3-argument function: Express passes an error by it without entering it
      if (into.routed) continue;
      const rest = path.slice(matched.path.length);
      chainOf(layer.handle.stack, rest.startsWith('/') ? rest : `/${rest}`, method, depth + 1, into);
    } else if (layer.handle.length === 4) {
      if (into.routed) (depth > 0 ? into.routerErrors : into.appErrors).push(layer.handle);
    } else if (!into.routed) {
      into.handlers.push(layer.handle);
    }
  }
}

/**
 * At start-up: the lists given are exactly what Express runs for the route (a middleware added
 * to app.ts in between without being added to the compiled route fails here, not in production).
 */
function assertSameAsExpress(app: Express, spec: CompiledRouteSpec, path: string): void {
  const router = (app as unknown as { router: { stack: RouterLayer[] } }).router;
  const express: Chain = { handlers: [], routerErrors: [], appErrors: [], routed: false };
  chainOf(router.stack, path, spec.method, 0, express);
  const same = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((fn, i) => fn === b[i]);
  if (
    !express.routed ||
    !same(express.handlers, [...spec.before, ...spec.handlers]) ||
    !same(express.routerErrors, spec.routerErrors) ||
    !same(express.appErrors, spec.appErrors)
  ) {
    throw new Error(`compileRoute(): ${spec.method} ${path} does not run the same middlewares as the Express route (app.ts)`);
  }
}
