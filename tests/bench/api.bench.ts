/**
 * npm run bench — throughput, latency and CPU time per request of the real, authenticated and
 * rate-limited POST /api/v1/twitter, as ratios to a bare Express endpoint measured in the same
 * run (the machines are shared and noisy: only same-run ratios mean anything).
 *
 * Fairness on a small machine:
 * - each server is its own process pinned to one core (`taskset -c BENCH_SERVER_CPU`, default 1),
 *   and this process (autocannon, the load generator) is pinned to another (BENCH_LOAD_CPU,
 *   default 0), so the generator never steals the server's core;
 * - rounds alternate (bare, API, bare, API…) so drift in the machine's load hits both alike;
 *   the median and the spread (min–max) of the rounds are printed;
 * - each server reports its own CPU time (process.cpuUsage(), over IPC from a bench-only
 *   preload, tests/bench/cpu-probe.cjs): CPU µs per request is the figure least disturbed by
 *   other work on the machine.
 *
 * The API is measured as it ships: built (`tsc -p apps/api/tsconfig.build.json`, as in
 * `npm run build`) and run with plain node and the node flags of `npm run start:prod` (read from
 * package.json, as the image runs it). BENCH_API_SOURCE=1 runs the
 * TypeScript source under tsx instead (`npm start`): tsx's loader thread adds ~40 MB of RSS, and
 * its esbuild output names every function created at run time (`__name(...)`), a few µs per request.
 *
 * The API uses the real PostgreSQL and Redis and the X simulator; the tweet is warm in the result
 * cache, so each request does: key lookup (in-process cache) + the three rate-limit windows in
 * Redis + usage counters + the cached result + the envelope and headers. Limits are raised so
 * nothing is refused. BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each server (node
 * --cpu-prof) for reading where the time goes. BENCH_NO_REDIS=1 adds the API without Redis.
 * BENCH_API_NODE_FLAGS passes extra node flags to the API (e.g. heap sizing experiments).
 * BENCH_COMPARE_ROOT=<checkout>[,<checkout>…] adds those revisions' APIs to every round (same-run
 * before/after, or one experiment per checkout).
 * BENCH_COMPARE_FLAGS='<flags>[;<flags>…]' adds this revision's API run with those node flags
 * (e.g. `--max-semi-space-size=8`), one server per entry, to every round.
 * A second baseline row, "bare Express, req/res born with its prototypes", runs the same bare app
 * on a server that creates requests and responses with Express's prototypes, as the API's
 * createHttpServer does (Express's per-request Object.setPrototypeOf then changes nothing). It is
 * not a target: it shows what our pipeline costs over Express once neither pays that.
 * The warm-up answer is checked (code 0 with the post's videos) before any load.
 * The last lines print each target of issue 11 with its verdict (met / MISSED).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';
import { createXSim } from '../../apps/x-sim/src';
import { REDIS_URL } from '../support/db';
import { deleteRedisPrefix } from '../support/harness';
import { createBenchDatabase, createBenchPremiumKey } from './bench-db';

const DURATION = Number(process.env.BENCH_DURATION_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SERVER_CPU = process.env.BENCH_SERVER_CPU ?? '1';
const LOAD_CPU = process.env.BENCH_LOAD_CPU ?? '0';
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;
const WITH_NO_REDIS = process.env.BENCH_NO_REDIS === '1';
/** A checkout of another revision (with node_modules): its API runs in the same rounds, for before/after. */
const COMPARE_ROOTS = (process.env.BENCH_COMPARE_ROOT ?? '').split(',').filter(Boolean);
const COMPARE_FLAGS = (process.env.BENCH_COMPARE_FLAGS ?? '').split(';').filter(Boolean);
const API_FROM_SOURCE = process.env.BENCH_API_SOURCE === '1';
const API_ENTRY = API_FROM_SOURCE ? 'apps/api/src/main.ts' : 'apps/api/dist/main.js';
const PROBE = path.resolve(__dirname, 'cpu-probe.cjs');
const TWEET_URL = 'https://x.com/sim_video/status/992010';
const ROOT = path.resolve(__dirname, '../..');

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  cpuMicrosPerRequest: number;
  /** the part of it spent in the kernel (sockets: the HTTP answer, Redis round trips) */
  systemMicrosPerRequest: number;
  /** the server's RSS at the end of this run, before any idle time lets V8 shrink its heap */
  rss: number;
}

interface Probe {
  cpuMicros: number;
  systemMicros: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
}

interface Server {
  name: string;
  url: string;
  proc: ChildProcess;
  probe(msg?: 'cpu' | 'gc'): Promise<Probe>;
  stop(): Promise<void>;
}

