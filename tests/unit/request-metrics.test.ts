import { execFileSync } from 'node:child_process';
import path from 'node:path';
import express, { Router, type ErrorRequestHandler } from 'express';
import request from 'supertest';
import { createMetrics } from '../../apps/api/src/modules/metrics/metrics';
import { recordRequests } from '../../apps/api/src/modules/metrics/metrics.routes';
import { sample } from '../support/prom-text';

const ROOT = path.resolve(__dirname, '../..');
const PROBE = path.join(ROOT, 'tests/support/request-shape.ts');

function appWithMetrics() {
  const metrics = createMetrics({ xBaseUrls: [] });
  const app = express();
  app.use(recordRequests(metrics, app.request));
  const v1 = Router();
  app.use('/api/v1', v1);
  v1.post('/items/:id', (_req, res) => void res.json({ ok: true }));
  v1.get('/fails', () => {
    throw new Error('boom');
  });
  // app level, after the router: Express has reset req.baseUrl by now
  const onError: ErrorRequestHandler = (_err, _req, res, _next) => void res.status(500).json({ ok: false });
  app.use(onError);
  return { app, metrics };
}

describe('recordRequests()', () => {
  it('when routes answer, fail after leaving their router, or do not match, then each is counted under its route pattern with the mount path', async () => {
    const { app, metrics } = appWithMetrics();
    await request(app).post('/api/v1/items/1').send({}).expect(200);
    await request(app).post('/api/v1/items/2').send({}).expect(200);
    await request(app).get('/api/v1/fails').expect(500);
    await request(app).get('/nowhere').expect(404);
    const text = await metrics.scrape();
    const count = (labels: Record<string, string>) => sample(text, 'twdown_http_requests_total', labels);
    expect(count({ method: 'POST', route: '/api/v1/items/:id', status: '200' })).toBe(2);
    expect(count({ method: 'GET', route: '/api/v1/fails', status: '500' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    // never the raw path
    expect(text).not.toContain('route="/api/v1/items/1"');
  });

  it('when requests take the compiled hot path, then the request objects keep fast properties (no per-request accessor)', () => {
    // An accessor defined on each request object (as the route capture once was) turns it into a
    // dictionary-mode object with the request's own getter and setter: under load every young GC
    // then promoted ~2 MB each (against ~0.07 MB without it), and a request cost about a fifth more CPU
    // (docs/architecture.md, "Sixth pass"). V8's own answer, from a plain node child process
    // (the probe serves 20 requests over HTTP on the API's server and compiled route).
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', PROBE], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    const { shapes } = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { shapes?: boolean[] };
    expect(shapes).toHaveLength(20);
    expect(shapes?.every(Boolean)).toBe(true);
  });
});
