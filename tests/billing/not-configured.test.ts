import request from 'supertest';
import { startHarness, type Harness } from '../support/harness';
import { signUp } from '../accounts/dashboard-client';
import { WEBHOOK_PATH } from './billing-setup';

let h: Harness;
beforeAll(async () => {
  h = await startHarness(); // no STRIPE_* variables
});
afterAll(async () => {
  await h.close();
});

describe('billing not configured', () => {
  it('when Stripe is not configured, then checkout, portal and the webhook answer 503 and the rest keeps working', async () => {
    const account = await signUp(h);
    for (const path of ['/dashboard/api/billing/checkout', '/dashboard/api/billing/portal']) {
      const res = await account.agent.post(path).set('X-CSRF-Token', account.csrf);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: -1, message: 'Billing is not configured on this server', error: { type: 'billing_not_configured' } });
    }
    const hook = await request(h.app).post(WEBHOOK_PATH).set('Content-Type', 'application/json').set('Stripe-Signature', 't=1,v1=00').send('{"id":"evt_1"}');
    expect(hook.status).toBe(503);
    const me = await account.agent.get('/dashboard/api/me');
    expect(me.status).toBe(200);
    expect(me.body.data.billing).toEqual({ configured: false });
    expect((await request(h.app).get('/healthz')).status).toBe(200);
  });
});

describe('pages', () => {
  it('when / and /dashboard[/...] are requested, then the UI files are served; /docs is the rendered API reference', async () => {
    for (const path of ['/', '/dashboard', '/dashboard/keys']) {
      const res = await request(h.app).get(path);
      expect({ path, status: res.status, type: res.headers['content-type'] }).toEqual({ path, status: 200, type: expect.stringMatching(/text\/html/) });
    }
    expect((await request(h.app).get('/assets/app.js')).headers['content-type']).toMatch(/javascript/);
    const missing = await request(h.app).get('/no-such-file.html');
    expect(missing.status).toBe(404);
    expect(missing.body.error.type).toBe('route_not_found');
    const docs = await request(h.app).get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
    expect(docs.text).toContain('<script src="/docs/redoc.standalone.js"></script>');
    const unknownApi = await request(h.app).get('/dashboard/api/nope');
    expect(unknownApi.status).toBe(401);
    expect(unknownApi.headers['content-type']).toMatch(/json/);
  });
});
