import http from 'node:http';
import { spawnApi } from '../support/processes';
import { startHarness, type Harness } from '../support/harness';
import { envelopeProblem } from './envelope';

const GRACE_MS = 3_000;
const TWEET = JSON.stringify({ url: 'https://x.com/sim_video/status/992010' });
const CLIENTS = 6;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_HOUR: '100000', RATE_LIMIT_PER_DAY: '100000' } });
}, 60_000);
afterAll(async () => {
  h.sim.faults.clear();
  await h.close();
});

const serverEnv = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: h.db.url,
  REDIS_URL: h.redisUrl ?? '',
  REDIS_KEY_PREFIX: h.keyPrefix,
  X_API_BASE_URL: h.simUrl,
  X_SYNDICATION_BASE_URL: h.simUrl,
  SHUTDOWN_GRACE_MS: String(GRACE_MS),
  RATE_LIMIT_PER_MINUTE: '100000',
  RATE_LIMIT_PER_HOUR: '100000',
  RATE_LIMIT_PER_DAY: '100000',
  ...extra,
});

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
  type: string | undefined;
}

function send(agent: http.Agent, url: string, key: string, path = '/api/v1/twitter'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, {
      agent,
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(TWEET) },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body, type: res.headers['content-type'] }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(TWEET);
  });
}

it('when SIGTERM arrives while keep-alive clients are busy, then none sees a reset, each is told Connection: close, and the process exits 0', async () => {
  const { key } = await h.createKey();
  h.sim.faults.latency(20, 'graphql'); // every request holds its socket for a moment
  const api = await spawnApi(serverEnv({ X_CACHE_TTL_SECONDS: '1' }));
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const errors: string[] = [];
  const statuses: Record<number, number> = {};
  let toldToClose = 0;
  let afterSignal = 0;
  let signalled = false;
  const client = async () => {
    for (;;) {
      try {
        const a = await send(agent, api.url, key);
        statuses[a.status] = (statuses[a.status] ?? 0) + 1;
        if (signalled) afterSignal++;
        if (a.status >= 400 && envelopeProblem(a.type, a.body)) errors.push(`not an envelope: ${a.body.slice(0, 80)}`);
        if (a.connection === 'close') {
          toldToClose++;
          return; // a well-behaved client does not reuse the connection and goes elsewhere
        }
      } catch (err) {
        errors.push(String((err as NodeJS.ErrnoException).code ?? err));
        return;
      }
    }
  };
  try {
    const clients = Array.from({ length: CLIENTS }, () => client());
    await new Promise((r) => setTimeout(r, 1_500));
    const sentAt = Date.now();
    signalled = true;
    const exited = api.stop('SIGTERM');
    await Promise.all(clients);
    const code = await exited;
    const exitMs = Date.now() - sentAt;
    process.stdout.write(`\ndrain: ${JSON.stringify({ statuses, afterSignal, toldToClose, errors, exitCode: code, exitMs })}\n`);
    expect(errors).toEqual([]);
    expect(toldToClose).toBe(CLIENTS);
    expect(Object.keys(statuses).filter((s) => Number(s) >= 500)).toEqual([]);
    expect(code).toBe(0);
    expect(exitMs).toBeLessThanOrEqual(GRACE_MS + 500);
  } finally {
    agent.destroy();
    h.sim.faults.clear();
    await api.stop('SIGKILL');
  }
}, 60_000);

it('when X hangs during the drain, then the waiting request is answered 503 shutting_down and the process exits 0 within the grace period', async () => {
  const { key } = await h.createKey();
  // X never answers and the extraction deadline is far beyond the grace period
  const api = await spawnApi(serverEnv({ X_REQUEST_DEADLINE_MS: '60000', X_BODY_TIMEOUT_MS: '60000', X_CACHE_TTL_SECONDS: '1' }));
  const agent = new http.Agent({ keepAlive: true });
  h.sim.faults.hang(100, 'all');
  try {
    const stuck = send(agent, api.url, key, '/api/v1/twitter').catch((err: unknown) => ({ error: String((err as NodeJS.ErrnoException).code ?? err) }));
    await new Promise((r) => setTimeout(r, 700)); // the request is now waiting on X
    const sentAt = Date.now();
    const exited = api.stop('SIGTERM');
    const answer = await stuck;
    const code = await exited;
    const exitMs = Date.now() - sentAt;
    process.stdout.write(`\ndrain with X hanging: ${JSON.stringify({ answer: 'status' in answer ? { status: answer.status, connection: answer.connection } : answer, exitCode: code, exitMs })}\n`);
    expect(answer).toMatchObject({ status: 503, connection: 'close' });
    if ('body' in answer) {
      expect(envelopeProblem(answer.type, answer.body)).toBeNull();
      expect(JSON.parse(answer.body)).toMatchObject({ error: { type: 'shutting_down' } });
    }
    expect(code).toBe(0);
    expect(exitMs).toBeLessThanOrEqual(GRACE_MS + 500); // + the signal's way through the tsx launcher
  } finally {
    agent.destroy();
    h.sim.faults.clear();
    await api.stop('SIGKILL');
  }
}, 60_000);
