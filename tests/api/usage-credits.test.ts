import request from 'supertest';
import { usageResponseSchema } from '../../apps/api/src/modules/usage/usage.schemas';
import { signUp } from '../accounts/dashboard-client';
import { bearer, startHarness, type Harness } from '../support/harness';

/** Balance and recent ledger entries in GET /api/v1/usage and the dashboard's /dashboard/api/usage. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const tick = () => new Promise((r) => setTimeout(r, 5)); // distinct created_at (ms resolution)

describe('credits in usage', () => {
  it('when an account has grants, spends and refunds, then GET /api/v1/usage shows the balance and the entries newest first', async () => {
    const { key, userId } = await h.createKey();
    const credits = h.container.credits;
    await credits.grant({ userId, amount: 100, reason: 'premium billing period', idempotencyKey: 'invoice:in_usage' });
    await tick();
    const spend = await credits.reserve({ userId, amount: 3, reason: 'convert mp3', idempotencyKey: 'usage-1' });
    await tick();
    await credits.refund(spend.entryId, 'conversion failed');
    await tick();
    await credits.reserve({ userId, amount: 2, reason: 'convert gif', idempotencyKey: 'usage-2' });

    const res = await request(h.app).get('/api/v1/usage').set(bearer(key));
    expect(res.status).toBe(200);
    expect(() => usageResponseSchema.parse(res.body)).not.toThrow();
    const c = res.body.data.credits;
    expect(c.balance).toBe(98);
    // the documented defaults: 1000 per period, 1 credit per started minute
    expect(c.per_period).toBe(1000);
    expect(c.convert_cost_per_minute).toBe(1);
    expect(c.recent.map((e: { kind: string; amount: number; reason: string }) => [e.kind, e.amount, e.reason])).toEqual([
      ['spend', -2, 'convert gif'],
      ['refund', 3, 'conversion failed'],
      ['spend', -3, 'convert mp3'],
      ['grant', 100, 'premium billing period'],
    ]);
    for (const e of c.recent) expect(new Date(e.created_at).toISOString()).toBe(e.created_at);
  });

  it('when more than ten entries exist, then the ten newest are listed and the balance counts all', async () => {
    const { key, userId } = await h.createKey();
    for (let i = 1; i <= 12; i++) {
      await h.container.credits.grant({ userId, amount: i, reason: `g${i}`, idempotencyKey: `many-${i}` });
      await tick();
    }
    const c = (await request(h.app).get('/api/v1/usage').set(bearer(key))).body.data.credits;
    expect(c.balance).toBe(78);
    expect(c.recent.map((e: { reason: string }) => e.reason)).toEqual(['g12', 'g11', 'g10', 'g9', 'g8', 'g7', 'g6', 'g5', 'g4', 'g3']);
  });

  it('when a free account asks, then it sees balance 0 and no other account\'s entries', async () => {
    const rich = await h.createKey();
    await h.container.credits.grant({ userId: rich.userId, amount: 50, reason: 'x', idempotencyKey: 'rich' });
    const { key } = await h.createKey({ premium: false });
    const res = await request(h.app).get('/api/v1/usage').set(bearer(key));
    expect(res.status).toBe(200);
    expect(res.body.data.credits).toMatchObject({ balance: 0, recent: [] });
  });

  it('when the dashboard asks for usage, then the same credits block is there for the signed-in user', async () => {
    const account = await signUp(h);
    await h.container.credits.grant({ userId: account.userId, amount: 7, reason: 'operator grant', idempotencyKey: 'dash' });
    const res = await account.agent.get('/dashboard/api/usage');
    expect(res.status).toBe(200);
    expect(res.body.data.credits).toMatchObject({ balance: 7, recent: [{ kind: 'grant', amount: 7, reason: 'operator grant' }] });
  });

  it('when the dashboard asks without a session, then 401 and no credits', async () => {
    const res = await request(h.app).get('/dashboard/api/usage');
    expect(res.status).toBe(401);
    expect(res.body.data).toBeUndefined();
  });
});

describe('GET /api/v1/usage, other methods', () => {
  it('when another method is used, then 405 in the envelope with Allow: GET', async () => {
    const { key } = await h.createKey();
    for (const method of ['post', 'put', 'delete'] as const) {
      const res = await request(h.app)[method]('/api/v1/usage').set(bearer(key));
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET');
      expect(res.body).toMatchObject({ code: -1, error: { type: 'method_not_allowed' } });
    }
  });
});
