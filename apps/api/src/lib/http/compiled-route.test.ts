import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import request from 'supertest';
import { compileRoute } from './compiled-route';

/** A small app shaped like app.ts: app-level middlewares, a mounted router with the route, error middlewares. */
function shapedApp(opts: { extraAppLevel?: RequestHandler; failing?: boolean } = {}) {
  const app = express();
  const seen: string[] = [];
  const mark =
    (name: string): RequestHandler =>
    (_req, _res, next) => {
      seen.push(name);
      next();
    };
  const before = [mark('a'), mark('b')];
  app.use(before);
  if (opts.extraAppLevel) app.use(opts.extraAppLevel);
  const v1 = Router();
  app.use('/api/v1', v1);
  const answer: RequestHandler = opts.failing
    ? async () => Promise.reject(new Error('boom'))
    : (req, res) => void res.json({ seen, baseUrl: req.baseUrl, url: req.url });
  const handlers: RequestHandler[] = [mark('route'), answer];
  const route = v1.route('/thing').post(handlers);
  const routerErrors: ErrorRequestHandler[] = [(err, _req, _res, next) => (seen.push('router error'), next(err))];
  v1.use(routerErrors);
  const compat = Router();
  app.use('/api', compat);
  compat.use(((err, _req, _res, next) => (seen.push('compat error'), next(err))) as ErrorRequestHandler);
  const appErrors: ErrorRequestHandler[] = [(err: Error, _req, res, _next) => void res.status(418).json({ seen, message: err.message })];
  app.use(appErrors);
  return { app, spec: { method: 'POST', mount: '/api/v1', route, before, handlers, routerErrors, appErrors }, seen };
}

describe('compileRoute()', () => {
  it('when the lists are what Express runs, then the route answers through them with the mount trimmed', async () => {
    const { app, spec } = shapedApp();
    compileRoute(app, spec);
    const ok = await request(app).post('/api/v1/thing?x=1');
    expect(ok.body).toEqual({ seen: ['a', 'b', 'route'], baseUrl: '/api/v1', url: '/thing?x=1' });
  });

  it('when a middleware was added to the app but not to the compiled route, then it refuses at start-up', () => {
    const { app, spec } = shapedApp({ extraAppLevel: (_req, _res, next) => next() });
    expect(() => compileRoute(app, spec)).toThrow(/does not run the same middlewares/);
  });

  it('when the route is given fewer handlers than Express runs, then it refuses at start-up', () => {
    const { app, spec } = shapedApp();
    expect(() => compileRoute(app, { ...spec, handlers: spec.handlers.slice(1) })).toThrow(/does not run the same middlewares/);
  });

  it('when an error middleware is missing, then it refuses at start-up', () => {
    const { app, spec } = shapedApp();
    expect(() => compileRoute(app, { ...spec, routerErrors: [] })).toThrow(/does not run the same middlewares/);
  });

  it('when a handler fails, then the router\'s error middlewares and then the app\'s run, as under Express', async () => {
    const plain = shapedApp({ failing: true });
    const compiled = shapedApp({ failing: true });
    compileRoute(compiled.app, compiled.spec);
    const [viaExpress, viaCompiled] = [await request(plain.app).post('/api/v1/thing'), await request(compiled.app).post('/api/v1/thing')];
    expect(viaExpress.status).toBe(418);
    expect(viaExpress.body).toEqual({ seen: ['a', 'b', 'route', 'router error'], message: 'boom' });
    expect({ status: viaCompiled.status, body: viaCompiled.body as unknown }).toEqual({ status: viaExpress.status, body: viaExpress.body as unknown });
  });
});
