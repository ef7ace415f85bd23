/** A seeded generator of hostile HTTP requests for the fuzz test (tests/resilience/fuzz.test.ts). */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';

/** mulberry32: small, fast, good enough to drive a fuzzer, reproducible from one 32-bit seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick<T>(xs: readonly T[]): T {
      if (xs.length === 0) throw new Error('pick from an empty list');
      return xs[Math.floor(next() * xs.length)];
    },
    chance: (p: number) => next() < p,
    bytes(n: number): Buffer {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
      return b;
    },
  };
}
export type Rng = ReturnType<typeof prng>;

export interface Secrets {
  premiumKey: string;
  freeKey: string;
  revokedKey: string;
  sessionCookie: string;
  csrf: string;
  origin: string;
  sign: (payload: string) => string;
}

export interface FuzzRequest {
  /** what the client library can send */
  kind: 'http';
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  label: string;
}

export interface RawRequest {
  /** bytes on a fresh socket, for what no HTTP client would send */
  kind: 'raw';
  bytes: Buffer;
  label: string;
}

const TWEETS = [
  'https://x.com/sim_video/status/992010',
  'https://twitter.com/i/web/status/992010',
  'https://t.co/abc',
  'x.com/a/status/1',
  'https://x.com/a/status/99999999999999999999999',
];

const PATHS = [
  '/api/v1/twitter',
  '/api/v1/usage',
  '/api/v1/openapi.json',
  '/api/v1/webhooks/stripe',
  '/healthz',
  '/readyz',
  '/dashboard/api/signup',
  '/dashboard/api/login',
  '/dashboard/api/logout',
  '/dashboard/api/me',
  '/dashboard/api/usage',
  '/dashboard/api/keys',
  '/dashboard/api/keys/00000000-0000-0000-0000-000000000000',
  '/dashboard/api/keys/not-a-uuid/revoke',
  '/dashboard/api/keys/00000000-0000-0000-0000-000000000000/rotate',
  '/dashboard/api/billing/checkout',
  '/dashboard/api/billing/portal',
  '/',
  '/dashboard',
  '/docs',
  '/assets/app.js',
  '/assets/../../package.json',
  '/assets/%2e%2e/%2e%2e/package.json',
  '/api/v1/nope',
  '/api/v1/twitter/extra',
  '/%zz',
  '/api/v1/%E0%A4%A',
  '/dashboard/api/keys/%zz/revoke',
  '/api/v1//twitter',
  '/API/V1/TWITTER',
  '/api/v1/twitter;jsessionid=1',
  '/.env',
  '/favicon.ico',
];

const METHODS = ['GET', 'POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=bogus-9',
  'application/json; charset=',
  'application/json;;;',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/*',
  '*/*',
  'application/vnd.api+json',
];

const ENCODINGS = ['gzip', 'deflate', 'br', 'identity', 'zstd', 'x-bogus', 'gzip, gzip', 'GZIP', ''];

// Built once: rebuilding them for every request was a fifth of the generator's time.
const DEEP_NESTING = `${'['.repeat(5000)}${']'.repeat(5000)}`;
const LONG_URL = JSON.stringify({ url: 'x'.repeat(20_000) });
const OVERSIZE_TAIL = Buffer.alloc(600_000, 0x20);

type Algorithm = 'gzip' | 'deflate' | 'br';
const compressors: Record<Algorithm, (b: Buffer) => Buffer> = {
  gzip: (b) => gzipSync(b),
  deflate: (b) => deflateSync(b),
  // quality 5 rather than 11: the server only has to inflate it, and 11 made compression most of a 100,000-request drill's client time
  br: (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }),
};
/**
 * Compressed bodies, memoised: most generated bodies repeat (a few dozen JSON texts, the oversize
 * padding), and compressing them anew was three quarters of the generator's time. Keyed by a
 * digest so the 600 KB bodies are not kept twice; cleared when large so memory stays flat.
 */
