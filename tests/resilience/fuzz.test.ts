import http from 'node:http';
import request from 'supertest';
import { createLogger } from '../../apps/api/src/lib/logger/logger';
import { createHttpServer, type HttpServer } from '../../apps/api/src/lib/http/server';
import { signUp } from '../accounts/dashboard-client';
import { startHarness, type Harness } from '../support/harness';
import { standinEnv, startStripeStandin, type StripeStandin } from '../support/stripe-standin';
import { sendFuzzHttp, sendFuzzRaw, type FuzzOutcome } from './fuzz-client';
import { httpRequest, prng, rawRequest, type FuzzRequest, type RawRequest, type Secrets } from './fuzz-generator';

// ≥ 10,000 generated requests against every public route of a real listening server (the same
// server wrapper main.ts uses). Promise (issue 7): no answer is a 5xx, every error answer is the
// JSON envelope, nothing hangs. FUZZ_SEED reproduces a run; FUZZ_REQUESTS changes its size.
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const CONCURRENCY = 16;
const RAW_SHARE = 0.03;
interface Outcome extends FuzzOutcome {
  family: 'v1' | 'dashboard' | 'other';
}

let h: Harness;
let stripe: StripeStandin;
let server: HttpServer;
let base: string;
let secrets: Secrets;
beforeAll(async () => {
  stripe = await startStripeStandin();
  h = await startHarness({ env: standinEnv(stripe) });
  server = createHttpServer(h.app, { requestTimeoutMs: 5_000, headersTimeoutMs: 3_000, logger: createLogger({ level: 'silent' }) });
  const port = await server.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  const premium = await h.createKey();
  const free = await h.createKey({ premium: false });
  const revoked = await h.createKey();
  await h.container.keys.revoke(revoked.userId, revoked.keyId);
  const browser = await signUp(h);
  secrets = {
    premiumKey: premium.key,
    freeKey: free.key,
    revokedKey: revoked.key,
    sessionCookie: browser.cookie,
    csrf: browser.csrf,
    origin: base,
    sign: (payload) => stripe.sign(payload),
  };
  expect((await request(h.app).get('/healthz')).status).toBe(200);
}, 60_000);
afterAll(async () => {
  server.server.closeAllConnections();
  await new Promise((r) => server.server.close(r));
  await h.close();
  await stripe.stop();
});

const familyOf = (path: string): Outcome['family'] =>
  path.startsWith('/dashboard/api') ? 'dashboard' : path.startsWith('/api/') || path.startsWith('/healthz') || path.startsWith('/readyz') ? 'v1' : 'other';

function sendHttp(agent: http.Agent, req: FuzzRequest): Promise<Outcome> {
  return sendFuzzHttp(base, agent, req).then((o) => ({ ...o, family: familyOf(req.path) }));
}

function sendRaw(req: RawRequest): Promise<Outcome> {
  return sendFuzzRaw(Number(new URL(base).port), req).then((o) => ({ ...o, family: 'other' as const }));
}

it(`when ${TOTAL} generated requests hit every public route, then no answer is a 5xx and every error answer is the envelope`, async () => {
  const rng = prng(SEED);
  const plan = Array.from({ length: TOTAL }, () => (rng.chance(RAW_SHARE) ? rawRequest(rng, secrets) : httpRequest(rng, secrets)));
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const outcomes: Outcome[] = [];
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < plan.length) {
        const req = plan[next++];
        if (!req) break;
        outcomes.push(req.kind === 'raw' ? await sendRaw(req) : await sendHttp(agent, req));
      }
    }),
  );
  agent.destroy();
  const elapsed = Date.now() - started;

  const byStatus: Record<string, number> = {};
  for (const o of outcomes) byStatus[String(o.status)] = (byStatus[String(o.status)] ?? 0) + 1;
  const byFamily: Record<string, number> = {};
  for (const o of outcomes) byFamily[o.family] = (byFamily[o.family] ?? 0) + 1;
  const fiveXX = outcomes.filter((o) => o.status !== null && o.status >= 500);
  const notEnvelope = outcomes.filter((o) => o.status !== null && o.problem);
  const unanswered = outcomes.filter((o) => o.status === null && o.problem);
  process.stdout.write(
    `\nfuzz: seed=${SEED} requests=${outcomes.length} (raw ${plan.filter((p) => p.kind === 'raw').length}) in ${elapsed} ms\n` +
      `  by status: ${JSON.stringify(byStatus)}\n  by route family: ${JSON.stringify(byFamily)}\n` +
      `  5xx: ${fiveXX.length}, not an envelope: ${notEnvelope.length}, closed without an answer: ${unanswered.length}\n`,
  );
  const sample = (xs: Outcome[]) => xs.slice(0, 10).map((o) => `${o.status} ${o.label}: ${o.problem ?? ''}`);
  expect(outcomes).toHaveLength(TOTAL);
  expect(sample(fiveXX)).toEqual([]);
  expect(sample(notEnvelope)).toEqual([]);
  expect(sample(unanswered)).toEqual([]);
}, 120_000);
