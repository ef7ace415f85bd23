import { syndicationToken } from './index';
import { BEARER, activate, at, gql, setFaults, startSim, type Running } from './test-helpers';

describe('fault switches', () => {
  let running: Running;
  let token: string;
  beforeEach(async () => {
    running = await startSim();
    token = await activate(running.url);
  });
  afterEach(() => running.sim.stop());

  const activateStatus = async () =>
    (await fetch(`${running.url}/1.1/guest/activate.json`, { method: 'POST', headers: { authorization: BEARER } })).status;
  const syndicationStatus = async () => (await fetch(`${running.url}/tweet-result?id=992007&token=${syndicationToken('992007')}`)).status;

  it('when latency is set, then every simulated route answers that much later', async () => {
    running.sim.faults.latency(150);
    const started = Date.now();
    await gql(running.url, '992007', { token });
    await activateStatus();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('when N 429s are queued for graphql, then exactly the next N GraphQL answers are 429 and others are untouched', async () => {
    running.sim.faults.rateLimit(2, 'graphql');
    expect(await activateStatus()).toBe(200);
    const first = await gql(running.url, '992007', { token });
    expect(first.status).toBe(429);
    expect(at(await first.json(), 'errors', 0, 'code')).toBe(88);
    expect(first.headers.get('x-rate-limit-remaining')).toBe('0');
    expect((await gql(running.url, '992007', { token })).status).toBe(429);
    expect((await gql(running.url, '992007', { token })).status).toBe(200);
    expect(running.sim.stats()).toMatchObject({ rateLimited: 2, faultsInjected: 2 });
  });

  it('when a token is forbidden, then only that token gets 403 until reset', async () => {
    const other = await activate(running.url);
    running.sim.faults.forbidToken(token);
    const res = await gql(running.url, '992007', { token });
    expect(res.status).toBe(403);
    expect(at(await res.json(), 'errors', 0, 'code')).toBe(239);
    expect((await gql(running.url, '992007', { token: other })).status).toBe(200);
  });

  it('when N 403s are queued for activate, then activation is refused N times', async () => {
    running.sim.faults.forbidden(1, 'activate');
    expect(await activateStatus()).toBe(403);
    expect(await activateStatus()).toBe(200);
  });

  it('when 5xx are queued, then the next answers carry that status', async () => {
    running.sim.faults.serverError(1, 'syndication', 502);
    running.sim.faults.serverError(1, 'all');
    expect(await syndicationStatus()).toBe(502);
    expect((await gql(running.url, '992007', { token })).status).toBe(503);
    expect(await syndicationStatus()).toBe(200);
  });

  it('when a hang is queued, then the request never answers while the next one does', async () => {
    running.sim.faults.hang(1, 'graphql');
    await expect(gql(running.url, '992007', { token }, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await gql(running.url, '992007', { token })).status).toBe(200);
  });

  it('when a client gives up on a hanging request, then stats count it; a reset releasing one does not', async () => {
    running.sim.faults.hang(2, 'graphql');
    await expect(gql(running.url, '992007', { token }, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    const started = Date.now();
    while (running.sim.stats().hangsClosedByClient === 0 && Date.now() - started < 2_000) await new Promise((r) => setTimeout(r, 10));
    expect(running.sim.stats()).toMatchObject({ hangsClosedByClient: 1, hanging: 0 });
    const pending = gql(running.url, '992007', { token }).catch(() => undefined);
    while (running.sim.stats().hanging === 0 && Date.now() - started < 2_000) await new Promise((r) => setTimeout(r, 10));
    running.sim.reset();
    await pending;
    expect(running.sim.stats()).toMatchObject({ hangsClosedByClient: 0, hanging: 0 });
  });

  it('when a request is hanging and the simulator stops, then the socket is closed', async () => {
    running.sim.faults.hang(1, 'all');
    const pending = gql(running.url, '992007', { token });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await running.sim.stop();
    await expect(pending).rejects.toThrow();
  });

  it('when truncation is queued, then the body is cut and is not valid JSON', async () => {
    running.sim.faults.truncate(1, 'graphql');
    const res = await gql(running.url, '992010', { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const text = await res.text();
    expect(text.startsWith('{"data":{"tweetResult":{"result":')).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('when HTML is queued, then an HTML page comes back instead of JSON', async () => {
    running.sim.faults.html(1, 'syndication', 403);
    const res = await fetch(`${running.url}/tweet-result?id=992007&token=${syndicationToken('992007')}`);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/^<!DOCTYPE html>/);
  });

  describe('over HTTP', () => {
    it('when faults are posted, then they apply and GET /__sim/faults shows what is queued', async () => {
      const posted = await setFaults(running.url, { rateLimit: { count: 1, target: 'graphql' }, serverError: 2, latencyMs: 5 });
      expect(posted.status).toBe(200);
      const snapshot = await (await fetch(`${running.url}/__sim/faults`)).json();
      expect(snapshot).toMatchObject({
        latencyMs: 5,
        queued: [
          { kind: 'serverError', remaining: 2, target: 'all' },
          { kind: 'rateLimit', remaining: 1, target: 'graphql' },
        ],
      });
      // Higher-priority faults fire first: two 5xx, then the 429.
      expect((await gql(running.url, '992007', { token })).status).toBe(503);
      expect((await gql(running.url, '992007', { token })).status).toBe(503);
      expect((await gql(running.url, '992007', { token })).status).toBe(429);
      expect((await gql(running.url, '992007', { token })).status).toBe(200);
    });

    it('when forbiddenTokens, hang, truncated and html are posted, then they are accepted', async () => {
      const res = await setFaults(running.url, {
        forbiddenTokens: [token],
        hang: { count: 1, target: 'activate' },
        truncated: { count: 1, target: 'syndication' },
        html: { count: 1, target: 'graphql', status: 200 },
      });
      expect(res.status).toBe(200);
      expect((await gql(running.url, '992007', { token })).headers.get('content-type')).toMatch(/text\/html/);
      expect(await syndicationStatus()).toBe(200);
    });

    it('when an invalid fault body is posted, then it answers 400 and changes nothing', async () => {
      for (const body of [{ rateLimit: { count: -1 } }, { nope: 1 }, { hang: { count: 1, target: 'web' } }, [1]]) {
        expect((await setFaults(running.url, body)).status).toBe(400);
      }
      expect(running.sim.faults.snapshot().queued).toEqual([]);
    });

    it('when /__sim/reset is posted, then faults, tokens and counters are cleared', async () => {
      await setFaults(running.url, { serverError: 5 });
      const reset = await fetch(`${running.url}/__sim/reset`, { method: 'POST' });
      expect(await reset.json()).toMatchObject({ activations: 0, graphqlCalls: 0, validTokens: 0 });
      expect(running.sim.faults.snapshot().queued).toEqual([]);
      expect((await gql(running.url, '992007', { token })).status).toBe(403);
    });

    it('when /__sim/stats is read, then it reports every counter the benchmarks use', async () => {
      await gql(running.url, '992007', { token });
      await syndicationStatus();
      await fetch(`${running.url}/media/pbs.twimg.com/media/Sim992011000000000001.jpg`, { method: 'HEAD' });
      expect(await (await fetch(`${running.url}/__sim/stats`)).json()).toEqual({
        activations: 1,
        graphqlCalls: 1,
        graphqlCallsByTweetId: { '992007': 1 },
        syndicationCalls: 1,
        broadcastCalls: 0,
        mediaRequests: 1,
        rateLimited: 0,
        faultsInjected: 0,
        hangsClosedByClient: 0,
        hanging: 0,
        validTokens: 1,
      });
    });
  });
});
