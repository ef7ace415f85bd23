// Child-process probe for tests/unit/request-metrics.test.ts (run with node --allow-natives-syntax):
// serves requests over real HTTP through the request metrics middleware on the hot path's own
// machinery (the API's own HTTP server, lib/http/server.ts, and the
// compiled route of lib/http/compiled-route.ts) and prints, for each request, whether the
// request object still had V8's fast properties when its handler ran.
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { compileRoute } from '../../apps/api/src/lib/http/compiled-route';
import { createHttpServer } from '../../apps/api/src/lib/http/server';
import { createLogger } from '../../apps/api/src/lib/logger/logger';
import { createMetrics } from '../../apps/api/src/modules/metrics/metrics';
import { recordRequests } from '../../apps/api/src/modules/metrics/metrics.routes';

// eslint-disable-next-line @typescript-eslint/no-implied-eval -- V8's natives syntax (%…) only compiles at run time, under --allow-natives-syntax
const fast = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

async function main(): Promise<void> {
  const app = express();
  const first = [recordRequests(createMetrics({ xBaseUrls: [] }), app.request)];
  app.use(first);
  const v1 = Router();
  app.use('/api/v1', v1);
  const shapes: boolean[] = [];
  const handler: RequestHandler = (req, res) => {
    shapes.push(fast(req));
    res.json({ ok: true });
  };
  const route = v1.route('/items').post(handler);
  const onError: ErrorRequestHandler = (_err, _req, res, _next) => void res.status(500).json({ ok: false });
  app.use(onError);
  compileRoute(app, { method: 'POST', mount: '/api/v1', route, before: first, handlers: [handler], routerErrors: [], appErrors: [onError] });
  const http = createHttpServer(app, { requestTimeoutMs: 10_000, headersTimeoutMs: 5_000, logger: createLogger({ level: 'silent' }) });
  const port = await http.listen(0, '127.0.0.1');
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/items`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    await res.text();
  }
  http.server.close();
  process.stdout.write(`${JSON.stringify({ shapes })}\n`);
}

void main();
