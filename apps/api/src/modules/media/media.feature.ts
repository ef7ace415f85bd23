import type { Env } from '../../lib/config/env';
import type { Logger } from '../../lib/logger/logger';
import type { Redis } from '../../lib/redis/redis';
import { convertHandler } from '../convert/convert.routes';
import { createConvertService, type CreditsPort } from '../convert/convert.service';
import { createAccountSlots, createWorkerPool } from '../convert/convert.slots';
import { createFfmpegConverter, type Converter } from '../convert/ffmpeg.converter';
import { createMediaFetcher } from './media.fetch';
import { createMediaLinks, randomLinkSecret } from './media-link';
import { createMediaHandlers } from './media.routes';
import type { Extractor } from '../twitter/twitter.routes';

/**
 * /download, /convert and our download links, built once from the environment. The container
 * creates it; app.ts mounts its handlers on both route families.
 */
export function createMediaFeature(deps: {
  env: Env;
  logger: Logger;
  redis: Redis | null;
  extractor: Extractor;
  credits: CreditsPort;
  keyPrefix: string;
  /** another Converter (e.g. a queue client); in-process ffmpeg by default */
  converter?: Converter;
}) {
  const { env, logger } = deps;
  let secret = env.MEDIA_LINK_SECRET;
  if (secret === undefined) {
    secret = randomLinkSecret();
    logger.warn('MEDIA_LINK_SECRET is not set: using a random secret for this process; download links stop working at restart and are not valid on other instances');
  }
  const links = createMediaLinks({ secret, ttlSeconds: env.MEDIA_LINK_TTL_SECONDS });
  const fetcher = createMediaFetcher({ baseUrl: env.X_MEDIA_BASE_URL, connectTimeoutMs: env.X_CONNECT_TIMEOUT_MS, idleTimeoutMs: env.X_BODY_TIMEOUT_MS });
  const converter = deps.converter ?? createFfmpegConverter({ fetcher, ffmpegPath: env.FFMPEG_PATH, logger });
  const workers = createWorkerPool({ concurrency: env.CONVERT_CONCURRENCY, queueSize: env.CONVERT_QUEUE_SIZE });
  const accountSlots = createAccountSlots({ redis: deps.redis, keyPrefix: `${deps.keyPrefix}:convert:active`, max: env.CONVERT_MAX_PER_ACCOUNT, logger });
  const service = createConvertService({
    extractor: deps.extractor,
    fetcher,
    converter,
    credits: deps.credits,
    workers,
    accountSlots,
    logger,
    config: {
      maxSeconds: env.CONVERT_MAX_SECONDS,
      gifMaxSeconds: env.CONVERT_GIF_MAX_SECONDS,
      creditCostPerMinute: env.CONVERT_CREDIT_COST,
      ffprobePath: env.FFPROBE_PATH,
      busyRetryAfterSeconds: 5,
    },
  });

  return {
    links,
    workers,
    /** Mounted in app.ts on both route families. */
    handlers: {
      ...createMediaHandlers({ extractor: deps.extractor, links, fetcher, publicBaseUrl: env.PUBLIC_BASE_URL, logger }),
      convert: convertHandler({ service, logger }),
    },
    close: () => fetcher.close(),
  };
}

export type MediaFeature = ReturnType<typeof createMediaFeature>;
