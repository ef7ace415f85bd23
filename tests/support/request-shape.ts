// Child-process probe for tests/unit/request-metrics.test.ts (run with node --allow-natives-syntax):
// serves requests over real HTTP through the request metrics middleware on the hot path's own
// machinery (requests born with the app's prototype as lib/http/server.ts makes them, the
// compiled route of lib/http/compiled-route.ts) and prints, for each request, whether the
// request object still had V8's fast properties when its handler ran.
import http from 'node:http';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { compileRoute } from '../../apps/api/src/lib/http/compiled-route';
import { bornWith } from '../../apps/api/src/lib/http/server';
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
  const server = http.createServer(
    {
      IncomingMessage: bornWith<typeof http.IncomingMessage>(http.IncomingMessage, app.request),
      ServerResponse: bornWith<typeof http.ServerResponse>(http.ServerResponse, app.response),
    },
    app,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/items`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    await res.text();
  }
  server.close();
  process.stdout.write(`${JSON.stringify({ shapes })}\n`);
}

void main();