const packedCache = new Map<string, Buffer>();
function compress(algorithm: Algorithm, body: Buffer): Buffer {
  const key = `${algorithm}:${createHash('sha1').update(body).digest('base64')}`;
  let packed = packedCache.get(key);
  if (!packed) {
    if (packedCache.size > 2000) packedCache.clear();
    packed = compressors[algorithm](body);
    packedCache.set(key, packed);
  }
  return packed;
}

function jsonBodies(r: Rng, s: Secrets): string[] {
  return [
    JSON.stringify({ url: r.pick(TWEETS) }),
    JSON.stringify({ url: r.int(1e9) }),
    JSON.stringify({ url: null }),
    JSON.stringify({ url: ['a'] }),
    JSON.stringify({ email: `fuzz${r.int(50)}@example.com`, password: r.pick(['', 'short', 'correct horse battery', 'x'.repeat(300)]) }),
    JSON.stringify({ email: r.pick(['not-an-email', '', 'a@b', 'ü@ü.ü', 'x'.repeat(500)]), password: 'correct horse battery' }),
    JSON.stringify({ name: 'k'.repeat(r.int(300)) }),
    JSON.stringify({ id: 'evt_1', type: r.pick(['customer.subscription.updated', 'checkout.session.completed', 'invoice.paid', 'bogus']), data: { object: {} } }),
    JSON.stringify({ id: `evt_${r.int(1e6)}`, type: 'customer.subscription.deleted', data: { object: { id: 'sub_x', status: 'canceled', customer: 'cus_x', items: { data: [] } } } }),
    '{}',
    '[]',
    'null',
    '"just a string"',
    '12345',
    '{"url":',
    '{"url": "x"',
    "{'url': 'x'}",
    '{"__proto__": {"admin": true}, "url": "x"}',
    DEEP_NESTING,
    LONG_URL,
    JSON.stringify({ a: 'ü€😀\u0000\ud800' }),
    s.premiumKey,
  ];
}

function encode(r: Rng, body: Buffer, encoding: string): { body: Buffer; label: string } {
  const algorithm: Algorithm | null = encoding === 'gzip' || encoding === 'GZIP' ? 'gzip' : encoding === 'deflate' || encoding === 'br' ? encoding : null;
  const packed = algorithm ? compress(algorithm, body) : body;
  const mode = r.pick(['good', 'good', 'corrupt', 'truncated', 'raw', 'other'] as const);
  switch (mode) {
    case 'good':
      return { body: packed, label: 'good' };
    case 'corrupt': {
      const out = Buffer.from(packed);
      for (let i = 0; i < Math.max(1, out.length >> 3); i++) {
        const at = r.int(out.length);
        out[at] = (out[at] ?? 0) ^ (1 + r.int(255));
      }
      return { body: out, label: 'corrupt' };
    }
    case 'truncated':
      return { body: packed.subarray(0, r.int(Math.max(1, packed.length))), label: 'truncated' };
    case 'raw':
      return { body, label: 'uncompressed' };
    case 'other': {
      // picked first, compressed after: only the one that is sent is computed
      const other = r.pick(['gzip', 'deflate', 'br', 'bytes'] as const);
      return { body: other === 'bytes' ? r.bytes(r.int(64)) : compress(other, body), label: 'mismatched' };
    }
  }
}

function authHeader(r: Rng, s: Secrets): string | undefined {
  return r.pick([
    undefined,
    `Bearer ${s.premiumKey}`,
    `Bearer ${s.premiumKey}`,
    `Bearer  ${s.premiumKey}`,
    `bearer\t${s.premiumKey}`,
    `Bearer ${s.freeKey}`,
    `Bearer ${s.revokedKey}`,
    `Bearer sk-${'Q'.repeat(43)}`,
    'Bearer sk-short',
    'Bearer',
    'Basic dXNlcjpwYXNz',
    `Bearer ${'x'.repeat(3000)}`,
    `Bearer ${s.premiumKey} extra`,
  ]);
}

