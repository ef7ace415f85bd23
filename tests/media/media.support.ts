import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Harness } from '../support/harness';

const run = promisify(execFile);

/** Post ids of the simulator's synthetic conversion posts (apps/x-sim/fixtures/synthetic). */
export const TWO_RENDITIONS = '993001';
export const PHOTO_VIDEO_GIF = '993002';
export const postUrl = (id: string, suffix = '') => `https://x.com/sim_media/status/${id}${suffix}`;
/** The 640x360 rendition of 993001, as X would link it. */
export const DIRECT_360 = 'https://video.twimg.com/ext_tw_video/9930011/pu/vid/avc1/640x360/SimLong640x360.mp4';

export interface Probe {
  format: { format_name: string; duration?: string; bit_rate?: string };
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; sample_rate?: string; channels?: number; sample_fmt?: string }>;
}

/** ffprobe of bytes we received (written to a temp file so the container is read as a file). */
export async function ffprobe(bytes: Buffer, ext: string): Promise<Probe> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'twdown-probe-'));
  const file = path.join(dir, `out.${ext}`);
  try {
    writeFileSync(file, bytes);
    const { stdout } = await run('/usr/bin/ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file]);
    return JSON.parse(stdout) as Probe;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const durationOf = (p: Probe) => Number(p.format.duration);

/** ffmpeg processes whose parent is this (test + in-process server) process. */
export function ffmpegChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ..." — comm may hold spaces, so split after the closing parenthesis
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && (comm === 'ffmpeg' || comm === 'ffprobe')) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

export async function grant(h: Harness, userId: string, amount: number): Promise<void> {
  await h.container.credits.grant({ userId, amount, reason: 'test grant', idempotencyKey: `test:${Math.random()}` });
}

export interface Converted {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

/** POST /api/convert/<fmt> over real HTTP (raw key, as the seed docs' clients send it). */
export async function convert(base: string, key: string, fmt: string, body: unknown, extra: Record<string, string> = {}, prefix = '/api'): Promise<Converted> {
  const res = await fetch(`${base}${prefix}/convert/${fmt}`, {
    method: 'POST',
    headers: { Authorization: key, 'Content-Type': 'application/json', ...extra },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

export function json(c: Converted): Record<string, unknown> {
  return JSON.parse(c.bytes.toString('utf8')) as Record<string, unknown>;
}

/** The balance once it reaches `expected` (refunds land just after the response), or the last seen. */
export async function balanceWhen(h: Harness, userId: string, expected: number, timeoutMs = 3000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let balance = await h.container.credits.balance(userId);
  while (balance !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    balance = await h.container.credits.balance(userId);
  }
  return balance;
}
