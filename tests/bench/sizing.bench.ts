/**
 * npm run bench:sizing — the sizing rule of thumb in docs/deploy.md: CPU time per request of
 * the BUILT API (node apps/api/dist/main.js, real PostgreSQL + Redis, the post warm in the
 * cache, auth + 3 rate-limit windows + usage counters), and what that makes per core.
 * The server is pinned to CPU 0 and this process (autocannon) to CPU 1 with taskset; rounds
 * alternate with a bare Express baseline on the same core, and the ratio api/bare is the figure
 * that survives a noisy shared machine. CPU time comes from /proc/<pid>/stat (utime + stime).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { createXSim } from '../../apps/x-sim/src';
import { REDIS_URL } from '../support/db';
import { deleteRedisPrefix } from '../support/harness';
import { spawnServer, type ApiProcess } from '../support/processes';
import { createBenchDatabase, createBenchPremiumKey } from './bench-db';

const ROOT = path.resolve(__dirname, '../..');
const DURATION = Number(process.env.BENCH_DURATION_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TWEET_URL = 'https://x.com/sim_video/status/992010';
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** utime + stime of a process, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

interface Run {
  rps: number;
  requests: number;
  cpuMsPerRequest: number;
  non2xx: number;
}

async function run(server: ApiProcess, key: string | null): Promise<Run> {
  const pid = server.proc.pid ?? 0;
  const before = cpuMs(pid);
  const result = await autocannon({
    url: `${server.url}/api/v1/twitter`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ url: TWEET_URL }),
  });
  const requests = result.requests.total;
  return { rps: result.requests.average, requests, cpuMsPerRequest: (cpuMs(pid) - before) / Math.max(requests, 1), non2xx: result.non2xx };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  spawnSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' }); // the load generator
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const sim = createXSim();
  const { url: simUrl } = await sim.start();
  const db = await createBenchDatabase();
  const prefix = `twdown-bench:${Date.now()}`;
  const key = await createBenchPremiumKey(db.url);

  const procs: ApiProcess[] = [];
  const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production' };
  try {
    const api = await spawnServer({
      command: 'taskset',
      args: ['-c', '0', 'node', '--no-allocation-site-pretenuring', 'apps/api/dist/main.js'], // as npm run start:prod
      cwd: ROOT,
      env: {
        ...baseEnv,
        DATABASE_URL: db.url,
        REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        X_API_BASE_URL: simUrl,
        X_SYNDICATION_BASE_URL: simUrl,
        LOG_LEVEL: 'info',
        RATE_LIMIT_PER_MINUTE: '1000000000',
        RATE_LIMIT_PER_HOUR: '1000000000',
        RATE_LIMIT_PER_DAY: '1000000000',
        X_CACHE_TTL_SECONDS: '3600',
        // required in production (signed download links); any 32+ characters for a bench
        MEDIA_LINK_SECRET: randomBytes(33).toString('base64'),
      },
    });
    procs.push(api);
    const warm = await fetch(`${api.url}/api/v1/twitter`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: TWEET_URL }),
    });
    const bytes = (await warm.text()).length;
    if (warm.status !== 200) throw new Error(`warm-up request failed with ${warm.status}`);
    const bare = await spawnServer({
      command: 'taskset',
      args: ['-c', '0', 'node', '--import', 'tsx', 'tests/bench/bare-server.ts'],
      cwd: ROOT,
      env: { ...baseEnv, BARE_RESPONSE_BYTES: String(bytes - 40) },
    });
    procs.push(bare);

    process.stdout.write(`warming up (${CONNECTIONS} connections, ${DURATION}s per run, ${ROUNDS} alternating rounds; server on CPU 0, load on CPU 1)…\n`);
    await run(bare, null);
    await run(api, key);
    const apiRuns: Run[] = [];
    const bareRuns: Run[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bareRuns.push(await run(bare, null));
      apiRuns.push(await run(api, key));
    }
    const a = { rps: median(apiRuns.map((r) => r.rps)), cpu: median(apiRuns.map((r) => r.cpuMsPerRequest)) };
    const b = { rps: median(bareRuns.map((r) => r.rps)), cpu: median(bareRuns.map((r) => r.cpuMsPerRequest)) };
    const rows = [
      ['', 'req/s', 'CPU ms/req', 'req/s per busy core'],
      ['bare Express (baseline)', b.rps.toFixed(0), b.cpu.toFixed(3), (1000 / b.cpu).toFixed(0)],
      ['built API, POST /api/v1/twitter (cached post)', a.rps.toFixed(0), a.cpu.toFixed(3), (1000 / a.cpu).toFixed(0)],
    ];
    process.stdout.write(`\n${rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(48) : c.padStart(i === 3 ? 22 : 12))).join('')).join('\n')}\n\n`);
    process.stdout.write(`CPU per request ratio api/bare = ${(a.cpu / b.cpu).toFixed(2)}; req/s ratio api/bare = ${(a.rps / b.rps).toFixed(2)}\n`);
    process.stdout.write(`non-2xx answers from the API: ${apiRuns.reduce((n, r) => n + r.non2xx, 0)}\n`);
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
