/**
 * Drill 6 (issue 10): generated requests (bodies, headers, URLs, methods, encodings, raw bytes)
 * against every public route of a real server PROCESS, with its memory watched. The generator is
 * the one of the issue-7 fuzz test (tests/resilience/fuzz-generator.ts); that test runs 10,000
 * requests in-process, this drill runs DRILL_FUZZ_REQUESTS against `main.ts`.
 * Default 20,000, not the 100,000: on this 2-core machine a request costs ~0.9 ms of
 * server CPU and ~0.55 ms of client CPU (measured in a 100,000 run: 88 s + 56 s), so 100,000 need
 * at least 72 s with both cores fully ours, and took 177 s on the shared machine; 20,000 fit in
 * under a minute even while other jobs load it (25,000 took 67 s then). DRILL_FUZZ_REQUESTS=100000 runs the full count (docs/drills.md has its figures).
 * The slowest drill, with drill 1.
 * Promise: no answer is a 5xx, every error answer is the JSON envelope, and memory is bounded:
 * the server's RSS measured after a full garbage collection (the test-only preload
 * tests/support/mem-probe.ts) grows by less than RSS_GROWTH_BOUND_MIB from the first tenths to the
 * last (medians of three), and its live heap by less than HEAP_GROWTH_BOUND_MIB after the warm-up
 * tenth (docs/drills.md says why these).
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { signUp } from '../accounts/dashboard-client';
import { standinEnv, startStripeStandin, type StripeStandin } from '../support/stripe-standin';
import type { ApiProcess } from '../support/processes';
import { sendFuzzHttp, sendFuzzRaw, type FuzzOutcome } from '../resilience/fuzz-client';
import { httpRequest, prng, rawRequest, type Secrets } from '../resilience/fuzz-generator';
import { report, sleep, startFleet, type Fleet } from './fleet';

const TOTAL = Number(process.env.DRILL_FUZZ_REQUESTS ?? 20_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const CONCURRENCY = Number(process.env.DRILL_FUZZ_CONCURRENCY ?? 32);
const RAW_SHARE = 0.03;
/** the run is cut in this many phases; the first is the warm-up, memory is measured after each */
const PHASES = 10;
const MIB = 1024 * 1024;
/**
 * Growth of the settled (post-GC) RSS over the run: the median of the last three tenths minus the
 * median of the first three. Settled RSS moves by up to ±40 MiB between single tenths with no
 * trend (allocator pages V8 has not returned; one CI run read 217 MiB after the warm-up tenth and
 * 273–295 after the next ones), so single figures are not compared; the medians of three move by
 * less than 20 MiB, and the bound sits above that. A native or Buffer leak of 700 bytes a request
 * over the 70,000 requests between the medians (a 100,000 run) fails it; the heap bound below is
 * the finer leak detector.
 */
const RSS_GROWTH_BOUND_MIB = 48;
/**
 * Growth of the live heap (heapUsed after a full GC) over the same span: a leak shows here first.
 * Measured flat within ±1 MiB over 100,000 requests (the caches are bounded and full after the
 * warm-up); 8 MiB is a leak of ~90 bytes a request over 90,000, ~470 over the default 18,000.
 */
const HEAP_GROWTH_BOUND_MIB = 8;

