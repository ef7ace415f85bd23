import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { staticHeaders } from './static-headers';

/** helmet's own answer (a plain app running helmet per request) is the oracle. */
async function headersOf(app: express.Express): Promise<Record<string, unknown>> {
  app.get('/x', (_req, res) => void res.send('ok'));
  const res = await request(app).get('/x');
  const { date: _date, etag: _etag, ...rest } = res.headers;
  return rest;
}

describe('staticHeaders(helmet(...))', () => {
  it.each([
    ['defaults without CSP', { contentSecurityPolicy: false }],
    ['with a CSP and HSTS preload', { contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } }, strictTransportSecurity: { preload: true } }],
  ] as const)('when replayed (%s), then every response carries exactly the headers helmet itself sets', async (_name, options) => {
    const live = express();
    live.disable('x-powered-by');
    live.use(helmet(options));
    const replayed = express();
    replayed.disable('x-powered-by');
    replayed.use(staticHeaders(helmet(options)));
    const expected = await headersOf(live);
    expect(Object.keys(expected).length).toBeGreaterThan(8);
    expect(await headersOf(replayed)).toEqual(expected);
    // and again: the replay does not wear out
    expect(await headersOf(replayed)).toEqual(expected);
  });

  it('when the middleware does more than set headers synchronously, then it is refused at start-up', () => {
    expect(() => staticHeaders((_req, _res, next) => void setTimeout(next, 1))).toThrow(/synchronously/);
  });
});
