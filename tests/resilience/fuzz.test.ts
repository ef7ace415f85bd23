import http from 'node:http';
import net from 'node:net';
import request from 'supertest';
import { createLogger } from '../../apps/api/src/lib/logger/logger';
import { createHttpServer, type HttpServer } from '../../apps/api/src/lib/http/server';
import { signUp } from '../accounts/dashboard-client';
import { startHarness, type Harness } from '../support/harness';
import { standinEnv, startStripeStandin, type StripeStandin } from '../support/stripe-standin';
import { envelopeProblem } from './envelope';
import { httpRequest, prng, rawRequest, type FuzzRequest, type RawRequest, type Secrets } from './fuzz-generator';

// ≥ 10,000 generated requests against every public route of a real listening server (the same
// server wrapper main.ts uses). Promise (issue 7): no answer is a 5xx, every error answer is the
// JSON envelope, nothing hangs. FUZZ_SEED reproduces a run; FUZZ_REQUESTS changes its size.
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const CONCURRENCY = 16;
const RAW_SHARE = 0.03;
const ANSWER_TIMEOUT_MS = 10_000;

interface Outcome {
  label: string;
  status: number | null; // null: the connection closed without an answer
  problem: string | null;
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

function judge(label: string, family: Outcome['family'], method: string, status: number, type: string | undefined, text: string): Outcome {
  // Error answers carry the envelope (HEAD answers have no body to carry it).
  const problem = status >= 400 && method !== 'HEAD' ? envelopeProblem(type, text) : null;
  return { label, status, problem, family };
}

function sendHttp(agent: http.Agent, req: FuzzRequest): Promise<Outcome> {
  const family = familyOf(req.path);
  return new Promise((resolve) => {
    const headers = { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) };
    const r = http.request(`${base}${req.path}`, { agent, method: req.method, headers });
    const timer = setTimeout(() => r.destroy(new Error('no answer in time')), ANSWER_TIMEOUT_MS);
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve(judge(req.label, family, req.method, res.statusCode ?? 0, res.headers['content-type'], Buffer.concat(chunks).toString('utf8')));
      });
      res.on('error', () => {
        clearTimeout(timer);
        resolve({ label: req.label, status: res.statusCode ?? 0, problem: 'answer cut off', family });
      });
    });
    r.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // The server may close after answering a request whose body it did not read (e.g. 401):
      // a body the client was still writing then fails with EPIPE/ECONNRESET after the answer.
      resolve({ label: req.label, status: null, problem: `client error ${err.code ?? err.message}`, family });
    });
    r.end(req.body);
  });
}

function sendRaw(req: RawRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(base).port), '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), ANSWER_TIMEOUT_MS);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3}) /.exec(raw);
      if (!m) {
        resolve({ label: req.label, status: null, problem: raw ? `not HTTP: ${raw.slice(0, 60)}` : null, family: 'other' });
        return;
      }
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const type = /\r\ncontent-type: ([^\r\n]+)/i.exec(head)?.[1];
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? NaN);
      const body = Buffer.from(rest.join('\r\n\r\n'), 'latin1');
      const text = (Number.isNaN(length) ? body : body.subarray(0, length)).toString('utf8');
      resolve(judge(req.label, 'other', 'RAW', Number(m[1]), type, text));
    });
    socket.end(req.bytes);
  });
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
