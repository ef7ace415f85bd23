import request from 'supertest';
import { SYNTHETIC_IDS } from '../../apps/x-sim/src';
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
    const first = await post(`https://x.com/sim_video/status/${SYNTHETIC_IDS.video}`);
    const between = Date.now();
    const second = await post(`https://x.com/sim_video/status/${SYNTHETIC_IDS.video}`);
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
    expect(second.body).toMatchObject({ code: 0, message: 'ok', data: { statusId: SYNTHETIC_IDS.video } });
  });

  it('when /video/N choices of one post alternate, then each answer is for its own URL (a cached choice never answers another)', async () => {
    // photo, video, photo: /video/2 is the video (X numbering), /video/1 keeps its old meaning
    // (first video), /video/3 is a photo → 422
    const id = SYNTHETIC_IDS.photoVideoPhoto;
    const urls = [
      [`https://x.com/sim_mixed/status/${id}/video/2`, 2],
      [`https://x.com/sim_mixed/status/${id}/video/3`, 422],
      [`https://x.com/sim_mixed/status/${id}`, 2],
      [`https://x.com/sim_mixed/status/${id}/video/3`, 422],
      [`https://x.com/sim_mixed/status/${id}/video/1`, 2],
      [`https://x.com/sim_mixed/status/${id}/video/3`, 422],
    ] as const;
    for (const [url, expected] of urls) {
      const res = await post(url);
      if (expected === 422) {
        expect(res.status).toBe(422);
        expect(res.body.error.type).toBe('no_video');
        continue;
      }
      expect(res.status).toBe(200);
      expect(res.body.data.media_index).toBe(expected);
      expect(res.body.data.statusId).toBe(id);
    }
  });
});
