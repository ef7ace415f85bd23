/**
 * WEB_CONCURRENCY: one primary forks that many workers sharing the port (node:cluster); SIGTERM
 * to the primary shuts every worker down gracefully and exits 0.
 */
import http from 'node:http';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startHarness, type Harness } from '../support/harness';
import { spawnApi, type ApiProcess } from '../support/processes';
import { sample } from '../support/prom-text';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
const VIDEO = JSON.stringify({ url: 'https://x.com/sim_video/status/992010' });

/** One request on its own connection (the cluster balances connections, not requests). */
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    }).once('error', reject);
  });
}

interface LogLine {
  pid?: number;
  msg?: string;
  path?: string;
}
const logLines = (api: ApiProcess): LogLine[] =>
  api.output.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
const pidsThat = (api: ApiProcess, test: (l: LogLine) => boolean) => new Set(logLines(api).filter(test).map((l) => l.pid));

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('WEB_CONCURRENCY workers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const env = () => ({
    DATABASE_URL: h.db.url,
    REDIS_URL: h.redisUrl ?? '',
    REDIS_KEY_PREFIX: h.keyPrefix,
    X_API_BASE_URL: h.simUrl,
    X_SYNDICATION_BASE_URL: h.simUrl,
    WEB_CONCURRENCY: '2',
    LOG_LEVEL: 'debug',
  });

  it('when WEB_CONCURRENCY=2, then two workers share the port, both serve, a dead one is replaced, and SIGTERM stops all gracefully with exit 0', async () => {
    const { key } = await h.createKey();
    const api = await spawnApi(env(), 60_000);
    try {
      const listening = () => pidsThat(api, (l) => /listening on/.test(l.msg ?? ''));
      await until(() => listening().size === 2, 'two workers listening');
      const primaryPid = api.proc.pid;
      expect(listening().has(primaryPid)).toBe(false); // the primary only supervises

      for (let i = 0; i < 12; i++) expect(await get(`${api.url}/healthz`)).toBe(200);
      expect(pidsThat(api, (l) => l.path === '/healthz').size).toBe(2);

      // a worker that dies while serving is replaced
      const [victim] = [...listening()];
      process.kill(victim ?? 0, 'SIGKILL');
      await until(() => listening().size === 3, 'a replacement worker');
      expect(await get(`${api.url}/healthz`)).toBe(200);

      // SIGTERM during a slow request: it completes, every worker stops, the primary exits 0
      h.sim.faults.latency(1500, 'graphql');
      const activationsBefore = h.sim.stats().activations;
      const inFlight = fetch(`${api.url}/api/v1/twitter`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: VIDEO,
      });
      // the request is waiting on X once the fresh process has activated its guest token
      // (then it sleeps in the simulator's 1.5 s GraphQL latency); a fixed sleep raced under load
      while (h.sim.stats().activations === activationsBefore) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      const exited = api.stop('SIGTERM');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await exited).toBe(0);
      const alive = [...listening()].filter((pid) => pid !== victim);
      expect(pidsThat(api, (l) => l.msg === 'bye')).toEqual(new Set(alive));
      expect(logLines(api).some((l) => l.msg === 'all workers stopped')).toBe(true);
    } finally {
      h.sim.faults.clear();
      await api.stop('SIGKILL');
    }
  });

  it('when WEB_CONCURRENCY=2, then /metrics (on whichever worker answers) counts the requests of both workers', async () => {
    const token = 'metrics-test-token';
    const api = await spawnApi({ ...env(), METRICS_TOKEN: token }, 60_000);
    try {
      const listening = () => pidsThat(api, (l) => /listening on/.test(l.msg ?? ''));
      await until(() => listening().size === 2, 'two workers listening');
      // one connection per request: the primary hands connections to the workers in turn
      const SENT = 20;
      for (let i = 0; i < SENT; i++) expect(await get(`${api.url}/healthz`)).toBe(200);
      await until(() => logLines(api).filter((l) => l.path === '/healthz').length === SENT, 'every request logged');
      const served = pidsThat(api, (l) => l.path === '/healthz');
      expect(served.size).toBe(2); // both workers served a share, neither all
      const counted: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${api.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
        counted.push(sample(await res.text(), 'twdown_http_requests_total', { method: 'GET', route: '/healthz', status: '200' }) ?? 0);
      }
      // each scrape (served by either worker) reports all 20
      expect(counted).toEqual([SENT, SENT, SENT, SENT]);
    } finally {
      await api.stop('SIGKILL');
    }
  });

  it('when WEB_CONCURRENCY>1 without DATABASE_URL, then it refuses at boot with a clear message (the embedded database serves one process)', () => {
    const res = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['apps/api/src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, WEB_CONCURRENCY: '2', PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/WEB_CONCURRENCY > 1 needs DATABASE_URL/);
  });
});
