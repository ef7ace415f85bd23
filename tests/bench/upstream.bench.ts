/**
 * npm run bench:upstream — what one API request costs X (the simulator), and what the API adds
 * on top of X's own latency.
 *
 * The real API runs in this process (createContainer + buildApp on a real port), on a throwaway
 * PostgreSQL database and the real Redis (keys under a random prefix, deleted at the end), and
 * talks to the X simulator over real HTTP. Every request goes through POST /api/v1/twitter with
 * a real premium key; the rate limits are raised so nothing is refused. Each measurement gets
 * its own API instance (own Redis prefix: cold result cache, no guest token yet) so earlier
 * phases cannot warm later ones; the simulator is shared and measured by differences of its
 * counters (sim.reset() would also drop the API's guest token).
 *
 *   1. GraphQL calls per unique tweet: every served id, 10 concurrent + 10 sequential requests.
 *      Posts with a video cost one TweetResultByRestId call; posts without one also try the
 *      TweetDetail fallback (a second GraphQL call) and syndication, once per cache TTL.
 *   2. Guest-token activations: (a) 1,000 requests over the served ids, cache on, from cold;
 *      (b) per 1,000 upstream GraphQL calls with the result cache out of play — every request
 *      names a different, never-seen id (X answers "no such post" to both GraphQL operations, so
 *      two GraphQL calls and one syndication call each), default per-token budget (150 / 15 min).
 *   3. 100 concurrent requests on one cold tweet (cold guest token too).
 *   4. Cold-request overhead: simulator latency L on every route; cold requests (result cache TTL
 *      1 s, rounds 1.3 s apart, guest token warm) vs direct GraphQL requests to the simulator
 *      made in the same loop (the measured L), plus the warm (cached) median.
 *   5. The TweetDetail fallback's cost, in the same loop as 4: cold requests for posts only
 *      TweetDetail answers (TweetResultByRestId finds nothing) — upstream calls and latency.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../../apps/api/src/app';
import { createContainer, type Container } from '../../apps/api/src/container';
import { loadEnv } from '../../apps/api/src/lib/config/env';
import { createLogger } from '../../apps/api/src/lib/logger/logger';
import { guestGraphqlHeaders, tweetResultPath } from '../../apps/api/src/modules/twitter/x-client/x-client.config';
import { createXSim, type SimStats, type XSim } from '../../apps/x-sim/src';
import { REDIS_URL } from '../support/db';
import { deleteRedisPrefix } from '../support/harness';
import { createBenchDatabase } from './bench-db';

const PER_ID = Number(process.env.BENCH_UPSTREAM_PER_ID ?? 20);
const SPREAD_REQUESTS = 1000;
const SPREAD_CONCURRENCY = Number(process.env.BENCH_UPSTREAM_CONCURRENCY ?? 16);
const UNCACHED_CALLS = 1000;
const HERD = 100;
const LATENCY_MS = Number(process.env.BENCH_UPSTREAM_LATENCY_MS ?? 50);
const COLD_ROUNDS = Number(process.env.BENCH_UPSTREAM_COLD_ROUNDS ?? 10);
const TOKEN_BUDGET = 150; // the simulator's default, which we do not change
const RETIRE_BELOW = 10; // x-client's default minRateLimitRemaining
const HERD_ID = '992010';
/** Posts only TweetDetail answers: synthetic 992013, and the recorded one when present. */
const DETAIL_ONLY_IDS = ['992013', '1756252052232016281'];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const urlOf = (id: string) => `https://x.com/bench/status/${id}`;
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Answer {
  status: number;
  type: string | undefined;
  ms: number;
}

interface Api {
  url: string;
  container: Container;
  close(): Promise<void>;
}

/** Differences between two counter snapshots of the simulator. */
function diff(before: SimStats, after: SimStats) {
  const byId = (id: string) => (after.graphqlCallsByTweetId[id] ?? 0) - (before.graphqlCallsByTweetId[id] ?? 0);
  return {
    activations: after.activations - before.activations,
    graphqlCalls: after.graphqlCalls - before.graphqlCalls,
    syndicationCalls: after.syndicationCalls - before.syndicationCalls,
    rateLimited: after.rateLimited - before.rateLimited,
    byId,
    ids: Object.keys(after.graphqlCallsByTweetId).filter((id) => byId(id) > 0),
  };
}

