/**
 * npm run bench — throughput and latency of the real, authenticated and rate-limited
 * POST /api/v1/twitter, as a ratio to a bare Express endpoint measured in the same run
 * (the machines are shared and noisy: only same-run ratios mean anything).
 *
 * Both servers run as their own processes; autocannon drives them from this process. The API
 * uses the real PostgreSQL and Redis and the X simulator; the tweet is warm in the result
 * cache, so each request does: key lookup (in-process cache) + three Redis rate-limit windows +
 * usage counters + a Redis cache read + the envelope. Limits are raised so nothing is refused.
 */
import autocannon from 'autocannon';
import { createPrisma } from '../../apps/api/src/lib/db/prisma';
import { createKeyService } from '../../apps/api/src/modules/keys/keys.service';
import { createUsersRepository } from '../../apps/api/src/modules/users/users.repository';
import { createXSim } from '../../apps/x-sim/src';
import { REDIS_URL } from '../support/db';
import { deleteRedisPrefix } from '../support/harness';
import { spawnApi, type ApiProcess } from '../support/processes';
import { createBenchDatabase } from './bench-db';

const DURATION = Number(process.env.BENCH_DURATION_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const TWEET_URL = 'https://x.com/sim_video/status/992010';

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(url: string, key: string | null): Promise<Figures> {
  const result = await autocannon({
    url: `${url}/api/v1/twitter`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ url: TWEET_URL }),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const sim = createXSim();
  const { url: simUrl } = await sim.start();
  const db = await createBenchDatabase();
  const prefix = `twdown-bench:${Date.now()}`;
  const prisma = createPrisma(db.url, { maxConnections: 2 });
  const users = createUsersRepository(prisma);
  const keys = createKeyService({ prisma, authCache: { keyChanged: () => undefined }, rotationGraceSeconds: 60 });
  const user = await users.findOrCreate('bench@example.com');
  await users.setComplimentaryPremium(user.id, true);
  const { key } = await keys.create(user.id, 'bench');
  await prisma.$disconnect();

  const procs: ApiProcess[] = [];
  try {
    const apiEnv = {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      X_API_BASE_URL: simUrl,
      X_SYNDICATION_BASE_URL: simUrl,
      LOG_LEVEL: 'info', // 2xx requests log at debug: nothing per request
      RATE_LIMIT_PER_MINUTE: '1000000000',
      RATE_LIMIT_PER_HOUR: '1000000000',
      RATE_LIMIT_PER_DAY: '1000000000',
      X_CACHE_TTL_SECONDS: '3600',
    };
    const api = await spawnApi(apiEnv);
    procs.push(api);
    // the same API with in-process limits (no Redis): shows what the Redis round trip costs
    const apiNoRedis = await spawnApi({ ...apiEnv, REDIS_URL: '' });
    procs.push(apiNoRedis);
    // warm the result cache and measure the real answer's size for a fair baseline
    const warm = await fetch(`${api.url}/api/v1/twitter`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: TWEET_URL }),
    });
    const bytes = (await warm.text()).length;
    if (warm.status !== 200) throw new Error(`warm-up request failed with ${warm.status}`);
    const bare = await spawnApi({ BARE_RESPONSE_BYTES: String(bytes - 40) }, 30_000, 'tests/bench/bare-server.ts');
    procs.push(bare);

    process.stdout.write(`warming up (response ${bytes} bytes, ${CONNECTIONS} connections, ${DURATION}s per run, ${ROUNDS} rounds)…\n`);
    await load(bare.url, null);
    await load(api.url, key);
    await load(apiNoRedis.url, key);
    const bareRuns: Figures[] = [];
    const apiRuns: Figures[] = [];
    const memRuns: Figures[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bareRuns.push(await load(bare.url, null));
      apiRuns.push(await load(api.url, key));
      memRuns.push(await load(apiNoRedis.url, key));
    }
    const b = { rps: median(bareRuns.map((r) => r.rps)), p99: median(bareRuns.map((r) => r.p99)), p50: median(bareRuns.map((r) => r.p50)) };
    const a = { rps: median(apiRuns.map((r) => r.rps)), p99: median(apiRuns.map((r) => r.p99)), p50: median(apiRuns.map((r) => r.p50)) };
    const m = { rps: median(memRuns.map((r) => r.rps)), p99: median(memRuns.map((r) => r.p99)), p50: median(memRuns.map((r) => r.p50)) };
    const non2xx = [...apiRuns, ...memRuns].reduce((n, r) => n + r.non2xx, 0);
    const upstreamCalls = sim.stats().graphqlCalls;

    const rows = [
      ['', 'req/s', 'p50 ms', 'p99 ms'],
      ['bare Express (baseline)', b.rps.toFixed(0), String(b.p50), String(b.p99)],
      ['POST /api/v1/twitter (auth + 3 limits + cache)', a.rps.toFixed(0), String(a.p50), String(a.p99)],
      ['  same, limits in-process (no Redis)', m.rps.toFixed(0), String(m.p50), String(m.p99)],
    ];
    process.stdout.write(`\n${rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(48) : c.padStart(9))).join('')).join('\n')}\n\n`);
    process.stdout.write(`throughput ratio  api/bare = ${(a.rps / b.rps).toFixed(2)}  (target ≥ 0.80)\n`);
    process.stdout.write(`p99 latency ratio api/bare = ${(a.p99 / Math.max(b.p99, 1)).toFixed(2)}  (lower is better)\n`);
    process.stdout.write(`without Redis      api/bare = ${(m.rps / b.rps).toFixed(2)} req/s, p99 ${(m.p99 / Math.max(b.p99, 1)).toFixed(2)}\n`);
    process.stdout.write(`non-2xx answers from the API during the runs: ${non2xx}; upstream GraphQL calls: ${upstreamCalls}\n`);
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await sim.stop();
    await deleteRedisPrefix(REDIS_URL, prefix);
    await db.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
