import http from 'node:http';
import net from 'node:net';
import { spawnApi, type ApiProcess } from '../support/processes';
import { startHarness, type Harness } from '../support/harness';
import { envelopeProblem } from './envelope';

// Configured for this test as an operator would (the defaults are 10 s / 5 s): a whole request
// within 2 s, its headers within 1 s.
const REQUEST_TIMEOUT_MS = 2_000;
const HEADERS_TIMEOUT_MS = 1_000;
// Node checks those timeouts on an interval (≤ 1 s here); allow that and a little scheduling.
const SLACK_MS = 1_500;

let h: Harness;
let api: ApiProcess;
let key: string;
beforeAll(async () => {
  h = await startHarness();
  key = (await h.createKey()).key;
  api = await spawnApi({
    DATABASE_URL: h.db.url,
    REDIS_URL: h.redisUrl ?? '',
    REDIS_KEY_PREFIX: h.keyPrefix,
    X_API_BASE_URL: h.simUrl,
    X_SYNDICATION_BASE_URL: h.simUrl,
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
  });
}, 60_000);
afterAll(async () => {
  await api.stop();
  await h.close();
});

interface Trickle {
  /** ms from the first byte sent to the first byte of the answer (or null) */
  answeredAfter: number | null;
  /** ms from the first byte sent to the server closing the socket (or null: still open at the end) */
  closedAfter: number | null;
  response: string;
}

/** Sends `head` at once (or byte by byte when trickleHead), then one body byte every 100 ms for up to `forMs`. */
async function trickle(head: string, opts: { forMs: number; trickleHead?: boolean }): Promise<Trickle> {
  const { port } = new URL(api.url);
  const socket = net.connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const started = Date.now();
  let answeredAfter: number | null = null;
  let closedAfter: number | null = null;
  let response = '';
  socket.on('data', (chunk: Buffer) => {
    answeredAfter ??= Date.now() - started;
    response += chunk.toString('utf8');
  });
  socket.on('error', () => undefined); // writes after the server closed: expected
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closedAfter = Date.now() - started;
      resolve();
    }),
  );
  const pending = opts.trickleHead ? head : '';
  if (!opts.trickleHead) socket.write(head);
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) return;
    socket.write(i < pending.length ? (pending[i] ?? '') : '{');
    i++;
  }, 100);
  await Promise.race([closed, new Promise((r) => setTimeout(r, opts.forMs))]);
  clearInterval(timer);
  socket.destroy();
  return { answeredAfter, closedAfter, response };
}

const post = (auth: string, length = 16_000) =>
  `POST /api/v1/twitter HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${auth}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

function bodyOf(raw: string): { type: string | undefined; text: string } {
  const [head = '', text = ''] = raw.split('\r\n\r\n');
  return { type: /content-type: ([^\r\n]+)/i.exec(head)?.[1], text };
}

describe('slow request bodies', () => {
  it('when a request is refused (401) before its slow body is read, then the answer says Connection: close and the socket is closed at once', async () => {
    const t = await trickle(post(`sk-${'Z'.repeat(43)}`), { forMs: 6_000 });
    expect(t.response).toMatch(/^HTTP\/1\.1 401 /);
    expect(t.response).toMatch(/\r\nconnection: close\r\n/i);
    expect(t.answeredAfter).not.toBeNull();
    expect(t.closedAfter).not.toBeNull();
    expect((t.closedAfter ?? Infinity) - (t.answeredAfter ?? 0)).toBeLessThanOrEqual(500);
    expect(envelopeProblem(bodyOf(t.response).type, bodyOf(t.response).text)).toBeNull();
  });

  it('when an authorised request trickles its body, then the server answers 408 in the envelope and closes within the request timeout', async () => {
    const t = await trickle(post(key), { forMs: 8_000 });
    expect(t.closedAfter).not.toBeNull();
    expect(t.closedAfter ?? Infinity).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS + SLACK_MS);
    expect(t.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(envelopeProblem(bodyOf(t.response).type, bodyOf(t.response).text)).toBeNull();
  });

  it('when headers trickle in, then the server closes within the headers timeout', async () => {
    const t = await trickle(post(key), { forMs: 8_000, trickleHead: true });
    expect(t.closedAfter).not.toBeNull();
    expect(t.closedAfter ?? Infinity).toBeLessThanOrEqual(HEADERS_TIMEOUT_MS + SLACK_MS);
    expect(t.response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('when large bodies go to routes that read none, then every client gets its answer, not a reset mid-write', async () => {
    // The server answers (404/405/401) before the body arrives and closes the connection; a close
    // that dropped the socket at once reset clients still writing (EPIPE/ECONNRESET, no answer).
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const body = Buffer.alloc(8_000_000, 'a'); // more than the kernel buffers take at once
    const targets = ['/nope', '/readyz', '/assets/app.js', '/api/v1/twitter'];
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          new Promise<string>((resolve) => {
            const r = http.request(`${api.url}${targets[i % targets.length]}`, {
              agent,
              method: i % 2 ? 'PATCH' : 'POST',
              headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
            });
            r.on('response', (res) => {
              res.resume();
              res.on('end', () => resolve(String(res.statusCode)));
            });
            r.on('error', (err: NodeJS.ErrnoException) => resolve(`client error ${err.code ?? err.message}`));
            r.end(body);
          }),
        ),
      );
      expect(outcomes.filter((o) => o.startsWith('client error'))).toEqual([]);
      expect(outcomes.every((o) => /^4\d\d$/.test(o))).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('when a request with a body is answered normally, then the connection stays open for the next request (keep-alive)', async () => {
    const res = await fetch(`${api.url}/api/v1/twitter`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.com/x' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('connection')).not.toBe('close');
  });
});
