import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { spawnApi } from '../support/processes';
import { startHarness, type Harness } from '../support/harness';

const ROOT = path.resolve(__dirname, '../..');
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('the server process', () => {
  it('when a variable has a bad value, then it exits non-zero at boot naming the variable', () => {
    const res = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['apps/api/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', PORT: 'eighty', X_API_BASE_URL: 'not-a-url' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/PORT/);
    expect(res.stderr).toMatch(/X_API_BASE_URL/);
    expect(res.stderr).not.toMatch(/at .+\.ts:\d+/); // a message, not a stack trace
  });

  it('when SIGTERM arrives during a request, then the request completes and the process exits 0', async () => {
    const { key } = await h.createKey();
    h.sim.faults.latency(1500, 'graphql');
    const api = await spawnApi({
      DATABASE_URL: h.db.url,
      ...h.redisEnv,
      REDIS_KEY_PREFIX: h.keyPrefix,
      X_API_BASE_URL: h.simUrl,
      X_SYNDICATION_BASE_URL: h.simUrl,
    });
    try {
      const activationsBefore = h.sim.stats().activations;
      const inFlight = fetch(`${api.url}/api/v1/twitter`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ url: 'https://x.com/sim_video/status/992010' }),
      });
      // the request is waiting on X once the fresh process has activated its guest token
      // (then it sleeps in the simulator's 1.5 s GraphQL latency); a fixed sleep raced under load
      while (h.sim.stats().activations === activationsBefore) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      const exited = api.stop('SIGTERM');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: { statusId: string } }).data.statusId).toBe('992010');
      expect(await exited).toBe(0);
      expect(api.output.join('\n')).toMatch(/shutting down/);
    } finally {
      h.sim.faults.clear();
      await api.stop();
    }
  });
});
