import request from 'supertest';
import { bearer, startHarness, type Harness } from '../support/harness';

/**
 * Answers are served from a per-process serialized copy per (post, /video/N): whatever is
 * reused, each answer must be for its own URL and carry its own processing time.
 */
let h: Harness;
let key: string;
beforeAll(async () => {
  h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '1000' } });
  ({ key } = await h.createKey());
});
afterAll(async () => {
  await h.close();
});

const post = (url: string) => request(h.app).post('/api/v1/twitter').set(bearer(key)).send({ url });

describe('the serialized answer', () => {
  it('when the same post is asked again, then the answer is the same apart from processed_at, which is the time of each request', async () => {
    const before = Date.now();
    const first = await post('https://x.com/DivineDropbear/status/1841206275088290279');
    const between = Date.now();
    const second = await post('https://x.com/DivineDropbear/status/1841206275088290279');
    const after = Date.now();
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(second.headers['content-length'])).toBe(Buffer.byteLength(second.text));
    const t1 = Date.parse(first.body.data.processed_at);
    const t2 = Date.parse(second.body.data.processed_at);
    expect(t1).toBeGreaterThanOrEqual(before);
    expect(t1).toBeLessThanOrEqual(between);
    expect(t2).toBeGreaterThanOrEqual(between);
    expect(t2).toBeLessThanOrEqual(after);
    expect(second.body.data.processed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect({ ...second.body.data, processed_at: 'x' }).toEqual({ ...first.body.data, processed_at: 'x' });
    expect(second.body).toMatchObject({ code: 0, message: 'ok', data: { statusId: '1841206275088290279' } });
  });

  it('when /video/1, /video/2 and the bare URL of one post alternate, then each answer is for its own URL', async () => {
    const urls = [
      ['https://x.com/DivineDropbear/status/991610/video/2', 2],
      ['https://x.com/DivineDropbear/status/991610/video/1', 1],
      ['https://x.com/DivineDropbear/status/991610', 1],
      ['https://x.com/DivineDropbear/status/991610/video/2', 2],
      ['https://x.com/DivineDropbear/status/991610/video/3', 422],
      ['https://x.com/DivineDropbear/status/991610/video/1', 1],
    ] as const;
    for (const [url, expected] of urls) {
      const res = await post(url);
      if (expected === 422) {
        expect(res.status).toBe(422);
        continue;
      }
      expect(res.status).toBe(200);
      expect(res.body.data.media_index).toBe(expected);
      expect(res.body.data.statusId).toBe('991610');
    }
  });
});
