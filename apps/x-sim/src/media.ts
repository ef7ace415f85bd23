import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type MediaAsset = 'video' | 'gif' | 'jpeg' | 'png' | 'segment' | 'long720' | 'long360';

export interface MediaFile {
  file: string;
  size: number;
  contentType: string;
}

export type MediaState = { ok: true; files: Record<MediaAsset, MediaFile> } | { ok: false; reason: string };

export interface MediaFiles {
  /** Resolves once the generated files exist (or it is known they cannot be generated). */
  ready(): Promise<MediaState>;
}

export const DEFAULT_MEDIA_CACHE_DIR = path.join(os.tmpdir(), 'twdown-x-sim-media-v1');

const QUIET = ['-y', '-hide_banner', '-loglevel', 'error', '-nostdin'];
const PATTERN = ['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=2'];
const TONE = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=2'];
const H264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p'];
const AAC = ['-c:a', 'aac', '-b:a', '64k', '-shortest'];
const STILL = ['-f', 'lavfi', '-i', 'testsrc2=size=640x360', '-frames:v', '1'];
// 40 s (longer than the 30 s clips conversions are measured on) of pattern + 440 Hz stereo tone,
// in two renditions of one post; a keyframe every 2 s as X's encodes have.
const LONG_SECONDS = 40;
const longPattern = (size: string) => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25:duration=${LONG_SECONDS}`];
const LONG_TONE = ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${LONG_SECONDS}`];
const LONG_H264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '30', '-pix_fmt', 'yuv420p', '-g', '50'];
const LONG_AAC = ['-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-shortest'];

const RECIPES: Record<MediaAsset, { name: string; contentType: string; args: string[] }> = {
  video: { name: 'video.mp4', contentType: 'video/mp4', args: [...PATTERN, ...TONE, ...H264, ...AAC, '-movflags', '+faststart', '-f', 'mp4'] },
  // X serves GIFs as silent MP4s under tweet_video/.
  gif: { name: 'gif.mp4', contentType: 'video/mp4', args: [...PATTERN, ...H264, '-an', '-movflags', '+faststart', '-f', 'mp4'] },
  jpeg: { name: 'image.jpg', contentType: 'image/jpeg', args: [...STILL, '-c:v', 'mjpeg', '-f', 'image2'] },
  png: { name: 'image.png', contentType: 'image/png', args: [...STILL, '-c:v', 'png', '-f', 'image2'] },
  segment: { name: 'segment.ts', contentType: 'video/mp2t', args: [...PATTERN, ...TONE, ...H264, ...AAC, '-f', 'mpegts'] },
  long720: { name: 'long-1280x720.mp4', contentType: 'video/mp4', args: [...longPattern('1280x720'), ...LONG_TONE, ...LONG_H264, ...LONG_AAC, '-movflags', '+faststart', '-f', 'mp4'] },
  long360: { name: 'long-640x360.mp4', contentType: 'video/mp4', args: [...longPattern('640x360'), ...LONG_TONE, ...LONG_H264, ...LONG_AAC, '-movflags', '+faststart', '-f', 'mp4'] },
};

/**
 * Media files of the synthetic conversion posts (fixtures/synthetic/*-993xxx.json) are served by
 * file name; every other path gets the generic asset of its kind.
 */
export const NAMED_ASSETS: Readonly<Record<string, MediaAsset>> = {
  'SimLong1280x720.mp4': 'long720',
  'SimLong640x360.mp4': 'long360',
};

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

async function generate(ffmpeg: string, dir: string, asset: MediaAsset): Promise<MediaFile> {
  const recipe = RECIPES[asset];
  const file = path.join(dir, recipe.name);
  let size = await sizeOf(file);
  if (size === 0) {
    // Several simulators (or Jest workers) may start at once: write aside, then rename atomically.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await run(ffmpeg, [...QUIET, ...recipe.args, tmp], { timeout: 60_000 });
      await rename(tmp, file);
    } finally {
      await rm(tmp, { force: true });
    }
    size = await sizeOf(file);
  }
  return { file, size, contentType: recipe.contentType };
}

async function generateAll(ffmpeg: string, dir: string): Promise<MediaState> {
  try {
    await run(ffmpeg, ['-hide_banner', '-version'], { timeout: 10_000 });
  } catch (err: unknown) {
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, reason: `ffmpeg is not available (${ffmpeg}: ${detail}); install it with: apt-get install -y ffmpeg` };
  }
  try {
    await mkdir(dir, { recursive: true });
    const assets = Object.keys(RECIPES) as MediaAsset[];
    const files = await Promise.all(assets.map((asset) => generate(ffmpeg, dir, asset)));
    const byAsset = Object.fromEntries(assets.map((asset, i) => [asset, files[i]])) as Record<MediaAsset, MediaFile>;
    return { ok: true, files: byAsset };
  } catch (err: unknown) {
    return { ok: false, reason: `generating test media with ffmpeg failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

const generations = new Map<string, Promise<MediaState>>();

/** Generation runs once per process per (ffmpeg, directory) and the files are reused across runs. */
export function createMediaFiles(options: { ffmpegPath: string; cacheDir: string }): MediaFiles {
  const key = `${options.ffmpegPath}\n${options.cacheDir}`;
  return {
    ready(): Promise<MediaState> {
      let pending = generations.get(key);
      if (!pending) {
        pending = generateAll(options.ffmpegPath, options.cacheDir);
        generations.set(key, pending);
      }
      return pending;
    },
  };
}
