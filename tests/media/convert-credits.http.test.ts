import { startHarness, type Harness } from '../support/harness';
import { TWO_RENDITIONS, balanceWhen, convert, grant, json, postUrl } from './media.support';

// CONVERT_CREDIT_COST=2: a conversion costs 2 credits per started minute of output.
let h: Harness;
let base: string;
beforeAll(async () => {
  h = await startHarness({ env: { CONVERT_CREDIT_COST: '2', CONVERT_MAX_PER_ACCOUNT: '8', CONVERT_CONCURRENCY: '2', CONVERT_QUEUE_SIZE: '10' } });
  base = await h.listen();
  await h.sim.mediaReady();
});
afterAll(async () => {
  await h.close();
});

const video = postUrl(TWO_RENDITIONS);
const clip = { url: video, options: { start_time: 0, end_time: 2 } };

async function account(credits: number) {
  const a = await h.createKey();
  if (credits > 0) await grant(h, a.userId, credits);
  return a;
}

describe('conversion credits', () => {
  it('when the balance is short, then 402 {"error":"Insufficient credits"} before any media is fetched', async () => {
    const a = await account(1);
    const before = h.sim.stats().mediaRequests;
    const res = await convert(base, a.key, 'mp3', clip);
    expect(res.status).toBe(402);
    expect(json(res)).toMatchObject({ error: 'Insufficient credits', type: 'insufficient_credits' });
    expect(h.sim.stats().mediaRequests).toBe(before);
    expect(await h.container.credits.balance(a.userId)).toBe(1);
  });

  it('when the balance is short on /api/v1/convert, then 402 in the v1 envelope', async () => {
    const a = await account(0);
    const res = await convert(base, `Bearer ${a.key}`, 'mp3', clip, {}, '/api/v1');
    expect(res.status).toBe(402);
    expect(json(res)).toMatchObject({ code: -1, message: 'Insufficient credits', error: { type: 'insufficient_credits' } });
  });

  it('when a 2 s and a 40 s output are made, then each costs one started minute × 2', async () => {
    const a = await account(10);
    const short = await convert(base, a.key, 'mp3', clip);
    expect(short.headers.get('x-credits-charged')).toBe('2');
    const full = await convert(base, a.key, 'wav', { url: video });
    expect(full.status).toBe(200);
    expect(await h.container.credits.balance(a.userId)).toBe(6);
  });

  it('when 6 conversions race for 3 conversions\' worth of credits, then exactly 3 succeed and 3 get 402', async () => {
    const a = await account(6);
    const results = await Promise.all(Array.from({ length: 6 }, () => convert(base, a.key, 'mp3', clip)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 402, 402, 402]);
    expect(await h.container.credits.balance(a.userId)).toBe(0);
  });

  it('when the same Idempotency-Key is retried, then it is charged once', async () => {
    const a = await account(10);
    const headers = { 'Idempotency-Key': 'retry-me-1' };
    const first = await convert(base, a.key, 'mp3', clip, headers);
    const second = await convert(base, a.key, 'mp3', clip, headers);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.headers.get('x-credits-charged')).toBe('0');
    expect(second.bytes.length).toBeGreaterThan(1000);
    expect(await h.container.credits.balance(a.userId)).toBe(8);
    const other = await convert(base, a.key, 'mp3', clip, { 'Idempotency-Key': 'retry-me-2' });
    expect(other.status).toBe(200);
    expect(await h.container.credits.balance(a.userId)).toBe(6);
  });

  it('when the Idempotency-Key is malformed, then 400', async () => {
    const a = await account(10);
    const res = await convert(base, a.key, 'mp3', clip, { 'Idempotency-Key': 'x'.repeat(300) });
    expect(res.status).toBe(400);
    expect(String(json(res).error)).toContain('Idempotency-Key');
  });

  it('when X fails to serve the media, then a clean 502 JSON error and the credits are refunded', async () => {
    const a = await account(4);
    h.sim.faults.serverError(1, 'media', 503);
    const res = await convert(base, a.key, 'mp3', clip);
    expect(res.status).toBe(502);
    expect(json(res)).toMatchObject({ type: 'media_unavailable' });
    expect(await balanceWhen(h, a.userId, 4)).toBe(4);
  });

  it('when the source is cut off after the first bytes were sent, then the connection is aborted (never a short 200) and refunded', async () => {
    const a = await account(4);
    h.sim.faults.truncate(1, 'media');
    const res = await fetch(`${base}/api/convert/mp4`, {
      method: 'POST',
      headers: { Authorization: a.key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: video }),
    });
    expect(res.status).toBe(200); // headers went out with the first fragment
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect(await balanceWhen(h, a.userId, 4)).toBe(4);
  });
});
