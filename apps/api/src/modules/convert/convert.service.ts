import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AppError } from '../../lib/errors/app-error';
import type { Logger } from '../../lib/logger/logger';
import { downloadableMedia, mediaBaseName } from '../media/download.service';
import type { MediaFetcher } from '../media/media.fetch';
import { allowedMediaUrl } from '../media/media-link';
import { buildTwitterData } from '../twitter/parse/envelope';
import { parseTweetUrl } from '../twitter/parse/tweet-url';
import type { Extractor } from '../twitter/twitter.routes';
import type { TweetRef } from '../twitter/twitter.types';
import { DEFAULT_AUDIO_KBPS, GIF_MAX_WIDTH, creditCost, ffmpegArgs, needsReencode, outputWindow, pickRendition, type Rendition } from './convert.plan';
import type { ConvertFormat, ConvertOptions } from './convert.schemas';
import type { AccountSlots, WorkerPool } from './convert.slots';
import type { ConvertJob, Converter } from './ffmpeg.converter';
import { probeSource, type ProbeResult } from './probe';

/** What conversion needs from the credits ledger (modules/credits). */
export interface CreditsPort {
  reserve(input: { userId: string; amount: number; reason: string; idempotencyKey: string }): Promise<{ entryId: string; replayed: boolean }>;
  refund(entryId: string, reason: string): Promise<unknown>;
}

export interface ConvertConfig {
  maxSeconds: number;
  gifMaxSeconds: number;
  creditCostPerMinute: number;
  ffprobePath: string;
  /** Retry-After for 503 when every worker is busy */
  busyRetryAfterSeconds: number;
}

export interface PreparedConversion {
  job: ConvertJob;
  cost: number;
  filename: string;
  /** the label of the charge in the ledger */
  reason: string;
  subtitles: 'unavailable' | undefined;
}

interface Source {
  url: string;
  /** `<user>-<statusId>-<n>` or the media file's own name */
  baseName: string;
  seconds: number | null;
  width: number;
  isH264: boolean;
}

const DIRECT_URL_HELP =
  'url must be an X post URL (https://x.com/<user>/status/<id>, optionally /video/N) or a direct https://video.twimg.com/….mp4 URL';