/** Runs `count` tasks with at most `concurrency` in flight. */
async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

async function main(): Promise<void> {
  const root = `twdown-bench-upstream:${randomBytes(5).toString('hex')}`;
  const apis: Api[] = [];
  let sim: XSim | undefined;
  let db: { url: string; drop(): Promise<void> } | undefined;
  let cleaned: Promise<void> | undefined;

  const cleanup = () =>
    (cleaned ??= (async () => {
      const steps: Array<[string, () => Promise<unknown>]> = [
        ...apis.map((a, i): [string, () => Promise<unknown>] => [`api ${i}`, () => a.close()]),
        ['simulator', async () => sim?.stop()],
        ['redis keys', () => deleteRedisPrefix(REDIS_URL, root)],
        ['database', async () => db?.drop()],
      ];
      for (const [name, step] of steps) {
        await step().catch((err: unknown) => process.stderr.write(`cleanup of ${name} failed: ${String(err)}\n`));
      }
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`${signal}: cleaning up…\n`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    sim = createXSim();
    const s = sim;
    const { url: simUrl } = await s.start();
    db = await createBenchDatabase();
    const databaseUrl = db.url;

    async function startApi(name: string, extraEnv: Record<string, string> = {}): Promise<Api> {
      const env = loadEnv({
        NODE_ENV: 'production',
        MEDIA_LINK_SECRET: 'bench-media-link-secret-not-for-production',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
        DATABASE_URL: databaseUrl,
        REDIS_URL,
        X_API_BASE_URL: simUrl,
        X_SYNDICATION_BASE_URL: simUrl,
        // player cards' VMAPs (and media) from the simulator, never from the real video.twimg.com
        X_MEDIA_BASE_URL: `${simUrl}/media`,
        RATE_LIMIT_PER_MINUTE: '1000000000',
        RATE_LIMIT_PER_HOUR: '1000000000',
        RATE_LIMIT_PER_DAY: '1000000000',
        ...extraEnv,
      });
      const logger = createLogger({ level: env.LOG_LEVEL });
      const container = await createContainer({ env, logger, databaseUrl, redisTarget: { url: REDIS_URL }, keyPrefix: `${root}:${name}` });
      const server: Server = buildApp(container.deps).listen(0, '127.0.0.1');
      let closed = false;
      const api: Api = {
        url: '',
        container,
        async close() {
          if (closed) return;
          closed = true;
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
          await container.close();
        },
      };
      apis.push(api);
      await new Promise<void>((resolve, reject) => {
        server.once('listening', resolve);
        server.once('error', reject);
      });
      api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return api;
    }

    // The key lives in the shared database, so every API instance accepts it.
    const setup = await startApi('setup');
    const user = await setup.container.users.findOrCreate('bench-upstream@example.com');
    await setup.container.users.setComplimentaryPremium(user.id, true);
    const { key } = await setup.container.keys.create(user.id, 'bench-upstream');
    await setup.close();

    async function ask(api: Api, id: string): Promise<Answer> {
      const t0 = performance.now();
      const res = await fetch(`${api.url}/api/v1/twitter`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: urlOf(id) }),
      });
      const body = (await res.json()) as { error?: { type?: string } };
      return { status: res.status, type: body.error?.type, ms: performance.now() - t0 };
    }

    const served = s.ids.all();
    log(`simulator at ${simUrl}: ${served.length} served ids; database ${new URL(databaseUrl).pathname.slice(1)}; Redis prefix ${root}`);

    // ── 1. GraphQL calls per unique tweet ────────────────────────────────────────────────────
    log(`1. ${PER_ID} requests per served id (${PER_ID / 2} concurrent, then ${PER_ID / 2} sequential)…`);
    const api1 = await startApi('m1');
    interface PerId {
      id: string;
      statuses: number[];
      types: Set<string>;
      graphql: number;
      syndication: number;
    }
    const perId: PerId[] = [];
    const before1 = s.stats();
    for (const id of served) {
      const b = s.stats();
      const answers = await Promise.all(Array.from({ length: PER_ID / 2 }, () => ask(api1, id)));
      for (let i = 0; i < PER_ID / 2; i++) answers.push(await ask(api1, id));
      const d = diff(b, s.stats());
      perId.push({
        id,
        statuses: answers.map((a) => a.status),
        types: new Set(answers.map((a) => a.type ?? 'ok')),
        graphql: d.byId(id),
        syndication: d.syndicationCalls,
      });
    }
    const d1 = diff(before1, s.stats());
    const cacheable = perId.filter((p) => p.statuses.every((st) => st === 200 || st === 422) && new Set(p.statuses).size === 1);
    const excluded = perId.filter((p) => !cacheable.includes(p));
    const gqlCacheable = cacheable.reduce((n, p) => n + p.graphql, 0);
    // posts TweetResultByRestId itself serves (not the TweetDetail-only or syndication-only ones)
    const restServed = new Set(s.ids.describe().filter((e) => e.typename !== null && e.tweetDetailOnly !== true).flatMap((e) => (typeof e.id === 'string' ? [e.id] : [])));
    const withVideo = cacheable.filter((p) => p.statuses[0] === 200 && restServed.has(p.id));
    const withoutVideo = cacheable.filter((p) => p.statuses[0] === 422);
    const perTweet = withVideo.reduce((n, p) => n + p.graphql, 0) / withVideo.length;
    const worst = Math.max(...withVideo.map((p) => p.graphql));
    const perTweetNoVideo = withoutVideo.reduce((n, p) => n + p.graphql, 0) / Math.max(1, withoutVideo.length);
    const worstNoVideo = Math.max(0, ...withoutVideo.map((p) => p.graphql));
    await api1.close();

    // ── 2a. activations per 1,000 requests, cache on ─────────────────────────────────────────
    log(`2a. ${SPREAD_REQUESTS} requests over the ${served.length} served ids, ${SPREAD_CONCURRENCY} at a time, from cold…`);
    const api2a = await startApi('m2a');
    const before2a = s.stats();
    const answers2a = await pool(SPREAD_REQUESTS, SPREAD_CONCURRENCY, (i) => ask(api2a, served[i % served.length]));
    const d2a = diff(before2a, s.stats());
    const bad2a = answers2a.filter((a) => a.status !== 200 && a.status !== 422).length;
    await api2a.close();

    // ── 2b. activations per 1,000 upstream GraphQL calls, result cache out of play ───────────
    log(`2b. ${UNCACHED_CALLS} requests, each for a different never-seen id, ${SPREAD_CONCURRENCY} at a time…`);
    const api2b = await startApi('m2b');
    const servedSet = new Set(served);
    const base = 1_990_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 10_000n;
    const unseen = Array.from({ length: UNCACHED_CALLS }, (_, i) => String(base + BigInt(i))).filter((id) => !servedSet.has(id));
    const before2b = s.stats();
    const answers2b = await pool(unseen.length, SPREAD_CONCURRENCY, (i) => ask(api2b, unseen[i]));
    const d2b = diff(before2b, s.stats());
    const bad2b = answers2b.filter((a) => a.status !== 422).length;
    await api2b.close();

    // ── 3. thundering herd on one cold tweet ─────────────────────────────────────────────────
    log(`3. ${HERD} concurrent requests for one cold tweet (${HERD_ID}), cold guest token…`);
    const api3 = await startApi('m3');
    const before3 = s.stats();
    const answers3 = await Promise.all(Array.from({ length: HERD }, () => ask(api3, HERD_ID)));
    const d3 = diff(before3, s.stats());
    const ok3 = answers3.filter((a) => a.status === 200).length;
    await api3.close();

    // ── 4. cold-request overhead over the simulator's latency ────────────────────────────────
    // ids that answer 200 with exactly one upstream call (GraphQL had the media; no syndication)
    const single = perId.filter((p) => p.statuses.every((st) => st === 200) && p.graphql === 1 && p.syndication === 0).map((p) => p.id);
    log(`4. latency ${LATENCY_MS} ms on every simulator route; ${COLD_ROUNDS} rounds over ${single.length} single-call ids…`);
    const api4 = await startApi('m4', { X_CACHE_TTL_SECONDS: '1' });
    s.faults.latency(LATENCY_MS, 'all');
    // The simulator's own budget applies (150 calls per token): a fresh token every 100 calls.
    let directToken = s.issueGuestToken();
    let directCalls = 0;
    async function direct(id: string): Promise<number> {
      if (++directCalls % 100 === 0) directToken = s.issueGuestToken();
      const t0 = performance.now();
      const res = await fetch(`${simUrl}${tweetResultPath(id)}`, { headers: guestGraphqlHeaders(directToken) });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`direct GraphQL request for ${id} answered ${res.status}`);
      return performance.now() - t0;
    }
    // warm-up: the API's guest token, sockets to the simulator, JIT on both paths
    for (let i = 0; i < 3; i++) {
      await ask(api4, String(base - 1n - BigInt(i)));
      await direct(single[i % single.length]);
    }
    await sleep(1300);
    const directMs: number[] = [];
    const coldMs: number[] = [];
    const warmMs: number[] = [];
    const detailIds = DETAIL_ONLY_IDS.filter((id) => served.includes(id));
    const detailMs: number[] = [];
    const detailCalls: Array<{ graphql: number; syndication: number; activations: number }> = [];
    let discarded = 0;
    for (let round = 0; round < COLD_ROUNDS; round++) {
      for (const id of detailIds) {
        const b = s.stats();
        const res = await ask(api4, id);
        const d = diff(b, s.stats());
        if (res.status === 200 && d.activations === 0) {
          detailMs.push(res.ms);
          detailCalls.push({ graphql: d.graphqlCalls, syndication: d.syndicationCalls, activations: d.activations });
        }
      }
      for (const id of single) {
        directMs.push(await direct(id));
        const b = s.stats();
        const cold = await ask(api4, id);
        const mid = s.stats();
        const warm = await ask(api4, id);
        const dc = diff(b, mid);
        const dw = diff(mid, s.stats());
        // a sample counts only if the cold request made exactly one GraphQL call (no activation,
        // no retry, no syndication) and the warm one none
        if (cold.status === 200 && dc.byId(id) === 1 && dc.graphqlCalls === 1 && dc.activations === 0 && dc.syndicationCalls === 0) {
          coldMs.push(cold.ms);
        } else discarded++;
        if (warm.status === 200 && dw.graphqlCalls === 0) warmMs.push(warm.ms);
      }
      await sleep(1300); // result cache TTL is 1 s (Redis EX 1, in-process layer 1 s)
    }
    s.faults.clear();
    const L = median(directMs);
    const cold = median(coldMs);
    const warm = median(warmMs);
    const detailCold = median(detailMs);
    const detailGraphql = detailCalls.reduce((n, c) => n + c.graphql, 0) / Math.max(1, detailCalls.length);
    const detailSyndication = detailCalls.reduce((n, c) => n + c.syndication, 0) / Math.max(1, detailCalls.length);
    await api4.close();

    // ── report ───────────────────────────────────────────────────────────────────────────────
    const usablePerToken = TOKEN_BUDGET - RETIRE_BELOW + 1;
    const rows: Array<[string, string, string]> = [
      ['metric', 'measured', 'target'],
      [
        `1. upstream GraphQL calls per unique tweet with a video (${withVideo.length} ids TweetResultByRestId serves; ${PER_ID} req each)`,
        `${perTweet.toFixed(2)} (max ${worst})`,
        '1 per cache TTL',
      ],
      [
        `1b. … per unique tweet without video (${withoutVideo.length} ids answering 422: + TweetDetail fallback)`,
        `${perTweetNoVideo.toFixed(2)} (max ${worstNoVideo})`,
        '≤ 2 per cache TTL',
      ],
      [
        `2a. guest-token activations per 1,000 API requests (cache on, cold start)`,
        `${((1000 * d2a.activations) / SPREAD_REQUESTS).toFixed(1)}`,
        '≤ 1',
      ],
      [
        `2b. activations per 1,000 upstream GraphQL calls (cache out of play)`,
        `${((1000 * d2b.activations) / d2b.graphqlCalls).toFixed(1)}`,
        `≤ ${(1000 / usablePerToken).toFixed(1)} (1000/${usablePerToken})`,
      ],
      [`3. upstream GraphQL calls, ${HERD} concurrent requests on one cold tweet`, `${d3.graphqlCalls}`, '1'],
      [`4. cold median − L (L = measured direct median)`, `${(cold - L).toFixed(1)} ms`, 'lower is better'],
      [`   cold median / L`, `${(cold / L).toFixed(2)}×`, '→ 1.00'],
      [
        `5. TweetDetail fallback: upstream calls per cold request (${detailIds.join(', ')})`,
        `${detailGraphql.toFixed(2)} GraphQL + ${detailSyndication.toFixed(2)} synd.`,
        '2 GraphQL + 0 synd.',
      ],
      [`   its cold median / L`, `${(detailCold / L).toFixed(2)}×`, '≈ 2 (two sequential calls)'],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    log('');
    for (const [i, r] of rows.entries()) {
      log(`${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2]}`);
      if (i === 0) log(`${'─'.repeat(w0)}  ${'─'.repeat(w1)}  ${'─'.repeat(16)}`);
    }
    log('');
    log('details');
    log(`  1. ${d1.graphqlCalls} GraphQL calls in total for ${d1.ids.length} ids (${gqlCacheable} for the ${cacheable.length} counted), ${d1.activations} activation(s), ${d1.syndicationCalls} syndication calls`);
    const byType = new Map<string, number>();
    for (const p of cacheable) for (const t of p.types) byType.set(t, (byType.get(t) ?? 0) + 1);
    log(`     answers per id: ${[...byType].map(([t, n]) => `${t} ${n}`).join(', ')} (422s are content answers, cached like successes)`);
    for (const p of excluded) log(`     not counted: ${p.id} answered ${[...new Set(p.statuses)].join('/')} (${[...p.types].join(', ')}), ${p.graphql} GraphQL calls`);
    const multi = cacheable.filter((p) => p.graphql !== 1);
    for (const p of multi) log(`     ${p.id}: ${p.graphql} GraphQL calls`);
    log(`  2a. ${SPREAD_REQUESTS} requests → ${d2a.activations} activation(s), ${d2a.graphqlCalls} GraphQL + ${d2a.syndicationCalls} syndication calls; ${bad2a} answers other than 200/422`);
    log(`  2b. ${unseen.length} requests → ${d2b.graphqlCalls} GraphQL calls, ${d2b.activations} activations (${(d2b.graphqlCalls / Math.max(1, d2b.activations)).toFixed(1)} calls per token), ${d2b.rateLimited} answered 429 by the simulator, ${d2b.syndicationCalls} syndication calls; ${bad2b} answers other than 422`);
    log(`      budget ${TOKEN_BUDGET} calls per token per 15 min; the client retires a token when fewer than ${RETIRE_BELOW} remain`);
    log(`  3. ${ok3}/${HERD} answered 200; ${d3.byId(HERD_ID)} GraphQL call(s) for the tweet, ${d3.activations} activation(s), ${d3.syndicationCalls} syndication calls`);
    log(`  4. simulator latency ${LATENCY_MS} ms on every route; ${single.length} ids × ${COLD_ROUNDS} rounds; ${coldMs.length} cold samples kept, ${discarded} discarded`);
    log(`     direct GraphQL to the simulator (L): median ${L.toFixed(1)} ms, p90 ${quantile(directMs, 0.9).toFixed(1)} ms (n=${directMs.length})`);
    log(`     cold POST /api/v1/twitter:          median ${cold.toFixed(1)} ms, p90 ${quantile(coldMs, 0.9).toFixed(1)} ms`);
    log(`     warm (cached) POST /api/v1/twitter: median ${warm.toFixed(1)} ms, p90 ${quantile(warmMs, 0.9).toFixed(1)} ms (n=${warmMs.length})`);
    log(`     cold − configured latency = ${(cold - LATENCY_MS).toFixed(1)} ms; warm / cold = ${(warm / cold).toFixed(2)}`);
    log(`  5. TweetDetail-only posts, cold: median ${detailCold.toFixed(1)} ms, p90 ${quantile(detailMs, 0.9).toFixed(1)} ms (n=${detailMs.length}); the extra call costs ${(detailCold - cold).toFixed(1)} ms over a TweetResultByRestId answer`);

    const problems: string[] = [];
    if (cacheable.length === 0) problems.push('no served id answered 200/422 consistently');
    if (coldMs.length < 5) problems.push(`only ${coldMs.length} usable cold samples`);
    if (bad2a > 0 || bad2b > 0 || ok3 !== HERD) problems.push('unexpected API answers (see details)');
    if (problems.length) throw new Error(problems.join('; '));
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
