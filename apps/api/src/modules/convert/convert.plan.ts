import { AppError } from '../../lib/errors/app-error';
import type { ConvertFormat, ConvertOptions } from './convert.schemas';

export interface Rendition {
  url: string;
  width: number;
  height: number;
  bitrate: number;
}

/** Decisions the API documents: defaults and caps that are ours, not the seed docs'. */
export const GIF_FPS = 12;
export const GIF_MAX_WIDTH = 480;
export const DEFAULT_AUDIO_KBPS = 192;
/** Leeway for end_time against X's millisecond duration (container durations differ slightly). */
const DURATION_SLACK = 0.05;

const shortSide = (r: Rendition) => Math.min(r.width, r.height);

/**
 * mp4: the best rendition whose short side is at or under video_quality (above the source → the
 * source; under the smallest → the smallest). gif: the smallest at least GIF_MAX_WIDTH wide.
 * Audio formats: the best (X's higher renditions carry the better audio).
 */
export function pickRendition(format: ConvertFormat, renditions: readonly Rendition[], options: ConvertOptions): Rendition {
  const byQuality = [...renditions].sort((a, b) => shortSide(b) - shortSide(a) || b.bitrate - a.bitrate);
  const best = byQuality[0];
  if (!best) throw new AppError('no_video');
  if (format === 'mp4' && options.videoHeight !== undefined) {
    const wanted = options.videoHeight;
    return byQuality.find((r) => shortSide(r) <= wanted) ?? byQuality[byQuality.length - 1] ?? best;
  }
  if (format === 'gif') {
    const wide = byQuality.filter((r) => r.width >= GIF_MAX_WIDTH);
    return wide[wide.length - 1] ?? best;
  }
  return best;
}

export interface OutputWindow {
  /** seconds into the media */
  start: number;
  /** output length, seconds */
  seconds: number;
  trimmed: boolean;
}

/** Checks start_time/end_time against the media and the caps; every refusal names the option. */
export function outputWindow(
  format: ConvertFormat,
  options: ConvertOptions,
  mediaSeconds: number,
  caps: { maxSeconds: number; gifMaxSeconds: number },
): OutputWindow {
  const start = options.startTime ?? 0;
  const media = `the media is ${mediaSeconds.toFixed(2)} s long`;
  if (start >= mediaSeconds) throw new AppError('invalid_option', `start_time is beyond the end of the media (${media})`);
  if (options.endTime !== undefined && options.endTime > mediaSeconds + DURATION_SLACK) {
    throw new AppError('invalid_option', `end_time is beyond the end of the media (${media})`);
  }
  const end = Math.min(options.endTime ?? mediaSeconds, mediaSeconds);
  const seconds = end - start;
  const cap = format === 'gif' ? Math.min(caps.gifMaxSeconds, caps.maxSeconds) : caps.maxSeconds;
  if (seconds > cap) {
    throw new AppError(
      'output_too_long',
      `The output would be ${seconds.toFixed(1)} s; ${format} output is limited to ${String(cap)} s: set start_time/end_time to a shorter range`,
    );
  }
  return { start, seconds, trimmed: options.startTime !== undefined || options.endTime !== undefined };
}

/** Credits for an output: per started minute. */
export function creditCost(seconds: number, perMinute: number): number {
  return Math.max(1, Math.ceil(seconds / 60 - 1e-9)) * perMinute;
}

export interface FfmpegPlan {
  format: ConvertFormat;
  window: OutputWindow;
  audioKbps: number;
  /** mp4: re-encode to H.264/AAC instead of copying the streams */
  reencode: boolean;
  /** gif: output width (never upscaled) */
  gifWidth: number;
}

/** mp4 is copied unless a trim (frame-accurate cut) or h264:true on a non-H.264 source needs encoding. */
export function needsReencode(options: ConvertOptions, window: OutputWindow, sourceIsH264: boolean): boolean {
  return window.trimmed || (options.h264 && !sourceIsH264);
}

const num = (n: number) => n.toFixed(3);

/**
 * The ffmpeg command line. Input is always stdin and output stdout: `-protocol_whitelist pipe`
 * means ffmpeg cannot open a file or URL named inside the media either.
 */
export function ffmpegArgs(plan: FfmpegPlan): string[] {
  const { window } = plan;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-protocol_whitelist', 'pipe', '-i', 'pipe:0'];
  // -ss after -i: decode-and-discard, frame/sample accurate, and works on a pipe (no seeking).
  if (window.start > 0) args.push('-ss', num(window.start));
  args.push('-t', num(window.seconds));
  switch (plan.format) {
    case 'mp3':
      return [...args, '-map', '0:a:0', '-vn', '-c:a', 'libmp3lame', '-b:a', `${String(plan.audioKbps)}k`, '-f', 'mp3', 'pipe:1'];
    case 'wav':
      return [...args, '-map', '0:a:0', '-vn', '-c:a', 'pcm_s16le', '-f', 'wav', 'pipe:1'];
    case 'gif': {
      const filter = `fps=${String(GIF_FPS)},scale=${String(plan.gifWidth)}:-1:flags=lanczos,split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=3`;
      return [...args, '-map', '0:v:0', '-an', '-vf', filter, '-f', 'gif', 'pipe:1'];
    }
    case 'mp4': {
      // Fragmented MP4: the moov comes first, so the file plays from its first byte while streaming.
      const mux = ['-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', 'pipe:1'];
      const maps = ['-map', '0:v:0', '-map', '0:a:0?'];
      if (!plan.reencode) return [...args, ...maps, '-c', 'copy', ...mux];
      // No B-frames: a fragmented MP4 has no edit list to hide their start delay, so the video
      // would begin ~80 ms after the audio (and the file would run long).
      const encode = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-bf', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', `${String(plan.audioKbps)}k`];
      return [...args, ...maps, ...encode, ...mux];
    }
  }
}
