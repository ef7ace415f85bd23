import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { bearer, startHarness, type Harness } from '../support/harness';
import { standinEnv, startStripeStandin, type StripeStandin } from '../support/stripe-standin';
import { envelopeProblem } from './envelope';

const TWEET = JSON.stringify({ url: 'https://x.com/sim_video/status/992010' });
const LOGIN = JSON.stringify({ email: 'nobody@example.com', password: 'correct horse battery' });

function corrupt(buf: Buffer): Buffer {
  const out = Buffer.from(buf);
  for (let i = 10; i < out.length; i += 3) out[i] = (out[i] ?? 0) ^ 0x5a; // keep the gzip magic, ruin the rest
  return out;
}

/** Every malformed-body case: [name, Content-Encoding, body bytes, Content-Type]. */
function cases(json: string): Array<[string, string | undefined, Buffer, string]> {
  const big = JSON.stringify({ url: 'x'.repeat(600_000) }); // over every route's limit once inflated
  return [
    ['corrupt gzip', 'gzip', corrupt(gzipSync(json)), 'application/json'],
    ['truncated gzip', 'gzip', gzipSync(json).subarray(0, 12), 'application/json'],
    ['corrupt deflate', 'deflate', corrupt(deflateSync(json)), 'application/json'],
    ['truncated deflate', 'deflate', deflateSync(json).subarray(0, 5), 'application/json'],
    ['corrupt br', 'br', corrupt(brotliCompressSync(json)), 'application/json'],
    ['truncated br', 'br', brotliCompressSync(json).subarray(0, 4), 'application/json'],
    ['plain text declared gzip', 'gzip', Buffer.from(json), 'application/json'],
    ['unknown encoding', 'x-squash', Buffer.from(json), 'application/json'],
    ['stacked encodings', 'gzip, br', gzipSync(json), 'application/json'],
    ['gzip bomb over the limit', 'gzip', gzipSync(big), 'application/json'],
    ['unsupported charset', undefined, Buffer.from(json), 'application/json; charset=ebcdic-xyz'],
  ];
}

let h: Harness;
let stripe: StripeStandin;
let key: string;
let base: string;
beforeAll(async () => {
  stripe = await startStripeStandin();
  h = await startHarness({ env: standinEnv(stripe) });
  key = (await h.createKey()).key;
  base = await h.listen();
});

/** Real HTTP with the exact bytes (supertest would JSON-encode a Buffer sent as application/json). */
async function post(path: string, headers: Record<string, string>, body: Buffer) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers, body });
  return { status: res.status, type: res.headers.get('content-type') ?? undefined, text: await res.text() };
}
afterAll(async () => {
  await h.close();
  await stripe.stop();
});

describe('malformed request bodies answer 400 in the envelope, never 500', () => {
  const routes: Array<[string, string, () => Record<string, string>, string]> = [
    ['POST /api/v1/twitter', '/api/v1/twitter', () => bearer(key), TWEET],
    ['POST /dashboard/api/login', '/dashboard/api/login', () => ({ 'X-Forwarded-For': '10.9.9.1' }), LOGIN],
    ['POST /dashboard/api/signup', '/dashboard/api/signup', () => ({ 'X-Forwarded-For': '10.9.9.2' }), LOGIN],
    ['POST /api/v1/webhooks/stripe', '/api/v1/webhooks/stripe', () => ({ 'Stripe-Signature': 't=1,v1=00' }), '{"id":"evt_1"}'],
  ];
  for (const [routeName, path, headers, json] of routes) {
    for (const [caseName, encoding, body, type] of cases(json)) {
      it(`when ${routeName} gets a ${caseName} body, then 400 in the envelope`, async () => {
        const res = await post(path, { ...headers(), 'Content-Type': type, ...(encoding ? { 'Content-Encoding': encoding } : {}) }, body);
        expect({ status: res.status, problem: envelopeProblem(res.type, res.text) }).toEqual({ status: 400, problem: null });
      });
    }
  }

  it('when a gzip body is valid, then it is still read (compression is accepted, not refused)', async () => {
    const res = await post(
      '/api/v1/twitter',
      { ...bearer(key), 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      gzipSync(JSON.stringify({ url: 'not a url' })),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ error: { type: 'invalid_url' } });
  });
});
