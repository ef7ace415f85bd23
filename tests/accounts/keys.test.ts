import request from 'supertest';
import { bearer, startHarness, type Harness } from '../support/harness';
import { signUp, type Browser } from './dashboard-client';

const TWEET = { url: 'https://x.com/sim_video/status/992010' };

let h: Harness;
beforeAll(async () => {
  // a long auth cache TTL: only pushed invalidations can make changes visible at once
  h = await startHarness({ env: { AUTH_CACHE_TTL_SECONDS: '600', KEY_ROTATION_GRACE_SECONDS: '1' } });
});
afterAll(async () => {
  await h.close();
});

async function premiumAccount(): Promise<Browser> {
  const account = await signUp(h);
  await h.container.users.setComplimentaryPremium(account.userId, true);
  h.container.authCache.userChanged(account.userId);
  return account;
}

const usage = (key: string) => request(h.app).get('/api/v1/usage').set(bearer(key));

describe('API keys from the dashboard', () => {
  it('when a key is created, then the full key is shown once and never again; it works on the API', async () => {
    const account = await premiumAccount();
    const created = await account.agent.post('/dashboard/api/keys').set('X-CSRF-Token', account.csrf).send({ name: 'laptop' });
    expect(created.status).toBe(201);
    const { key, view } = created.body.data as { key: string; view: { id: string; prefix: string; name: string; status: string } };
    expect(key).toMatch(/^sk-[A-Za-z0-9]{43}$/);
    expect(view).toMatchObject({ name: 'laptop', status: 'active', prefix: key.slice(0, 11) });

    const list = await account.agent.get('/dashboard/api/keys');
    expect(list.status).toBe(200);
    expect(list.body.data.keys).toEqual([expect.objectContaining({ id: view.id, name: 'laptop' })]);
    expect(JSON.stringify(list.body)).not.toContain(key.slice(11));

    expect((await usage(key)).status).toBe(200);
    const api = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(TWEET);
    expect(api.status).toBe(200);
  });

  it('when a key is created without a body, then it gets an empty label', async () => {
    const account = await premiumAccount();
    const res = await account.agent.post('/dashboard/api/keys').set('X-CSRF-Token', account.csrf);
    expect(res.status).toBe(201);
    expect(res.body.data.view.name).toBe('');
  });

  it('when a key is renamed, then the list shows the new label; a too-long label is 400', async () => {
    const account = await premiumAccount();
    const { view } = (await account.agent.post('/dashboard/api/keys').set('X-CSRF-Token', account.csrf).send({ name: 'a' })).body.data;
    const renamed = await account.agent.patch(`/dashboard/api/keys/${view.id}`).set('X-CSRF-Token', account.csrf).send({ name: 'b' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data.view).toMatchObject({ id: view.id, name: 'b' });
    const tooLong = await account.agent.patch(`/dashboard/api/keys/${view.id}`).set('X-CSRF-Token', account.csrf).send({ name: 'x'.repeat(65) });
    expect(tooLong.status).toBe(400);
  });

  it('when a key is revoked, then the very next API call with it is 401 (even though the key was cached)', async () => {
    const account = await premiumAccount();
    const { key, view } = (await account.agent.post('/dashboard/api/keys').set('X-CSRF-Token', account.csrf).send({})).body.data;
    expect((await usage(key)).status).toBe(200); // now cached as valid
    const revoked = await account.agent.post(`/dashboard/api/keys/${view.id}/revoke`).set('X-CSRF-Token', account.csrf);
    expect(revoked.status).toBe(200);
    expect(revoked.body.data.view.status).toBe('revoked');
    const after = await usage(key);
    expect(after.status).toBe(401);
    expect(after.body.error.type).toBe('invalid_api_key');
  });

  it('when a key is rotated, then both work during the grace period and the old one stops after it', async () => {
    const account = await premiumAccount();
    const { key: oldKey, view } = (await account.agent.post('/dashboard/api/keys').set('X-CSRF-Token', account.csrf).send({ name: 'ci' })).body.data;
    expect((await usage(oldKey)).status).toBe(200);
    const rotated = await account.agent.post(`/dashboard/api/keys/${view.id}/rotate`).set('X-CSRF-Token', account.csrf);
    expect(rotated.status).toBe(200);
    const { key: newKey, view: newView, previous } = rotated.body.data;
    expect(newKey).not.toBe(oldKey);
    expect(newView).toMatchObject({ name: 'ci', status: 'active' });
    expect(previous).toMatchObject({ id: view.id, status: 'expiring' });
    expect((await usage(oldKey)).status).toBe(200);
    expect((await usage(newKey)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200)); // KEY_ROTATION_GRACE_SECONDS=1
    expect((await usage(oldKey)).status).toBe(401);
    expect((await usage(newKey)).status).toBe(200);
  });

  it('when a key is deleted, then it is gone from the list and the API refuses it', async () => {
    const account = await premiumAccount();
    const { key, view } = (await account.agent.post('/dashboard/api/keys').set('X-CSRF-Token', account.csrf).send({})).body.data;
    expect((await usage(key)).status).toBe(200);
    const del = await account.agent.delete(`/dashboard/api/keys/${view.id}`).set('X-CSRF-Token', account.csrf);
    expect(del.status).toBe(200);
    expect((await account.agent.get('/dashboard/api/keys')).body.data.keys).toEqual([]);
    expect((await usage(key)).status).toBe(401);
  });

  it("when an account touches another account's key (or a malformed id), then 404 and the key is untouched", async () => {
    const owner = await premiumAccount();
    const intruder = await signUp(h);
    const { key, view } = (await owner.agent.post('/dashboard/api/keys').set('X-CSRF-Token', owner.csrf).send({ name: 'mine' })).body.data;
    for (const [method, path] of [
      ['patch', `/dashboard/api/keys/${view.id}`],
      ['post', `/dashboard/api/keys/${view.id}/revoke`],
      ['post', `/dashboard/api/keys/${view.id}/rotate`],
      ['delete', `/dashboard/api/keys/${view.id}`],
      ['delete', '/dashboard/api/keys/not-a-uuid'],
    ] as const) {
      const res = await intruder.agent[method](path).set('X-CSRF-Token', intruder.csrf).send({ name: 'stolen' });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    expect((await usage(key)).status).toBe(200);
    expect((await owner.agent.get('/dashboard/api/keys')).body.data.keys[0]).toMatchObject({ name: 'mine', status: 'active' });
  });

  it('when an account is not premium, then it can still create keys but the API answers 403 not_premium', async () => {
    const account = await signUp(h);
    const { key } = (await account.agent.post('/dashboard/api/keys').set('X-CSRF-Token', account.csrf).send({})).body.data;
    const api = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(TWEET);
    expect(api.status).toBe(403);
    expect(api.body.error.type).toBe('not_premium');
  });
});

describe('usage in the dashboard', () => {
  it('when the account has made API calls, then /usage reports windows, 24h/30d totals and per-key figures (no `key` field)', async () => {
    const account = await premiumAccount();
    const { key, view } = (await account.agent.post('/dashboard/api/keys').set('X-CSRF-Token', account.csrf).send({})).body.data;
    for (let i = 0; i < 2; i++) expect((await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(TWEET)).status).toBe(200);
    const res = await account.agent.get('/dashboard/api/usage');
    expect(res.status).toBe(200);
    const data = res.body.data;
    expect(Object.keys(data).sort()).toEqual(['credits', 'last_24h', 'last_30d', 'per_key_30d', 'windows']);
    expect(data.windows.map((w: { window: string }) => w.window)).toEqual(['minute', 'hour', 'day']);
    expect(data.windows[0]).toMatchObject({ limit: h.env.RATE_LIMIT_PER_MINUTE, used: 2 });
    expect(data.last_24h.totals).toEqual({ requests: 2, rate_limited: 0 });
    expect(data.last_24h.hourly).toHaveLength(24);
    expect(data.last_30d.daily).toHaveLength(30);
    expect(data.per_key_30d[view.id]).toEqual({ requests: 2, rate_limited: 0 });
  });
});
