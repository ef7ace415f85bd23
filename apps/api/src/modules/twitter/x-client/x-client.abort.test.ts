/**
 * One AbortSignal through the whole extraction: the deadline and a caller that goes away stop
 * every X call (retries, fallbacks, token activation), checked on the simulator's counters.
 */
import { createExtractionService } from '../extraction.service';
import type { XClient, XClientConfig } from './x-client';
import { captureLogger, IDS, useSimSuite } from './x-client.test-helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached');
    await sleep(10);
  }
}

/**
 * The warm-up call (it only fetches a guest token) runs under the test's tight deadline too; on a
 * loaded machine it may miss it. It is not what these tests check, so it may try again.
 */
async function warmUp(c: XClient, id: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await c.fetchTweet(id);
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

describe('one AbortSignal through the extraction (against the X simulator)', () => {
  const suite = useSimSuite('x-client-abort');
  const { sim } = suite;
  const client = (overrides: Partial<XClientConfig>): XClient => suite.client({ overrides });

  it('when the deadline passes while X hangs, then 503 comes at once and no X call goes out after it', async () => {
    // Per-attempt timeout 3 s with 2 retries: without cancellation, retries and both fallbacks
    // would keep calling X for seconds after the 503. The deadline leaves a loaded machine time to
    // get the GraphQL call to the simulator before it passes.
    const c = client({ deadlineMs: 800, bodyTimeoutMs: 3_000, maxRetries: 2, retryBaseDelayMs: 20 });
    await warmUp(c, IDS.video); // a guest token, so the hang hits GraphQL itself
    sim.reset();
    sim.faults.hang(50, 'all');
    const started = Date.now();
    await expect(c.fetchTweet(IDS.photos)).rejects.toMatchObject({ code: 'upstream_unavailable', status: 503 });
    expect(Date.now() - started).toBeLessThan(1_800); // the deadline, not the 3 s attempt timeout
    const atAnswer = sim.stats();
    // the hung call is closed by us at the deadline, not left to its attempt timeout (>= 2.2 s on)
    await until(() => sim.stats().hanging === 0, 1_000);
    await sleep(1_500);
    const later = sim.stats();
    expect({ graphql: later.graphqlCalls, syndication: later.syndicationCalls, activations: later.activations }).toEqual({
      graphql: atAnswer.graphqlCalls,
      syndication: atAnswer.syndicationCalls,
      activations: atAnswer.activations,
    });
    expect(later).toMatchObject({ graphqlCalls: 1, syndicationCalls: 0, hangsClosedByClient: 1 });
  });

  it('when the deadline passes during guest-token activation, then the activation is cancelled too', async () => {
    // This client's first call opens the connection and reaches the activation under the deadline;
    // 300 ms was too tight on a loaded CI machine (the activation had not arrived when it passed).
    // Without cancellation the hung activation would last the 5 s body timeout and the retries
    // would follow; the wait below (2 s) would time out.
    const c = client({ deadlineMs: 1_000, bodyTimeoutMs: 5_000, maxRetries: 2, retryBaseDelayMs: 20 });
    sim.faults.hang(50, 'activate');
    await expect(c.fetchTweet(IDS.video)).rejects.toMatchObject({ code: 'upstream_unavailable' });
    await until(() => sim.stats().hanging === 0);
    await sleep(1_000);
    expect(sim.stats()).toMatchObject({ activations: 1, graphqlCalls: 0, syndicationCalls: 0, hangsClosedByClient: 1 });
  });

  it('when the only caller aborts, then the upstream call is aborted', async () => {
    const c = client({ bodyTimeoutMs: 5_000, maxRetries: 2 });
    await c.fetchTweet(IDS.video);
    sim.reset();
    sim.faults.hang(50, 'graphql');
    const caller = new AbortController();
    const pending = c.fetchTweet(IDS.photos, { signal: caller.signal });
    await until(() => sim.stats().hanging === 1);
    caller.abort(new Error('client gone'));
    await expect(pending).rejects.toThrow('client gone');
    await until(() => sim.stats().hangsClosedByClient === 1);
    await sleep(300);
    expect(sim.stats()).toMatchObject({ graphqlCalls: 1, syndicationCalls: 0, hanging: 0 });
    expect(c.circuitState()).toBe('closed');
  });

  it('when one of two coalesced callers leaves, then the shared call goes on; when the last leaves, it stops', async () => {
    const prefix = `${suite.prefix}svc:`;
    const xClient = client({ bodyTimeoutMs: 5_000, maxRetries: 0 });
    const svc = createExtractionService({ xClient, redis: suite.redis, logger: captureLogger(), keyPrefix: prefix });
    sim.faults.hang(1, 'graphql');
    const first = new AbortController();
    const second = new AbortController();
    const a = svc.extract(IDS.video, { signal: first.signal });
    const b = svc.extract(IDS.video, { signal: second.signal });
    await until(() => sim.stats().hanging === 1);
    first.abort(new Error('first gone'));
    await expect(a).rejects.toThrow('first gone');
    await sleep(200);
    expect(sim.stats()).toMatchObject({ hanging: 1, hangsClosedByClient: 0 });
    second.abort(new Error('second gone'));
    await expect(b).rejects.toThrow('second gone');
    await until(() => sim.stats().hangsClosedByClient === 1);
    expect(sim.stats()).toMatchObject({ graphqlCalls: 1, syndicationCalls: 0, hanging: 0 });
  });
});
