/**
 * Drill 4 (issue 10): PostgreSQL unreachable. The API process reaches PostgreSQL through a TCP
 * proxy this test controls; cutting it drops every open connection and then swallows new ones
 * (accepted, never answered: the worst case, no quick "connection refused").
 * Promise: keys already cached keep working; a key not yet cached gets a clear, fast
 * 503 database_unavailable with Retry-After, not a hang and not a 500; and it recovers.
 */
import net from 'node:net';
import { PAST_LIMITER, postTwitter, report, startFleet, statusOf, type Fleet } from './fleet';

const VIDEO_POST = JSON.stringify({ url: 'https://x.com/sim_video/status/992010' });
const CONNECT_TIMEOUT_MS = 1000;

interface PgProxy {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

async function startPgProxy(target: { host: string; port: number }): Promise<PgProxy> {
  let open = true;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (!open) return; // swallowed: accepted, never answered
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let fleet: Fleet;
let proxy: PgProxy;
beforeAll(async () => {
  fleet = await startFleet(0);
  const pg = new URL(fleet.h.db.url);
  proxy = await startPgProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
  const viaProxy = new URL(fleet.h.db.url);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  fleet.env.DATABASE_URL = viaProxy.toString();
  fleet.env.DATABASE_CONNECT_TIMEOUT_MS = String(CONNECT_TIMEOUT_MS);
  fleet.env.DATABASE_QUERY_TIMEOUT_MS = '2000';
  fleet.env.AUTH_CACHE_TTL_SECONDS = '300'; // the drill is about the cache carrying the outage
  await fleet.add();
}, 90_000);
afterAll(async () => {
  await fleet.stop();
  await proxy.close();
});

async function timed(p: Promise<Response>): Promise<{ status: number; ms: number; type?: string; retryAfter: string | null }> {
  const started = performance.now();
  const res = await p;
  const body = (await res.json()) as { error?: { type?: string } };
  return { status: res.status, ms: performance.now() - started, type: body.error?.type, retryAfter: res.headers.get('retry-after') };
}

it('drill 4: when PostgreSQL becomes unreachable, then cached keys keep working and an uncached key gets a fast 503 database_unavailable', async () => {
  const api = fleet.apis[0];
  if (!api) throw new Error('no server');
  const cached = await fleet.h.createKey();
  const uncached = await fleet.h.createKey();
  expect(await statusOf(postTwitter(api.url, cached.key))).toBe(400); // now in the auth cache
  expect(await statusOf(postTwitter(api.url, cached.key, VIDEO_POST))).toBe(200);

  proxy.cut();
  const cachedDuring: number[] = [];
  for (let i = 0; i < 20; i++) cachedDuring.push(await statusOf(postTwitter(api.url, cached.key, i % 2 ? VIDEO_POST : PAST_LIMITER)));
  const refusals = [];
  for (let i = 0; i < 3; i++) refusals.push(await timed(postTwitter(api.url, uncached.key)));

  proxy.restore();
  let recoveredAfterMs = Infinity;
  const restoredAt = performance.now();
  while (performance.now() - restoredAt < 10_000) {
    if ((await statusOf(postTwitter(api.url, uncached.key))) === 400) {
      recoveredAfterMs = performance.now() - restoredAt;
      break;
    }
  }

  report(
    '4 PostgreSQL unreachable',
    `cached key during the cut: ${cachedDuring.filter((s) => s === 200 || s === 400).length}/20 answered normally; ` +
      `uncached key: [${refusals.map((r) => `${r.status} ${r.type} in ${r.ms.toFixed(0)} ms, Retry-After ${r.retryAfter}`).join('; ')}] ` +
      `(connect timeout ${CONNECT_TIMEOUT_MS} ms); the new key worked ${recoveredAfterMs.toFixed(0)} ms after the proxy was restored`,
  );
  expect(cachedDuring).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? 200 : 400)));
  for (const r of refusals) {
    expect(r).toMatchObject({ status: 503, type: 'database_unavailable', retryAfter: '5' });
    expect(r.ms).toBeLessThan(CONNECT_TIMEOUT_MS + 2000);
  }
  expect(recoveredAfterMs).toBeLessThan(10_000);
}, 60_000);
