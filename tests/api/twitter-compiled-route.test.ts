import { gzipSync } from 'node:zlib';
import type { Express } from 'express';
import request from 'supertest';
import { buildApp } from '../../apps/api/src/app';
import { bearer, startHarness, type Harness } from '../support/harness';
import { sample } from '../support/prom-text';

/**
 * The compiled route (lib/http/compiled-route.ts) answers POST /api/v1/twitter exactly as the
 * Express route does: the same requests are sent, in the same order, to two worlds that start
 * alike (own database, Redis prefix and caches), one app with the compiled route (the default)
 * and one with `compiledRoute: false` (plain Express routing), and the answers must be equal:
 * status, body (minus processed_at), every header (minus Date and a generated X-Request-Id;
 * rate-limit reset times may differ by the second the two requests straddle) and the access log.
 */

const TOKEN = 'metrics-token-0123456789abcdef';
const LIMIT_PER_MINUTE = 3;
const VIDEO = 'https://x.com/sim_video/status/992010';

interface World {
  h: Harness;
  app: Express;
  log: string[];
  /** calls into Express's router (the compiled route makes none) */
  routed: () => number;
  keys: { premium: () => Promise<string>; free: string; revoked: string; limited: string };
}

async function world(compiled: boolean): Promise<World> {
  const log: string[] = [];
  const h = await startHarness({ env: { METRICS_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: String(LIMIT_PER_MINUTE) }, logLines: log });
  const app = compiled ? h.app : buildApp(h.container.deps, { compiledRoute: false });
  const router = (app as unknown as { router: { handle: (...args: unknown[]) => unknown } }).router;
  const handle = router.handle.bind(router);
  let routed = 0;
  router.handle = (...args: unknown[]) => {
    routed++;
    return handle(...args);
  };
  const free = (await h.createKey({ premium: false })).key;
  const gone = await h.createKey();
  await h.container.keys.revoke(gone.userId, gone.keyId);
  const limited = (await h.createKey()).key;
  return { h, app, log, routed: () => routed, keys: { premium: async () => (await h.createKey()).key, free, revoked: gone.key, limited } };
}

/** A request to send; `key` is a fresh premium key of that world (the test's own, so limits start alike). */
type Send = (app: Express, w: World, key: string) => request.Test;

const post = (path = '/api/v1/twitter') => (app: Express) => request(app).post(path);
const withKey = (path?: string) => (app: Express, key: string) => post(path)(app).set(bearer(key));

