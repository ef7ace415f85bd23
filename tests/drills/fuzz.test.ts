/**
 * Drill 6 (issue 10): generated requests (bodies, headers, URLs, methods, encodings, raw bytes)
 * against every public route of a real server PROCESS, with its memory watched. The generator is
 * the one of the issue-7 fuzz test (tests/resilience/fuzz-generator.ts); that test runs 10,000
 * requests in-process, this drill runs DRILL_FUZZ_REQUESTS (default 20,000; the issue asks for
 * 100,000, which takes about 6 minutes on the shared 2-core machine, see docs/drills.md) against
 * `main.ts` and samples VmRSS from /proc/<pid>/status.
 * Not in `npm test` yet (`npm run drill:fuzz`): every answer passes, but RSS grew by ~125 MiB
 * after warm-up in a 20,000-request run, over the bound below (docs/drills.md).
 * Promise: no answer is a 5xx, every error answer is the JSON envelope, RSS stays bounded.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { signUp } from '../accounts/dashboard-client';
import { standinEnv, startStripeStandin, type StripeStandin } from '../support/stripe-standin';
import { sendFuzzHttp, sendFuzzRaw, type FuzzOutcome } from '../resilience/fuzz-client';
import { httpRequest, prng, rawRequest, type Secrets } from '../resilience/fuzz-generator';
import { report, startFleet, type Fleet } from './fleet';

const TOTAL = Number(process.env.DRILL_FUZZ_REQUESTS ?? 20_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const CONCURRENCY = 32;
const RAW_SHARE = 0.03;
/** RSS may grow while V8 warms up; after that it must level off (bound: + 64 MiB over the warm figure). */
const RSS_GROWTH_BOUND_KB = 64 * 1024;

let fleet: Fleet;
let stripe: StripeStandin;
let secrets: Secrets;
beforeAll(async () => {
  stripe = await startStripeStandin();
  // limits high enough that the generated load is judged on its input, not on 429s
  fleet = await startFleet(1, {
    harness: { env: standinEnv(stripe) },
    env: { ...standinEnv(stripe), RATE_LIMIT_PER_MINUTE: '100000000', RATE_LIMIT_PER_HOUR: '100000000', RATE_LIMIT_PER_DAY: '100000000' },
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
  await fleet.stop();
  await stripe.stop();
});

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN);
}

type Outcome = FuzzOutcome;

it(`drill 6: when ${TOTAL} generated requests hit every public route of a server process, then no 5xx, every error is the envelope, and RSS stays bounded`, async () => {
  const api = fleet.apis[0];
  if (!api) throw new Error('no server');
  const port = Number(new URL(api.url).port);
  const rng = prng(SEED);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const byStatus: Record<string, number> = {};
  const bad: Outcome[] = [];
  const rss: number[] = [rssKb(api.pid)];
  const sampler = setInterval(() => rss.push(rssKb(api.pid)), 250);
  const started = Date.now();
  let sent = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < TOTAL) {
        sent++;
        // generated on the fly: 100,000 planned requests would weigh on the client's own memory
        const o = rng.chance(RAW_SHARE) ? await sendFuzzRaw(port, rawRequest(rng, secrets)) : await sendFuzzHttp(api.url, agent, httpRequest(rng, secrets));
        byStatus[String(o.status)] = (byStatus[String(o.status)] ?? 0) + 1;
        if ((o.status !== null && (o.status >= 500 || o.problem)) || (o.status === null && o.problem)) bad.push(o);
      }
    }),
  );
  clearInterval(sampler);
  agent.destroy();
  const elapsed = (Date.now() - started) / 1000;
  const warm = rss[Math.min(rss.length - 1, Math.floor(rss.length / 10))] ?? 0; // after the first tenth
  const peak = Math.max(...rss);
  const last = rss[rss.length - 1] ?? 0;
  report(
    '6 fuzz against a server process',
    `${sent} requests in ${elapsed.toFixed(1)} s (${(sent / elapsed).toFixed(0)}/s, seed ${SEED}); by status ${JSON.stringify(byStatus)}; ` +
      `5xx / not an envelope / unanswered = ${bad.length}; VmRSS start ${(rss[0] ?? 0) >> 10} MiB, after the first tenth ${warm >> 10} MiB, peak ${peak >> 10} MiB, end ${last >> 10} MiB`,
  );
  expect(bad.slice(0, 10).map((o) => `${o.status} ${o.label}: ${o.problem ?? ''}`)).toEqual([]);
  expect(peak - warm).toBeLessThan(RSS_GROWTH_BOUND_KB);
  expect(sent).toBeGreaterThanOrEqual(TOTAL);
}, 240_000);
