import request from 'supertest';
import { bearer, startHarness, type Harness } from '../support/harness';
import { appRoutes, documentedOperations, mismatches, type OpenApiDoc } from '../support/openapi';
import { browser, PASSWORD, randomEmail, signUp } from '../accounts/dashboard-client';

/**
 * The OpenAPI document is a valid OpenAPI 3.1 document; every route the Express app answers is
 * in it; and real answers of the running app (recorded below through the full HTTP stack) match
 * the response the document gives for their path, method and status: Content-Type, body schema
 * and required headers. The schemas are read back from the served document itself
 * (tests/support/openapi.ts), not from the code's zod schemas.
 */
const METRICS_TOKEN = 'contract-metrics-token';
let h: Harness;
let doc: OpenApiDoc;
beforeAll(async () => {
  h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '5', METRICS_TOKEN } });
  doc = (await request(h.app).get('/api/v1/openapi.json')).body as OpenApiDoc;
});
afterAll(async () => {
  await h.close();
});

type Recorded = [op: string, res: request.Response];

/** Records each answer under its operation ("POST /api/v1/twitter"); returns the answer. */
function recorder() {
  const recorded: Recorded[] = [];
  const rec = async (op: string, res: Promise<request.Response> | request.Response) => {
    const r = await res;
    recorded.push([op, r]);
    return r;
  };
  const problems = () => recorded.flatMap(([op, r]) => mismatches(doc, op, { status: r.status, body: r.body as unknown, headers: r.headers }));
  const summary = () => recorded.map(([op, r]) => `${op} ${r.status}`);
  return { rec, problems, summary };
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    // ESM-only package: loaded with a dynamic import (jest runs with --experimental-vm-modules)
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const result = await new Validator().validate(doc as unknown as Parameters<InstanceType<typeof Validator>['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every route the app answers (read from the Express router, so a new route cannot go undocumented)', () => {
    const documented = documentedOperations(doc);
    const routes = appRoutes(h.app);
    // the walk itself works: it finds routes of each family (a broken walk would pass vacuously)
    expect(routes).toEqual(expect.arrayContaining(['POST /api/v1/twitter', 'GET /healthz', 'POST /api/download', 'DELETE /dashboard/api/keys/{id}', 'GET /metrics']));
    const missing = routes.filter((r) => !r.startsWith('ALL ') && !documented.has(r.replace(/^HEAD /, 'GET ')));
    expect(missing).toEqual([]);
    // a 405 catch-all guards a documented path
    const paths = new Set([...documented.keys()].map((op) => op.split(' ')[1]));
    expect(routes.filter((r) => r.startsWith('ALL ') && !paths.has(r.slice(4)))).toEqual([]);
  });

  it('has the security schemes each family uses (fixed table)', () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.rawKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    expect(schemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'twdown_session' });
    expect(schemes.csrfToken).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' });
    const ops = documentedOperations(doc);
    expect(ops.get('GET /dashboard/api/me')?.security).toEqual([{ session: [] }]);
    expect(ops.get('POST /dashboard/api/keys')?.security).toEqual([{ session: [], csrfToken: [] }]);
    expect(ops.get('POST /dashboard/api/login')?.security).toBeUndefined();
  });

  it('matches real answers of the paid API (success and error statuses)', async () => {
    const { key } = await h.createKey();
    const { key: basic } = await h.createKey({ premium: false });
    const { key: limited } = await h.createKey();
    const { rec, problems, summary } = recorder();
    const api = (path: string) => `/api/v1${path}`;

    await rec('GET /api/v1/twitter', request(h.app).get(api('/twitter')));
    await rec('POST /api/v1/twitter', request(h.app).post(api('/twitter')).set(bearer(key)).send({ url: 'https://x.com/sim_video/status/992010' }));
    await rec('POST /api/v1/twitter', request(h.app).post(api('/twitter')).set(bearer(key)).send({ url: 'nope' }));
    await rec('POST /api/v1/twitter', request(h.app).post(api('/twitter')).set(bearer(key)).send({ url: 'https://x.com/a/status/992021' }));
    await rec('POST /api/v1/twitter', request(h.app).post(api('/twitter')).send({ url: 'https://x.com/a/status/992010' }));
    await rec('POST /api/v1/twitter', request(h.app).post(api('/twitter')).set(bearer(basic)).send({ url: 'https://x.com/a/status/992010' }));
    for (let i = 0; i < 5; i++) await request(h.app).post(api('/twitter')).set(bearer(limited)).send({ url: 'nope' });
    await rec('POST /api/v1/twitter', request(h.app).post(api('/twitter')).set(bearer(limited)).send({ url: 'nope' }));
    await rec('POST /api/v1/twitter/batch', request(h.app).post(api('/twitter/batch')).set(bearer(key)).send({ urls: ['https://x.com/sim_video/status/992010', 'nope'] }));
    await rec('POST /api/v1/twitter/batch', request(h.app).post(api('/twitter/batch')).set(bearer(key)).send({ urls: [] }));
    await rec('GET /api/v1/usage', request(h.app).get(api('/usage')).set(bearer(key)));
    await rec('GET /api/v1/usage', request(h.app).get(api('/usage')).set(bearer('sk-nope')));
    await rec('GET /api/v1/openapi.json', request(h.app).get(api('/openapi.json')));
    await rec('POST /api/v1/webhooks/stripe', request(h.app).post(api('/webhooks/stripe')).set('Content-Type', 'application/json').send('{}'));

    expect(summary()).toEqual([
      'GET /api/v1/twitter 200',
      'POST /api/v1/twitter 200',
      'POST /api/v1/twitter 400',
      'POST /api/v1/twitter 422',
      'POST /api/v1/twitter 401',
      'POST /api/v1/twitter 403',
      'POST /api/v1/twitter 429',
      'POST /api/v1/twitter/batch 200',
      'POST /api/v1/twitter/batch 400',
      'GET /api/v1/usage 200',
      'GET /api/v1/usage 401',
      'GET /api/v1/openapi.json 200',
      'POST /api/v1/webhooks/stripe 503',
    ]);
    expect(problems()).toEqual([]);
  });

  it('matches real answers of the media routes, both families (success and error statuses)', async () => {
    const { rec, problems, summary } = recorder();
    const mediaPost = 'https://x.com/sim_media/status/993002'; // synthetic: photo, video, gif
    const { key } = await h.createKey(); // a fresh minute window (5 a minute in this file)
    const { key: second } = await h.createKey();
    const listed = await rec('POST /api/v1/download', request(h.app).post('/api/v1/download').set(bearer(key)).send({ url: mediaPost }));
    await rec('POST /api/v1/download', request(h.app).post('/api/v1/download').set(bearer(key)).send({ url: 'nope' }));
    await rec('POST /api/download', request(h.app).post('/api/download').set('Authorization', key).send({ url: mediaPost }));
    await rec('POST /api/download', request(h.app).post('/api/download').set('Authorization', 'sk-nope').send({ url: mediaPost }));
    await rec('POST /api/convert/{format}', request(h.app).post('/api/convert/mp3').set('Authorization', key).send({ url: mediaPost }));
    await rec('POST /api/v1/convert/{format}', request(h.app).post('/api/v1/convert/wav').set(bearer(second)).send({}));
    await rec('POST /api/v1/convert/{format}', request(h.app).post('/api/v1/convert/mp3').set(bearer(second)).send({ url: mediaPost, options: { volume: 3 } }));
    const link = String((listed.body as { data: { items: Array<{ download_url: string }> } }).data.items[0]?.download_url);
    await rec('GET /api/v1/media/{token}', request(h.app).get(new URL(link).pathname));
    await rec('GET /api/v1/media/{token}', request(h.app).get(new URL(link).pathname).set('Range', 'bytes=0-9'));
    await rec('GET /api/v1/media/{token}', request(h.app).get('/api/v1/media/not-a-signed-token'));

    expect(summary()).toEqual([
      'POST /api/v1/download 200',
      'POST /api/v1/download 400',
      'POST /api/download 200',
      'POST /api/download 401',
      'POST /api/convert/{format} 402',
      'POST /api/v1/convert/{format} 400',
      'POST /api/v1/convert/{format} 400',
      'GET /api/v1/media/{token} 200',
      'GET /api/v1/media/{token} 206',
      'GET /api/v1/media/{token} 403',
    ]);
    expect(problems()).toEqual([]);
  });

  it("matches real answers of the dashboard's JSON API (success and error statuses)", async () => {
    const { rec, problems, summary } = recorder();
    const dash = (path: string) => `/dashboard/api${path}`;
    const stranger = browser(h.app).agent;
    await rec('POST /dashboard/api/signup', stranger.post(dash('/signup')).send({ email: randomEmail('contract'), password: PASSWORD }));
    await rec('POST /dashboard/api/signup', stranger.post(dash('/signup')).send({ email: 'not an email', password: PASSWORD }));
    await rec('POST /dashboard/api/signup', stranger.post(dash('/signup')).set('Origin', 'https://evil.example').send({ email: randomEmail(), password: PASSWORD }));
    await rec('POST /dashboard/api/verify-email', stranger.post(dash('/verify-email')).send({ token: 'nope', password: PASSWORD }));
    await rec('POST /dashboard/api/login', stranger.post(dash('/login')).send({ email: randomEmail(), password: PASSWORD }));
    await rec('POST /dashboard/api/password/forgot', stranger.post(dash('/password/forgot')).send({ email: randomEmail() }));
    await rec('POST /dashboard/api/password/reset', stranger.post(dash('/password/reset')).send({ token: 'nope', password: PASSWORD }));
    await rec('POST /dashboard/api/email/confirm', stranger.post(dash('/email/confirm')).send({ token: 'nope' }));
    await rec('GET /dashboard/api/me', stranger.get(dash('/me')));
    await rec('POST /dashboard/api/logout', stranger.post(dash('/logout')));

    const account = await signUp(h);
    const agent = account.agent;
    await rec('POST /dashboard/api/login', agent.post(dash('/login')).send({ email: account.email, password: PASSWORD }));
    const me = await rec('GET /dashboard/api/me', agent.get(dash('/me')));
    const token = { 'X-CSRF-Token': String((me.body as { data: { csrf_token: string } }).data.csrf_token) };
    await rec('GET /dashboard/api/usage', agent.get(dash('/usage')));
    await rec('POST /dashboard/api/keys', agent.post(dash('/keys')).send({ name: 'x' })); // no CSRF token
    const created = await rec('POST /dashboard/api/keys', agent.post(dash('/keys')).set(token).send({ name: 'contract' }));
    await rec('POST /dashboard/api/keys', agent.post(dash('/keys')).set(token));
    const id = String((created.body as { data: { view: { id: string } } }).data.view.id);
    await rec('GET /dashboard/api/keys', agent.get(dash('/keys')));
    await rec('PATCH /dashboard/api/keys/{id}', agent.patch(dash(`/keys/${id}`)).set(token).send({ name: 'renamed' }));
    await rec('PATCH /dashboard/api/keys/{id}', agent.patch(dash(`/keys/${id}`)).set(token).send({ name: 'x'.repeat(65) }));
    await rec('POST /dashboard/api/keys/{id}/rotate', agent.post(dash(`/keys/${id}/rotate`)).set(token));
    await rec('POST /dashboard/api/keys/{id}/rotate', agent.post(dash(`/keys/${id}/rotate`)).set(token));
    await rec('POST /dashboard/api/keys/{id}/revoke', agent.post(dash(`/keys/${id}/revoke`)).set(token));
    await rec('POST /dashboard/api/keys/{id}/revoke', agent.post(dash('/keys/00000000-0000-4000-8000-000000000000/revoke')).set(token));
    await rec('DELETE /dashboard/api/keys/{id}', agent.delete(dash(`/keys/${id}`)).set(token));
    await rec('DELETE /dashboard/api/keys/{id}', agent.delete(dash('/keys/not-a-uuid')).set(token));
    await rec('POST /dashboard/api/billing/checkout', agent.post(dash('/billing/checkout')).set(token));
    await rec('POST /dashboard/api/billing/portal', agent.post(dash('/billing/portal')).set(token));
    await rec('POST /dashboard/api/password', agent.post(dash('/password')).set(token).send({ current_password: 'wrong password!', new_password: 'another good password' }));
    await rec('POST /dashboard/api/password', agent.post(dash('/password')).set(token).send({ current_password: PASSWORD, new_password: 'another good password' }));
    await rec('POST /dashboard/api/email', agent.post(dash('/email')).set(token).send({ email: randomEmail('moved'), password: 'another good password' }));
    await rec('POST /dashboard/api/logout-all', agent.post(dash('/logout-all')).set(token));

    expect(summary()).toEqual([
      'POST /dashboard/api/signup 202',
      'POST /dashboard/api/signup 400',
      'POST /dashboard/api/signup 403',
      'POST /dashboard/api/verify-email 400',
      'POST /dashboard/api/login 401',
      'POST /dashboard/api/password/forgot 202',
      'POST /dashboard/api/password/reset 400',
      'POST /dashboard/api/email/confirm 400',
      'GET /dashboard/api/me 401',
      'POST /dashboard/api/logout 401',
      'POST /dashboard/api/login 200',
      'GET /dashboard/api/me 200',
      'GET /dashboard/api/usage 200',
      'POST /dashboard/api/keys 403',
      'POST /dashboard/api/keys 201',
      'POST /dashboard/api/keys 201',
      'GET /dashboard/api/keys 200',
      'PATCH /dashboard/api/keys/{id} 200',
      'PATCH /dashboard/api/keys/{id} 400',
      'POST /dashboard/api/keys/{id}/rotate 200',
      'POST /dashboard/api/keys/{id}/rotate 409',
      'POST /dashboard/api/keys/{id}/revoke 200',
      'POST /dashboard/api/keys/{id}/revoke 404',
      'DELETE /dashboard/api/keys/{id} 200',
      'DELETE /dashboard/api/keys/{id} 404',
      'POST /dashboard/api/billing/checkout 503',
      'POST /dashboard/api/billing/portal 503',
      'POST /dashboard/api/password 403',
      'POST /dashboard/api/password 200',
      'POST /dashboard/api/email 202',
      'POST /dashboard/api/logout-all 200',
    ]);
    expect(problems()).toEqual([]);
  });

  it('matches real answers of health, metrics and the pages', async () => {
    const { rec, problems, summary } = recorder();
    await rec('GET /healthz', request(h.app).get('/healthz'));
    await rec('GET /readyz', request(h.app).get('/readyz'));
    await rec('GET /metrics', request(h.app).get('/metrics').set(bearer(METRICS_TOKEN)));
    await rec('GET /metrics', request(h.app).get('/metrics'));
    await rec('GET /metrics', request(h.app).get('/metrics').set(bearer('another-token')));
    await rec('GET /', request(h.app).get('/'));
    await rec('GET /docs', request(h.app).get('/docs'));
    await rec('GET /docs/redoc.standalone.js', request(h.app).get('/docs/redoc.standalone.js'));
    expect(summary()).toEqual([
      'GET /healthz 200',
      'GET /readyz 200',
      'GET /metrics 200',
      'GET /metrics 401',
      'GET /metrics 403',
      'GET / 200',
      'GET /docs 200',
      'GET /docs/redoc.standalone.js 200',
    ]);
    expect(problems()).toEqual([]);
  });
});