/** [name, request, handled by the compiled route] */
const CASES: Array<[string, Send, boolean]> = [
  ['success, cache miss', (app, _w, key) => withKey()(app, key).send({ url: VIDEO }), true],
  ['success, cache hit', (app, _w, key) => withKey()(app, key).send({ url: VIDEO }), true],
  ['success, /video/1', (app, _w, key) => withKey()(app, key).send({ url: `${VIDEO}/video/1` }), true],
  ['no Authorization', (app) => post()(app).send({ url: VIDEO }), true],
  ['not a Bearer header', (app) => post()(app).set('Authorization', 'Basic dXNlcjpwYXNz').send({ url: VIDEO }), true],
  ['malformed key', (app) => post()(app).set(bearer('sk-short')).send({ url: VIDEO }), true],
  ['unknown key', (app) => post()(app).set(bearer(`sk-${'A'.repeat(43)}`)).send({ url: VIDEO }), true],
  ['revoked key', (app, w) => post()(app).set(bearer(w.keys.revoked)).send({ url: VIDEO }), true],
  ['free (not premium) key', (app, w) => post()(app).set(bearer(w.keys.free)).send({ url: VIDEO }), true],
  ['rate-limited key', (app, w) => post()(app).set(bearer(w.keys.limited)).send({ url: VIDEO }), true],
  ['invalid JSON', (app, _w, key) => withKey()(app, key).set('Content-Type', 'application/json').send('{"url":'), true],
  ['wrong content type', (app, _w, key) => withKey()(app, key).set('Content-Type', 'text/plain').send(`url=${VIDEO}`), true],
  [
    'gzip body',
    (app, _w, key) =>
      withKey()(app, key)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .send(gzipSync(JSON.stringify({ url: VIDEO }))),
    true,
  ],
  [
    'corrupt gzip body',
    (app, _w, key) =>
      withKey()(app, key).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send(Buffer.from('not gzip at all')),
    true,
  ],
  ['body over 16 KB', (app, _w, key) => withKey()(app, key).send({ url: VIDEO, pad: 'x'.repeat(17_000) }), true],
  ['no body', (app, _w, key) => withKey()(app, key), true],
  ['URL missing', (app, _w, key) => withKey()(app, key).send({}), true],
  ['URL not a post', (app, _w, key) => withKey()(app, key).send({ url: 'https://example.com/not-a-post' }), true],
  ['JSON array body', (app, _w, key) => withKey()(app, key).send([VIDEO]), true],
  ['query string on the path', (app, _w, key) => withKey('/api/v1/twitter?lang=en&x=1')(app, key).send({ url: VIDEO }), true],
  ['X-Request-Id echoed', (app, _w, key) => withKey()(app, key).set('X-Request-Id', 'client-id.42').send({ url: VIDEO }), true],
  ['X-Request-Id echoed on an error', (app) => post()(app).set('X-Request-Id', 'client-id.43').send({ url: VIDEO }), true],
  ['GET /api/v1/twitter (docs)', (app) => request(app).get('/api/v1/twitter'), false],
  ['HEAD /api/v1/twitter', (app) => request(app).head('/api/v1/twitter'), false],
  ['PUT /api/v1/twitter', (app, _w, key) => request(app).put('/api/v1/twitter').set(bearer(key)).send({ url: VIDEO }), false],
  ['OPTIONS /api/v1/twitter', (app) => request(app).options('/api/v1/twitter'), false],
  ['POST /api/v1/twitter/ (trailing slash)', (app, _w, key) => withKey('/api/v1/twitter/')(app, key).send({ url: VIDEO }), false],
  ['POST /API/V1/TWITTER (case)', (app, _w, key) => withKey('/API/V1/TWITTER')(app, key).send({ url: VIDEO }), false],
  ['POST /api/v1/twitterx', (app, _w, key) => withKey('/api/v1/twitterx')(app, key).send({ url: VIDEO }), false],
  ['POST /api/v1/twitter/batch', (app, _w, key) => withKey('/api/v1/twitter/batch')(app, key).send({ urls: [VIDEO] }), false],
];

const VOLATILE_HEADERS = new Set(['date']);

function stripProcessedAt(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripProcessedAt);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'processed_at').map(([k, v]) => [k, stripProcessedAt(v)]));
}

/** What must be equal; the numbers that tell seconds until a reset are checked apart (±1 s). */
function answer(res: request.Response, clientId: boolean) {
  const headers: Record<string, unknown> = {};
  const seconds: number[] = [];
  for (const [name, value] of Object.entries(res.headers)) {
    if (VOLATILE_HEADERS.has(name) || (name === 'x-request-id' && !clientId)) continue;
    let v = String(value);
    if (name === 'x-ratelimit-reset' || name === 'retry-after' || name === 'ratelimit') {
      v = v.replace(/\d{1,10}(?=;|,|$)/g, (n) => (seconds.push(Number(n)), 'N'));
    }
    headers[name] = v;
  }
  const body = stripProcessedAt(res.body) as { error?: { request_id?: string; retry_after?: number } };
  if (body.error && !clientId) body.error.request_id = 'generated';
  if (body.error?.retry_after !== undefined) {
    seconds.push(body.error.retry_after);
    body.error.retry_after = -1;
  }
  return { status: res.status, headers, body, text: Object.keys(res.body as object).length ? undefined : res.text, seconds };
}

