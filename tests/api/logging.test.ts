import request from 'supertest';
import { bearer, startHarness, type Harness } from '../support/harness';

const lines: string[] = [];
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ logLines: lines, env: { X_BODY_TIMEOUT_MS: '300', X_MAX_RETRIES: '0' } });
});
afterAll(async () => {
  await h.close();
});

describe('logs', () => {
  it('are JSON, carry the request id on every line of a request, and never contain keys or cookies', async () => {
    const { key } = await h.createKey();
    h.sim.faults.html(10, 'all'); // an upstream failure: the client logs the bad body at warn
    const res = await request(h.app)
      .post('/api/v1/twitter')
      .set(bearer(key))
      .set('Cookie', 'twdown_session=secret-session-token')
      .set('X-Request-Id', 'log-test-1')
      .send({ url: 'https://x.com/a/status/992010' });
    h.sim.faults.clear();
    expect(res.status).toBe(502);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = parsed.filter((l) => l.requestId === 'log-test-1');
    // the request line and the upstream warning(s), all tagged with the request id
    expect(mine.some((l) => l.msg === 'request' && l.status === 502)).toBe(true);
    expect(mine.some((l) => (l.level as number) >= 40 && l.msg !== 'request')).toBe(true);
    const all = lines.join('\n');
    expect(all).not.toContain(key);
    expect(all).not.toContain(key.slice(3, 20));
    expect(all).not.toContain('secret-session-token');
  });
});