export function createConvertService(deps: {
  extractor: Extractor;
  fetcher: MediaFetcher;
  converter: Converter;
  credits: CreditsPort;
  workers: WorkerPool;
  accountSlots: AccountSlots;
  config: ConvertConfig;
  logger: Logger;
}) {
  const { config } = deps;

  async function fromPost(ref: TweetRef, format: ConvertFormat, options: ConvertOptions, requestId: string, signal: AbortSignal): Promise<Source> {
    const tweet = await deps.extractor.extract(ref.statusId, { requestId, signal });
    const built = buildTwitterData(tweet, ref, new Date());
    if (!built.ok) throw new AppError(built.reason);
    // media_index is the selected video's 1-based position among every media item of the post
    const selected = built.data.media[built.data.media_index - 1];
    if (!selected || selected.type === 'photo') throw new AppError('no_video');
    if (selected.variants.length === 0) throw new AppError('no_video', 'This video is only offered as an HLS stream, which cannot be converted');
    const renditions: Rendition[] = selected.variants.map((v) => ({ url: v.url, width: v.width, height: v.height, bitrate: v.bitrate }));
    const chosen = pickRendition(format, renditions, options);
    // numbered as /download numbers the post's items
    const position = downloadableMedia(tweet).indexOf(selected) + 1;
    return {
      url: chosen.url,
      baseName: mediaBaseName(tweet.username, tweet.statusId, Math.max(1, position)),
      seconds: selected.duration_ms === null ? null : selected.duration_ms / 1000,
      width: chosen.width,
      isH264: chosen.url.includes('/avc1/') || selected.type === 'gif',
    };
  }

  function fromDirectUrl(raw: string): Source {
    const url = allowedMediaUrl(raw);
    if (!url || url.hostname !== 'video.twimg.com' || !url.pathname.toLowerCase().endsWith('.mp4')) {
      throw new AppError('invalid_url', DIRECT_URL_HELP);
    }
    const name = url.pathname.slice(url.pathname.lastIndexOf('/') + 1, -4).replace(/[^A-Za-z0-9_-]/g, '') || 'media';
    return { url: url.toString(), baseName: name, seconds: null, width: 0, isH264: url.pathname.includes('/avc1/') };
  }

  return {
    /** Validates everything and decides the job and its price; no credits are touched yet. */
    async prepare(format: ConvertFormat, rawUrl: unknown, options: ConvertOptions, requestId: string, signal: AbortSignal): Promise<PreparedConversion> {
      if (typeof rawUrl !== 'string' || rawUrl.trim() === '') throw new AppError('url_required');
      const post = parseTweetUrl(rawUrl);
      let source: Source;
      if (post.ok) source = await fromPost(post.ref, format, options, requestId, signal);
      else if (/^https?:\/\/[^/]*twimg\.com\//i.test(rawUrl.trim())) source = fromDirectUrl(rawUrl.trim());
      else if (post.code === 'unsupported_url') throw new AppError('unsupported_url');
      else throw new AppError('invalid_url', DIRECT_URL_HELP);

      let probe: ProbeResult | undefined;
      if (source.seconds === null || source.width === 0) {
        probe = await probeSource({ fetcher: deps.fetcher, ffprobePath: config.ffprobePath }, source.url, signal);
        if ((format === 'mp3' || format === 'wav') && !probe.hasAudio) throw new AppError('no_audio');
      }
      const seconds = source.seconds ?? probe?.seconds ?? 0;
      const window = outputWindow(format, options, seconds, { maxSeconds: config.maxSeconds, gifMaxSeconds: config.gifMaxSeconds });
      const width = source.width || probe?.width || GIF_MAX_WIDTH;
      const isH264 = probe?.videoCodec !== undefined ? probe.videoCodec === 'h264' : source.isH264;
      const args = ffmpegArgs({
        format,
        window,
        audioKbps: options.audioKbps ?? (format === 'mp4' ? 128 : DEFAULT_AUDIO_KBPS),
        reencode: format === 'mp4' && needsReencode(options, window, isH264),
        gifWidth: Math.min(GIF_MAX_WIDTH, width),
      });
      return {
        job: { sourceUrl: source.url, format, args, requestId },
        cost: creditCost(window.seconds, config.creditCostPerMinute),
        filename: `${source.baseName}.${format}`,
        reason: `convert ${format} ${source.baseName}`,
        // X's guest API exposes no caption tracks, so there is never anything to embed.
        subtitles: options.subtitles ? 'unavailable' : undefined,
      };
    },

    /**
     * Admission and payment, in this order: the account's concurrent-slot (429), a worker or a
     * queue place in this process (503), then the credits (402) — so a refused request costs
     * nothing. Then waits for the worker and starts the converter.
     */
    async start(
      prepared: PreparedConversion,
      who: { userId: string; idempotencyKey: string | undefined },
      signal: AbortSignal,
    ): Promise<{ output: Readable; charge: { entryId: string; replayed: boolean }; refund: (why: string) => void }> {
      const slot = await deps.accountSlots.acquire(who.userId);
      if (!slot) throw new AppError('convert_account_busy');
      const ticket = deps.workers.tryAcquire();
      if (!ticket) {
        slot.release();
        throw new AppError('convert_busy', undefined, { retryAfter: config.busyRetryAfterSeconds });
      }
      const releaseAll = () => {
        ticket.release();
        slot.release();
      };
      let charge: { entryId: string; replayed: boolean };
      try {
        // Without an Idempotency-Key header every request is its own charge.
        const idempotencyKey = who.idempotencyKey === undefined ? `convert:auto:${randomUUID()}` : `convert:${who.idempotencyKey}`;
        charge = await deps.credits.reserve({ userId: who.userId, amount: prepared.cost, reason: prepared.reason, idempotencyKey });
      } catch (err) {
        releaseAll();
        throw err;
      }
      let refunded = false;
      const refund = (why: string) => {
        if (refunded) return;
        refunded = true;
        deps.credits.refund(charge.entryId, why).catch((err: unknown) => {
          deps.logger.error({ err: String(err), entryId: charge.entryId }, 'conversion refund failed');
        });
      };
      try {
        await Promise.race([
          ticket.ready,
          new Promise<never>((_resolve, reject) => {
            if (signal.aborted) reject(new AppError('convert_failed', 'Conversion cancelled: the client went away'));
            signal.addEventListener('abort', () => reject(new AppError('convert_failed', 'Conversion cancelled: the client went away')), { once: true });
          }),
        ]);
      } catch (err) {
        releaseAll();
        refund('cancelled before start');
        throw err;
      }
      const output = deps.converter.convert(prepared.job, signal);
      output.once('close', releaseAll);
      return { output, charge, refund };
    },
  };
}

export type ConvertService = ReturnType<typeof createConvertService>;
