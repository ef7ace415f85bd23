import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createXSim } from '../../apps/x-sim/src';
import { startHarness, type Harness } from '../support/harness';
import { TWO_RENDITIONS, balanceWhen, convert, ffmpegChildren, grant, json, postUrl, waitFor } from './media.support';

const video = postUrl(TWO_RENDITIONS);
const clip = { url: video, options: { end_time: 2 } };

async function funded(h: Harness, credits = 20) {
  const a = await h.createKey();
  await grant(h, a.userId, credits);
  return a;
}

function workers(h: Harness) {
  const media = h.container.media;
  return media.workers.stats();
}

describe('one worker, no queue (CONVERT_CONCURRENCY=1, CONVERT_QUEUE_SIZE=0)', () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness({ env: { CONVERT_CONCURRENCY: '1', CONVERT_QUEUE_SIZE: '0', CONVERT_MAX_PER_ACCOUNT: '5' } });
    base = await h.listen();
    await h.sim.mediaReady();
  });
  afterAll(async () => {
    await h.close();
  });

  it('when the worker is busy and the queue is full, then 503 with Retry-After and nothing is charged', async () => {
    const a = await funded(h);
    const b = await funded(h, 5);
    h.sim.faults.hang(1, 'media'); // the first conversion's download stalls: its worker stays busy
    const first = convert(base, a.key, 'mp3', clip);
    expect(await waitFor(() => workers(h).running === 1)).toBe(true);
    const refused = await convert(base, b.key, 'mp3', clip);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(json(refused)).toMatchObject({ type: 'convert_busy' });
    expect(await h.container.credits.balance(b.userId)).toBe(5);
    // the stalled one ends with a clean error (upstream idle timeout) and is refunded
    const stalled = await first;
    expect(stalled.status).toBe(502);
    expect(await balanceWhen(h, a.userId, 20)).toBe(20);
    expect(workers(h).running).toBe(0);
  });

  it('when the client disconnects mid-conversion, then ffmpeg is killed at once and the worker is freed', async () => {
    const a = await funded(h);
    const controller = new AbortController();
    // a 40 s 720p re-encode takes several seconds: the disconnect lands while ffmpeg works
    const res = await fetch(`${base}/api/convert/mp4`, {
      method: 'POST',
      headers: { Authorization: a.key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: video, options: { start_time: 0.5, h264: true } }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    await reader?.read();
    expect(ffmpegChildren().length).toBe(1);
    const mediaBefore = h.sim.stats().mediaRequests;
    controller.abort();
    expect(await waitFor(() => ffmpegChildren().length === 0, 2000)).toBe(true);
    expect(await waitFor(() => workers(h).running === 0, 2000)).toBe(true);
    expect(h.sim.stats().mediaRequests).toBe(mediaBefore);
  });
});

describe('per-account limit (CONVERT_MAX_PER_ACCOUNT=1)', () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness({ env: { CONVERT_CONCURRENCY: '3', CONVERT_MAX_PER_ACCOUNT: '1' } });
    base = await h.listen();
    await h.sim.mediaReady();
  });
  afterAll(async () => {
    await h.close();
  });

  it('when an account already runs a conversion, then its second gets 429 while another account is served', async () => {
    const a = await funded(h);
    const b = await funded(h);
    h.sim.faults.hang(1, 'media');
    const first = convert(base, a.key, 'mp3', clip);
    expect(await waitFor(() => workers(h).running === 1)).toBe(true);
    const second = await convert(base, a.key, 'mp3', clip);
    expect(second.status).toBe(429);
    expect(json(second)).toMatchObject({ type: 'convert_account_busy' });
    expect(second.headers.get('x-ratelimit-limit')).toBe('60');
    const other = await convert(base, b.key, 'mp3', clip);
    expect(other.status).toBe(200);
    await first;
    // the slot is free again once the first one ended
    expect((await convert(base, a.key, 'mp3', clip)).status).toBe(200);
  });
});

describe('client disconnect stops the download from X', () => {
  // A media host that sends the first megabyte of a real file and then stalls, and records when
  // our client closes its connection.
  let media: Server;
  let closedAt: number | undefined;
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    const sim = createXSim();
    const state = await sim.mediaReady();
    if (!state.ok) throw new Error(state.reason);
    const file = readFileSync(state.files.long720.file);
    media = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(file.length) });
      res.write(file.subarray(0, 1024 * 1024));
      req.socket.on('close', () => {
        closedAt = Date.now();
      });
    });
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
    const port = (media.address() as AddressInfo).port;
    h = await startHarness({ env: { X_MEDIA_BASE_URL: `http://127.0.0.1:${String(port)}`, X_BODY_TIMEOUT_MS: '20000' } });
    base = await h.listen();
  });
  afterAll(async () => {
    await h.close();
    media.closeAllConnections();
    await new Promise((resolve) => media.close(resolve));
  });

  it('when the client hangs up after the first bytes, then our upstream connection is closed and ffmpeg is gone', async () => {
    const a = await funded(h);
    const controller = new AbortController();
    const res = await fetch(`${base}/api/convert/mp3`, {
      method: 'POST',
      headers: { Authorization: a.key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: video }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    await res.body?.getReader().read();
    expect(closedAt).toBeUndefined(); // the stalled download is still open
    const abortedAt = Date.now();
    controller.abort();
    expect(await waitFor(() => closedAt !== undefined, 2000)).toBe(true);
    expect((closedAt ?? Infinity) - abortedAt).toBeLessThan(1000);
    expect(await waitFor(() => ffmpegChildren().length === 0, 2000)).toBe(true);
  });
});