/** The targets of issue 11; the last lines of the output say whether each was met. */
const TARGETS = { rpsRatio: 0.8, p99Ratio: 1.5, rssMb: 200 };

/** Compiles the API of a checkout as `npm run build` does (incremental: quick when unchanged). */
function buildApi(root: string): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'apps/api/tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

/**
 * The node flags of a checkout's `npm run start:prod` (the image's CMD is the same command, see
 * tests/prod/built-server.test.ts), so the built API is measured with the flags it ships with.
 */
function startProdFlags(root: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const words = (pkg.scripts?.['start:prod'] ?? '').split(/\s+/);
  const entry = words.indexOf('apps/api/dist/main.js');
  return words[0] === 'node' && entry > 0 ? words.slice(1, entry) : [];
}

/**
 * Starts a server script as its own process on SERVER_CPU, with the CPU probe preloaded.
 * TypeScript scripts run under tsx; the built API (.js) under plain node.
 */
async function startServer(name: string, script: string, env: Record<string, string>, cwd = ROOT, flags = process.env.BENCH_API_NODE_FLAGS): Promise<Server> {
  const nodeArgs = [
    ...(name.startsWith('api') && !API_FROM_SOURCE ? startProdFlags(cwd) : []),
    ...(name.startsWith('api') && flags ? flags.split(' ').filter(Boolean) : []),
    ...(CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.join(CPU_PROF_DIR, name)}`] : []),
    ...(script.endsWith('.ts') ? ['--import', 'tsx'] : []),
    '--require',
    PROBE,
    script,
  ];
  const proc = spawn('taskset', ['-c', SERVER_CPU, process.execPath, ...nodeArgs], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output.join('\n')}`)), 60_000);
    const onLine = (line: string) => {
      output.push(line);
      const m = /listening on (http:\/\/localhost:\d+)/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1].replace('localhost', '127.0.0.1'));
      }
    };
    if (proc.stdout) readline.createInterface({ input: proc.stdout }).on('line', onLine);
    if (proc.stderr) readline.createInterface({ input: proc.stderr }).on('line', onLine);
    void exited.then(() => reject(new Error(`${name} exited:\n${output.join('\n')}`)));
  });
  return {
    name,
    url,
    proc,
    probe: (msg = 'cpu') =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no CPU probe answer`)), 5000);
        proc.once('message', (answer: Probe) => {
          clearTimeout(timer);
          resolve(answer);
        });
        proc.send(msg);
      }),
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

async function load(server: Server, key: string | null): Promise<Figures> {
  const before = await server.probe();
  const result = await autocannon({
    url: `${server.url}/api/v1/twitter`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ url: TWEET_URL }),
  });
  const after = await server.probe();
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / Math.max(1, result.requests.total),
    systemMicrosPerRequest: (after.systemMicros - before.systemMicros) / Math.max(1, result.requests.total),
    rss: after.rss,
  };
}

/** The highest RSS the process ever had (VmHWM), in bytes; NaN where /proc is missing. */
function peakRss(server: Server): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${server.proc.pid ?? 0}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function summary(runs: Figures[]) {
  const pick = (f: (r: Figures) => number) => {
    const xs = runs.map(f);
    return { med: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
  };
  return {
    rps: pick((r) => r.rps),
    p50: pick((r) => r.p50),
    p99: pick((r) => r.p99),
    cpu: pick((r) => r.cpuMicrosPerRequest),
    sys: pick((r) => r.systemMicrosPerRequest),
    /** the highest end-of-run RSS over the rounds */
    rssMax: Math.max(...runs.map((r) => r.rss)),
  };
}

async function main(): Promise<void> {
  // the load generator stays off the servers' core (every thread of this process)
  execFileSync('taskset', ['-acp', LOAD_CPU, String(process.pid)], { stdio: 'ignore' });
  if (!API_FROM_SOURCE) {
    buildApi(ROOT);
    for (const root of COMPARE_ROOTS) buildApi(root);
  }
  const sim = createXSim();
  const { url: simUrl } = await sim.start();
  const db = await createBenchDatabase();
  const prefix = `twdown-bench:${Date.now()}`;
  const key = await createBenchPremiumKey(db.url);

  const servers: Server[] = [];
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
    const api = await startServer('api', API_ENTRY, apiEnv);
    servers.push(api);
    const apiNoRedis = WITH_NO_REDIS ? await startServer('api-no-redis', API_ENTRY, { ...apiEnv, REDIS_URL: '' }) : null;
    if (apiNoRedis) servers.push(apiNoRedis);
    const others: Server[] = [];
    for (const [i, root] of COMPARE_ROOTS.entries()) {
      others.push(await startServer(`api-compare-${i}`, API_ENTRY, { ...apiEnv, REDIS_KEY_PREFIX: `${prefix}:compare${i}` }, root));
    }
    for (const [i, flags] of COMPARE_FLAGS.entries()) {
      others.push(await startServer(`api-flags-${i}`, API_ENTRY, { ...apiEnv, REDIS_KEY_PREFIX: `${prefix}:flags${i}` }, ROOT, flags));
    }
    const compareNames = [...COMPARE_ROOTS, ...COMPARE_FLAGS.map((f) => `same, node ${f}`)];
    servers.push(...others);
    // warm the result cache and measure the real answer's size for a fair baseline
    const warm = await fetch(`${api.url}/api/v1/twitter`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: TWEET_URL }),
    });
    const text = await warm.text();
    const bytes = text.length;
    if (warm.status !== 200) throw new Error(`warm-up request failed with ${warm.status}`);
    const answer = JSON.parse(text) as { code?: number; data?: { videos?: unknown[] } };
    if (answer.code !== 0 || !answer.data?.videos?.length) throw new Error(`warm-up answer is not the post's videos: ${text.slice(0, 200)}`);
    const bare = await startServer('bare', 'tests/bench/bare-server.ts', { BARE_RESPONSE_BYTES: String(bytes - 40) });
    servers.push(bare);
    const bareBorn = await startServer('bare-born', 'tests/bench/bare-server.ts', { BARE_RESPONSE_BYTES: String(bytes - 40), BARE_BORN: '1' });
    servers.push(bareBorn);

    process.stdout.write(
      `API: ${API_FROM_SOURCE ? 'TypeScript source under tsx (BENCH_API_SOURCE=1)' : 'built, plain node (npm run start:prod)'}; ` +
        `servers on CPU ${SERVER_CPU}, load generator on CPU ${LOAD_CPU}; response ${bytes} bytes, ${CONNECTIONS} connections, ` +
        `${DURATION}s per run, ${ROUNDS} alternating rounds (after one warm-up run each)\n`,
    );
    const atStart = await api.probe();
    const apiRssAtStart = atStart.rss;
    if (process.env.BENCH_HEAP) process.stdout.write(`  api at start ${JSON.stringify(atStart)}\n`);
    await load(bare, null);
    await load(bareBorn, null);
    await load(api, key);
    if (apiNoRedis) await load(apiNoRedis, key);
    for (const other of others) await load(other, key);
    const bareRuns: Figures[] = [];
    const bornRuns: Figures[] = [];
    const otherRuns: Figures[][] = others.map(() => []);
    const apiRuns: Figures[] = [];
    const memRuns: Figures[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bareRuns.push(await load(bare, null));
      apiRuns.push(await load(api, key));
      bornRuns.push(await load(bareBorn, null));
      if (apiNoRedis) memRuns.push(await load(apiNoRedis, key));
      for (const [j, other] of others.entries()) otherRuns[j]?.push(await load(other, key));
      const last = (runs: Figures[]) => runs[runs.length - 1];
      const line = (n: string, r: Figures | undefined) =>
        r ? ` ${n} ${r.rps.toFixed(0)} req/s p99 ${r.p99} ms ${r.cpuMicrosPerRequest.toFixed(0)} µs CPU/req;` : '';
      process.stdout.write(`round ${i + 1}:${line('bare', last(bareRuns))}${line('api', last(apiRuns))}${line('bare-born', last(bornRuns))}${line('no-redis', last(memRuns))}${otherRuns.map((runs, j) => line(`compare${j}`, last(runs))).join('')}\n`);
      if (process.env.BENCH_HEAP) process.stdout.write(`  api heap ${JSON.stringify(await api.probe())} after gc ${JSON.stringify(await api.probe('gc'))}\n`);
    }
    const { rss: apiRss, heapTotal: apiHeap } = await api.probe();
    const b = summary(bareRuns);
    const bb = summary(bornRuns);
    const a = summary(apiRuns);
    const m = memRuns.length ? summary(memRuns) : null;
    const os = otherRuns.map((runs) => summary(runs));
    const non2xx = [...apiRuns, ...memRuns].reduce((n, r) => n + r.non2xx, 0);
    const upstreamCalls = sim.stats().graphqlCalls;

    const spread = (s: { med: number; min: number; max: number }, digits = 0) =>
      `${s.med.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
    const rows = [
      ['median (min–max) over rounds', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'of it kernel'],
      ['bare Express (baseline)', spread(b.rps), spread(b.p50), spread(b.p99), spread(b.cpu), spread(b.sys)],
      ['POST /api/v1/twitter (auth + 3 limits + cache)', spread(a.rps), spread(a.p50), spread(a.p99), spread(a.cpu), spread(a.sys)],
      ['  bare Express, req/res born with its prototypes', spread(bb.rps), spread(bb.p50), spread(bb.p99), spread(bb.cpu), spread(bb.sys)],
      ...(m ? [['  same, limits in-process (no Redis)', spread(m.rps), spread(m.p50), spread(m.p99), spread(m.cpu), spread(m.sys)]] : []),
      ...os.map((o, j) => [`  ${compareNames[j] ?? ''}`.slice(-47), spread(o.rps), spread(o.p50), spread(o.p99), spread(o.cpu), spread(o.sys)]),
    ];
    process.stdout.write(`\n${rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(48) : c.padStart(20))).join('')).join('\n')}\n\n`);
    const rpsRatio = a.rps.med / b.rps.med;
    const p99Ratio = a.p99.med / Math.max(b.p99.med, 1);
    // The target is read at the end of the API's own runs: the figure after the other servers'
    // runs depends on how long the API then sat idle (V8's memory reducer shrinks an idle heap:
    // 121 MB after three other runs, 258-274 MB after one, in runs of the same revision).
    const rssMb = a.rssMax / 1024 / 1024;
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
    process.stdout.write(`CPU per request   api/bare = ${(a.cpu.med / b.cpu.med).toFixed(2)}  (${a.cpu.med.toFixed(0)} vs ${b.cpu.med.toFixed(0)} µs)\n`);
    // not a target: what our pipeline costs over Express when both skip the per-request setPrototypeOf
    process.stdout.write(
      `against bare Express with born prototypes (not a target): req/s ${(a.rps.med / bb.rps.med).toFixed(2)}, p99 ${(a.p99.med / Math.max(bb.p99.med, 1)).toFixed(2)}, CPU ${(a.cpu.med / bb.cpu.med).toFixed(2)} (${a.cpu.med.toFixed(0)} vs ${bb.cpu.med.toFixed(0)} µs)\n`,
    );
    for (const [j, o] of os.entries()) {
      const other = others[j];
      process.stdout.write(
        `${compareNames[j] ?? ''} api/bare = ${(o.rps.med / b.rps.med).toFixed(2)} req/s, p99 ${(o.p99.med / Math.max(b.p99.med, 1)).toFixed(2)}, CPU ${(o.cpu.med / b.cpu.med).toFixed(2)}; RSS at the end of a run ${mb(o.rssMax)} (peak ${other ? mb(peakRss(other)) : '?'})\n`,
      );
    }
    if (m) process.stdout.write(`without Redis      api/bare = ${(m.rps.med / b.rps.med).toFixed(2)} req/s, p99 ${(m.p99.med / Math.max(b.p99.med, 1)).toFixed(2)}\n`);
    process.stdout.write(
      `API RSS at the end of a run ${mb(a.rssMax)} (highest of the rounds; peak ${mb(peakRss(api))}; ${mb(apiRssAtStart)} before the load; ` +
        `after the other servers' last runs ${mb(apiRss)}, V8 heap ${mb(apiHeap)}); bare Express at the end of a run ${mb(b.rssMax)}\n`,
    );
    process.stdout.write(`upstream GraphQL calls: ${upstreamCalls} (the post stays cached)\n`);
    for (const [j, runs] of otherRuns.entries()) process.stdout.write(`non-2xx answers from ${compareNames[j] ?? ''}: ${runs.reduce((x, r) => x + r.non2xx, 0)}\n`);
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const checks: Array<[string, string, boolean]> = [
      [`throughput api/bare ${rpsRatio.toFixed(2)}`, `≥ ${TARGETS.rpsRatio.toFixed(2)}`, rpsRatio >= TARGETS.rpsRatio],
      [`p99 latency api/bare ${p99Ratio.toFixed(2)}`, `≤ ${TARGETS.p99Ratio.toFixed(2)}`, p99Ratio <= TARGETS.p99Ratio],
      [`non-2xx answers ${non2xx}`, '= 0', non2xx === 0],
      [`API RSS at the end of a run ${rssMb.toFixed(0)} MB`, `≤ ${TARGETS.rssMb} MB`, rssMb <= TARGETS.rssMb],
    ];
    process.stdout.write(`\ntargets (issue 11, same-run medians):\n`);
    for (const [what, target, ok] of checks) process.stdout.write(`  ${what.padEnd(40)} target ${target.padEnd(10)} ${verdict(ok)}\n`);
    process.stdout.write(`verdict: ${checks.every(([, , ok]) => ok) ? 'all targets met' : `${checks.filter(([, , ok]) => !ok).length} target(s) missed`}\n`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await sim.stop();
    await deleteRedisPrefix(REDIS_URL, prefix);
    await db.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