/** The access-log lines of one request (level, method, path, status). */
function requestLines(log: string[], from: number) {
  return log.slice(from).flatMap((line) => {
    const l = JSON.parse(line) as { msg?: string; level: number; method: string; path: string; status: number };
    return l.msg === 'request' ? [{ level: l.level, method: l.method, path: l.path, status: l.status }] : [];
  });
}

let compiled: World;
let express: World;
beforeAll(async () => {
  compiled = await world(true);
  express = await world(false);
  // both limited keys used up in the same moment, so their windows reset in the same second
  for (let i = 0; i < LIMIT_PER_MINUTE; i++) {
    for (const w of [compiled, express]) {
      const res = await request(w.app).post('/api/v1/twitter').set(bearer(w.keys.limited)).send({ url: 'https://example.com/x' });
      expect(res.status).toBe(400);
    }
  }
}, 60_000);
afterAll(async () => {
  await compiled.h.close();
  await express.h.close();
});

describe('POST /api/v1/twitter: compiled route and Express answer alike', () => {
  it.each(CASES)('when %s, then both answer the same', async (name, send, compiledHandles) => {
    const answers = [];
    for (const w of [compiled, express]) {
      const routedBefore = w.routed();
      const logFrom = w.log.length;
      const key = await w.keys.premium();
      const res = await send(w.app, w, key);
      await new Promise((r) => setImmediate(r)); // the access log is written on 'finish'
      answers.push({ ...answer(res, name.startsWith('X-Request-Id')), log: requestLines(w.log, logFrom), routed: w.routed() - routedBefore });
    }
    const [c, e] = answers as [(typeof answers)[number], (typeof answers)[number]];
    expect({ status: c.status, headers: c.headers, body: c.body, text: c.text, log: c.log }).toEqual({
      status: e.status,
      headers: e.headers,
      body: e.body,
      text: e.text,
      log: e.log,
    });
    expect(c.seconds.length).toBe(e.seconds.length);
    c.seconds.forEach((s, i) => expect(Math.abs(s - (e.seconds[i] ?? NaN))).toBeLessThanOrEqual(1));
    // the compiled route really answered (Express's router was not asked), or Express did
    expect(e.routed).toBe(1);
    expect(c.routed).toBe(compiledHandles ? 0 : 1);
  });

  it('when the answers are known from the contract, then they are these (both worlds)', async () => {
    for (const w of [compiled, express]) {
      const ok = await withKey()(w.app, await w.keys.premium()).send({ url: VIDEO });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ code: 0, message: 'ok' });
      expect(ok.headers['x-ratelimit-limit']).toBe(String(LIMIT_PER_MINUTE));
      expect(ok.headers['x-content-type-options']).toBe('nosniff');
      const limited = await post()(w.app).set(bearer(w.keys.limited)).send({ url: VIDEO });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited.body).toMatchObject({ code: -1, error: { type: 'rate_limited' } });
      expect((await post()(w.app).set(bearer(w.keys.free)).send({ url: VIDEO })).status).toBe(403);
      expect((await post()(w.app).send({ url: VIDEO })).status).toBe(401);
      expect((await request(w.app).put('/api/v1/twitter')).status).toBe(405);
    }
  });

  it('when requests took the compiled route, then /metrics counts them under the route /api/v1/twitter', async () => {
    const text = (await request(compiled.app).get('/metrics').set(bearer(TOKEN))).text;
    const series = (status: string) => sample(text, 'twdown_http_requests_total', { method: 'POST', route: '/api/v1/twitter', status });
    expect(series('200')).toBeGreaterThanOrEqual(5);
    expect(series('401')).toBeGreaterThanOrEqual(4);
    expect(series('429')).toBeGreaterThanOrEqual(1);
    expect(series('403')).toBeGreaterThanOrEqual(1);
  });
});