/** One request a client library can send (valid HTTP framing, hostile content). */
export function httpRequest(r: Rng, s: Secrets): FuzzRequest {
  const method = r.pick(METHODS);
  let path = r.pick(PATHS);
  if (r.chance(0.15)) path += `?${r.pick(['access_token=x', 'url=https://x.com/a/status/1', 'a[b][c]=1', '%zz=1', 'x='.concat('y'.repeat(500)), '__proto__[x]=1'])}`;
  const headers: Record<string, string> = {};
  const auth = authHeader(r, s);
  if (auth !== undefined) headers.authorization = auth;
  if (path.startsWith('/dashboard')) {
    if (r.chance(0.6)) headers.cookie = r.pick([s.sessionCookie, s.sessionCookie, 'twdown_session=garbage', 'twdown_session=', '=;;=', `twdown_session=${'a'.repeat(2000)}`]);
    if (r.chance(0.6)) headers['x-csrf-token'] = r.pick([s.csrf, s.csrf, 'wrong', '']);
    if (r.chance(0.5)) headers.origin = r.pick([s.origin, s.origin, 'https://evil.example', 'null']);
  }
  if (r.chance(0.2)) headers['x-request-id'] = r.pick(['abc-123', 'x'.repeat(300), 'bad id with spaces', '']);
  if (r.chance(0.2)) headers['x-forwarded-for'] = r.pick(['10.0.0.1', '10.0.0.2', 'garbage', '1.2.3.4, 5.6.7.8', '::1']);
  if (r.chance(0.1)) headers.accept = r.pick(['text/html', 'application/xml', '*/*', '']);

  let body: Buffer | undefined;
  let label = `${method} ${path.split('?')[0] ?? path}`;
  if (method !== 'GET' && method !== 'HEAD' && r.chance(0.85)) {
    const text = r.chance(0.9) ? r.pick(jsonBodies(r, s)) : undefined;
    let raw = text === undefined ? r.bytes(r.int(2048)) : Buffer.from(text);
    if (r.chance(0.03)) raw = Buffer.concat([raw, OVERSIZE_TAIL]); // over every limit
    if (r.chance(0.85)) headers['content-type'] = r.pick(CONTENT_TYPES);
    if (r.chance(0.45)) {
      const encoding = r.pick(ENCODINGS);
      const packed = encode(r, raw, encoding);
      headers['content-encoding'] = encoding;
      raw = packed.body;
      label += ` ${encoding || '(empty)'}:${packed.label}`;
    }
    if (path === '/api/v1/webhooks/stripe' && r.chance(0.7)) {
      headers['stripe-signature'] = r.chance(0.5) ? s.sign(raw.toString('utf8')) : r.pick(['t=1,v1=00', 'garbage', `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`]);
    }
    body = raw;
  }
  return { kind: 'http', method, path, headers, body, label };
}

/** Bytes no client library would send: broken framing, oversize headers, bad request lines. */
export function rawRequest(r: Rng, s: Secrets): RawRequest {
  const json = JSON.stringify({ url: TWEETS[0] });
  const auth = `Authorization: Bearer ${s.premiumKey}\r\n`;
  const cases: Array<[string, string | Buffer]> = [
    ['bad request line', 'GARBAGE\r\n\r\n'],
    ['unknown method', 'BREW /api/v1/twitter HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['header without colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\nConnection: close\r\n\r\n'],
    ['control char in path', 'GET /api/v1/\x01twitter HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['bad content-length', `POST /api/v1/twitter HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: abc\r\nConnection: close\r\n\r\n${json}`],
    ['two content-lengths', `POST /api/v1/twitter HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 7\r\nConnection: close\r\n\r\n${json}`],
    ['content-length and chunked', `POST /api/v1/twitter HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n`],
    ['bad chunk size', `POST /api/v1/twitter HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`],
    ['body longer than content-length', `POST /dashboard/api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}garbage-after`],
    ['headers over 16 KB', `GET /api/v1/usage HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`],
    ['HTTP/0.9 style', 'GET /\r\n\r\n'],
    ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    ['absolute-form target', 'GET http://evil.example/api/v1/openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['asterisk target', 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['random bytes', r.bytes(1 + r.int(200))],
  ];
  const [label, bytes] = r.pick(cases);
  return { kind: 'raw', bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1'), label: `raw: ${label}` };
}