let fleet: Fleet;
let stripe: StripeStandin;
let secrets: Secrets;
beforeAll(async () => {
  stripe = await startStripeStandin();
  // limits high enough that the generated load is judged on its input, not on 429s
  fleet = await startFleet(1, {
    harness: { env: standinEnv(stripe) },
    env: { ...standinEnv(stripe), RATE_LIMIT_PER_MINUTE: '100000000', RATE_LIMIT_PER_HOUR: '100000000', RATE_LIMIT_PER_DAY: '100000000' },
    // DRILL_FUZZ_NODE_ARGS: more flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it
    nodeArgs: ['--expose-gc', '--import', './tests/support/mem-probe.ts', ...(process.env.DRILL_FUZZ_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
  });
  const base = fleet.apis[0]?.url ?? '';
  const premium = await fleet.h.createKey();
  const free = await fleet.h.createKey({ premium: false });
  const revoked = await fleet.h.createKey();
  await fleet.h.container.keys.revoke(revoked.userId, revoked.keyId);
  // a verified session (sign-up mails a link; the harness's SMTP sink reads it), valid on every process
  const browser = await signUp(fleet.h);
  secrets = { premiumKey: premium.key, freeKey: free.key, revokedKey: revoked.key, sessionCookie: browser.cookie, csrf: browser.csrf, origin: base, sign: (p) => stripe.sign(p) };
}, 90_000);
afterAll(async () => {
  // a graceful exit, so that a profile asked for with DRILL_FUZZ_NODE_ARGS gets written
  if (process.env.DRILL_FUZZ_NODE_ARGS) await fleet.apis[0]?.stop('SIGTERM');
  await fleet.stop();
  await stripe.stop();
});

interface Probe {
  seq: number;
  gc: boolean;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

let probes = 0;
/** Asks the server for a full GC and its memory after it (tests/support/mem-probe.ts). */
async function settledMemory(api: ApiProcess): Promise<Probe> {
  const seq = ++probes;
  api.proc.kill('SIGUSR2');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    for (const line of api.output) {
      const m = /\[mem-probe\] (\{.*\})/.exec(line);
      const p = m?.[1] ? (JSON.parse(m[1]) as Probe) : null;
      if (p?.seq === seq) return p;
    }
    await sleep(20);
  }
  throw new Error(`no memory probe ${seq} from the server`);
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** VmRSS of a process, 0 once it is gone (the sampler may outlive a failed run by a tick). */
function rssNow(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(m?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

const mib = (bytes: number) => (bytes / MIB).toFixed(0);
const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

it(`drill 6: when ${TOTAL} generated requests hit every public route of a server process, then no 5xx, every error is the envelope, and settled memory stays bounded`, async () => {
  const api = fleet.apis[0];
  if (!api) throw new Error('no server');
  const port = Number(new URL(api.url).port);
  const rng = prng(SEED);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const byStatus: Record<string, number> = {};
  const bad: FuzzOutcome[] = [];
  let peakRss = rssNow(api.pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssNow(api.pid))), 250);
  const start = await settledMemory(api);
  const settled: Probe[] = [];
  const started = Date.now();
  const serverCpu0 = cpuSeconds(api.pid);
  const clientCpu0 = process.cpuUsage();
  let sent = 0;
  try {
    for (let phase = 1; phase <= PHASES; phase++) {
      const until = Math.round((TOTAL * phase) / PHASES);
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (sent < until) {
            sent++;
            // generated on the fly: 100,000 planned requests would weigh on the client's own memory
            const o = rng.chance(RAW_SHARE) ? await sendFuzzRaw(port, rawRequest(rng, secrets)) : await sendFuzzHttp(api.url, agent, httpRequest(rng, secrets));
            byStatus[String(o.status)] = (byStatus[String(o.status)] ?? 0) + 1;
            if ((o.status !== null && (o.status >= 500 || o.problem)) || (o.status === null && o.problem)) bad.push(o);
          }
        }),
      );
      const m = await settledMemory(api);
      settled.push(m);
      // a line per tenth, so a run cut short still shows its trend
      process.stdout.write(`[drill 6] ${sent} sent, ${((Date.now() - started) / 1000).toFixed(1)} s, after GC: RSS ${mib(m.rss)} MiB, live heap ${(m.heapUsed / MIB).toFixed(1)} MiB\n`);
    }
  } finally {
    clearInterval(sampler);
    agent.destroy();
  }
  const elapsed = (Date.now() - started) / 1000;
  const serverCpu = cpuSeconds(api.pid) - serverCpu0;
  const clientCpuUsage = process.cpuUsage(clientCpu0);
  const clientCpu = (clientCpuUsage.user + clientCpuUsage.system) / 1e6;
  const [warm] = settled;
  const last = settled[settled.length - 1];
  if (!warm || !last || settled.length < 6) throw new Error('no memory figures');
  const rssGrowth = median(settled.slice(-3).map((p) => p.rss)) - median(settled.slice(0, 3).map((p) => p.rss));
  report(
    '6 fuzz against a server process',
    `${sent} requests in ${elapsed.toFixed(1)} s (${(sent / elapsed).toFixed(0)}/s, ${CONCURRENCY} connections, seed ${SEED}; CPU s: server ${serverCpu.toFixed(1)}, client ${clientCpu.toFixed(1)}); by status ${JSON.stringify(byStatus)}; ` +
      `5xx / not an envelope / unanswered = ${bad.length}; after a full GC: RSS ${mib(start.rss)} MiB before, ${mib(warm.rss)} after the warm-up tenth, ` +
      `then per tenth [${settled.map((p) => mib(p.rss)).join(', ')}] MiB (growth, median of the last three − median of the first three: ${mib(rssGrowth)}, bound ${RSS_GROWTH_BOUND_MIB}); ` +
      `live heap per tenth [${settled.map((p) => mib(p.heapUsed)).join(', ')}] MiB (growth ${((last.heapUsed - warm.heapUsed) / MIB).toFixed(1)}, bound ${HEAP_GROWTH_BOUND_MIB}); ` +
      `external [${settled.map((p) => mib(p.external)).join(', ')}] MiB; peak RSS without forced GC ${mib(peakRss)} MiB`,
  );
  expect(warm.gc).toBe(true);
  expect(bad.slice(0, 10).map((o) => `${o.status} ${o.label}: ${o.problem ?? ''}`)).toEqual([]);
  expect(sent).toBeGreaterThanOrEqual(TOTAL);
  expect((last.heapUsed - warm.heapUsed) / MIB).toBeLessThan(HEAP_GROWTH_BOUND_MIB);
  expect(rssGrowth / MIB).toBeLessThan(RSS_GROWTH_BOUND_MIB);
}, Math.max(120_000, TOTAL * 4)); // 4 ms a request: 2.5 times the slowest rate measured here
