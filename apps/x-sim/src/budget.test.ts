import { activate, at, gql, startSim, type Running } from './test-helpers';

describe('per-guest-token GraphQL budgets', () => {
  let running: Running;
  let now: number;
  beforeEach(async () => {
    now = 1_700_000_000_000;
    running = await startSim({ tokenBudget: 3, tokenWindowSeconds: 60, now: () => now });
  });
  afterEach(() => running.sim.stop());

  const headersOf = (res: Response) => ({
    limit: res.headers.get('x-rate-limit-limit'),
    remaining: res.headers.get('x-rate-limit-remaining'),
    reset: res.headers.get('x-rate-limit-reset'),
  });

  it('when calls are made, then every answer carries limit, remaining and the unix reset time', async () => {
    const token = await activate(running.url);
    const reset = String(Math.ceil(now / 1000) + 60);
    expect(headersOf(await gql(running.url, '992007', { token }))).toEqual({ limit: '3', remaining: '2', reset });
    // A 336 answer still spends budget, as X counts every authenticated call.
    expect(headersOf(await gql(running.url, '992007', { token, features: {} }))).toEqual({ limit: '3', remaining: '1', reset });
  });

  it('when the budget is spent, then it answers 429 with error 88 until the window refills', async () => {
    const token = await activate(running.url);
    for (let i = 0; i < 3; i += 1) expect((await gql(running.url, '992007', { token })).status).toBe(200);
    const limited = await gql(running.url, '992007', { token });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ errors: [{ code: 88, message: 'Rate limit exceeded.' }] });
    expect(headersOf(limited).remaining).toBe('0');
    expect(running.sim.stats().rateLimited).toBe(1);

    now += 60_000;
    const refilled = await gql(running.url, '992007', { token });
    expect(refilled.status).toBe(200);
    expect(headersOf(refilled)).toEqual({ limit: '3', remaining: '2', reset: String(Math.ceil(now / 1000) + 60) });
  });

  it('when one token is spent, then a freshly activated token still works', async () => {
    const spent = await activate(running.url);
    for (let i = 0; i < 4; i += 1) await gql(running.url, '992007', { token: spent });
    const fresh = await activate(running.url);
    const res = await gql(running.url, '992007', { token: fresh });
    expect(res.status).toBe(200);
    expect(at(await res.json(), 'data', 'tweetResult', 'result', 'rest_id')).toBe('992007');
  });

  it('when the default options are used, then the budget is 150 per 15 minutes', async () => {
    const defaults = await startSim();
    try {
      const token = await activate(defaults.url);
      const res = await gql(defaults.url, '992007', { token });
      expect(res.headers.get('x-rate-limit-limit')).toBe('150');
      const reset = Number(res.headers.get('x-rate-limit-reset'));
      expect(reset - Date.now() / 1000).toBeGreaterThan(890);
      expect(reset - Date.now() / 1000).toBeLessThanOrEqual(901);
    } finally {
      await defaults.sim.stop();
    }
  });
});
