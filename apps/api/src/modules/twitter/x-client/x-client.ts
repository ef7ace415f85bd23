/**
 * Our client for X's web GraphQL API (guest), with TweetDetail and the syndication endpoint as
 * fallbacks (see resolve()):
 *   GraphQL TweetResultByRestId (shared guest token; 403/429 → retire + retry once)
 *   → if failing, not found or without media → GraphQL TweetDetail (same token)
 *   → if still no media → syndication tweet-result
 *   → GraphQL's answer unless syndication has media; 503 when no source could answer.
 *   → player-card videos: their VMAP document on video.twimg.com (card-vmap.ts);
 *     an ended broadcast's replay playlist (broadcast-replay.ts).
 * A circuit breaker stops calls while X keeps failing. Only the configured base URLs (API,
 * syndication, and X's video host for VMAPs) are ever contacted.
 */
import { AppError } from '../../../lib/errors/app-error';
import { addBroadcastReplay } from './broadcast-replay';
import { completeCardVideos } from './card-vmap';
import { isContentReason, type ParseOutcome } from '../twitter.types';
import { type BreakerConfig, createCircuitBreaker } from './breaker';
import { createGuestTokenStore } from './guest-token.store';
import { startCipherShuffling } from './tls-ciphers';
import { type Logger, type RedisCommands, type Clock, systemClock, UpstreamFailure } from './x-client.types';
import { X_VIDEO_ORIGIN } from './x-client.config';
import { createXUpstream, type Attempt } from './x-upstream';

export interface XClientConfig {
  apiBaseUrl: string;
  syndicationBaseUrl: string;
  /**
   * X_MEDIA_BASE_URL: unset = player-card VMAPs are fetched from https://video.twimg.com; set =
   * from `${mediaBaseUrl}/video.twimg.com/PATH` (the simulator's /media).
   */
  mediaBaseUrl?: string;
  connectTimeoutMs: number;
  /** Budget for headers + body of one HTTP attempt. */
  bodyTimeoutMs: number;
  /** Retries after the first attempt for 5xx/timeouts/connection errors. */
  maxRetries: number;
  guestTokenTtlSeconds: number;
  keyPrefix: string;
  breaker: BreakerConfig;
  /** Retire a guest token when X reports fewer remaining calls than this (default 10). */
  minRateLimitRemaining?: number;
  /** Retry-After when X gave no x-rate-limit-reset (default 30). */
  defaultRetryAfterSeconds?: number;
  retryBaseDelayMs?: number;
  maxBodyBytes?: number;
  /**
   * Upper bound for one fetchTweet (all attempts, GraphQL and syndication). Past it the caller
   * gets 503 at once and the breaker counts a failure, so a stalled X cannot pile requests up.
   */
  deadlineMs?: number;
  /** Shuffle TLS ciphers against X's fingerprint block (default true). */
  shuffleTlsCiphers?: boolean;
}

const STATUS_ID = /^\d{1,20}$/;

const hasMedia = (o: ParseOutcome): boolean => o.ok && o.tweet.media.length > 0;

export function createXClient(deps: { redis: RedisCommands; logger: Logger; config: XClientConfig; clock?: Clock }) {
  const { logger, config } = deps;
  const clock = deps.clock ?? systemClock;
  const defaultRetryAfter = config.defaultRetryAfterSeconds ?? 30;
  const ciphers = config.shuffleTlsCiphers === false ? undefined : startCipherShuffling();
  const breaker = createCircuitBreaker(config.breaker, clock);
  const videoBaseUrl = config.mediaBaseUrl === undefined ? X_VIDEO_ORIGIN : `${config.mediaBaseUrl.replace(/\/+$/, '')}/video.twimg.com`;

  const upstream = createXUpstream({
    logger,
    clock,
    config: {
      apiBaseUrl: config.apiBaseUrl,
      syndicationBaseUrl: config.syndicationBaseUrl,
      videoBaseUrl,
      minRateLimitRemaining: config.minRateLimitRemaining ?? 10,
      http: {
        allowedBaseUrls: [config.apiBaseUrl, config.syndicationBaseUrl, videoBaseUrl],
        connectTimeoutMs: config.connectTimeoutMs,
        bodyTimeoutMs: config.bodyTimeoutMs,
        maxRetries: config.maxRetries,
        retryBaseDelayMs: config.retryBaseDelayMs ?? 200,
        maxBodyBytes: config.maxBodyBytes ?? 5 * 1024 * 1024,
      },
    },
    tokens: (activate) =>
      createGuestTokenStore({
        redis: deps.redis,
        logger,
        clock,
        activate,
        config: { keyPrefix: config.keyPrefix, ttlSeconds: config.guestTokenTtlSeconds },
      }),
  });

  /**
   * TweetResultByRestId → TweetDetail (when the first failed, found nothing or had no media) →
   * syndication (when neither had media). Content verdicts (not found, protected, no video …)
   * come only from a GraphQL answer or a syndication tombstone: a degraded path ("rate-limited",
   * "no copy") is never turned into one, it ends in 503 instead.
   */
  async function resolve(statusId: string, requestId: string | undefined, signal: AbortSignal): Promise<ParseOutcome> {
    const rest = await upstream.graphql(statusId, requestId, signal, 'TweetResultByRestId');
    const fromRest = finalOutcome(rest);
    if (fromRest) return fromRest;
    const detail = await upstream.graphql(statusId, requestId, signal, 'TweetDetail');
    const fromDetail = finalOutcome(detail);
    if (fromDetail) return fromDetail;
    const synd = await upstream.syndication(statusId, requestId, signal);
    if (synd.kind === 'outcome' && hasMedia(synd.outcome)) return synd.outcome;
    logger.info(
      { requestId, statusId, graphql: describe(rest), tweetDetail: describe(detail), syndication: describe(synd) },
      'fallbacks had nothing better',
    );
    const graphqlAnswers = [rest, detail].flatMap((a) => (a.kind === 'outcome' ? [a.outcome] : []));
    // A readable post beats "not found" (TweetResultByRestId may miss what TweetDetail has).
    const answer =
      graphqlAnswers.find((o) => o.ok) ??
      graphqlAnswers.find((o) => !o.ok && o.reason !== 'upstream_bad_response') ??
      (synd.kind === 'outcome' && !synd.outcome.ok && isContentReason(synd.outcome.reason) ? synd.outcome : undefined);
    if (answer) return answer;
    const attempts = [rest, detail, synd];
    if (attempts.some((a) => a.kind === 'bad_response' || (a.kind === 'outcome' && !a.outcome.ok && a.outcome.reason === 'upstream_bad_response'))) {
      return { ok: false, reason: 'upstream_bad_response', detail: 'X answered with an unusable body' };
    }
    const retryAfter = attempts.map((a) => (a.kind === 'unavailable' ? a.retryAfter : undefined)).find((r) => r !== undefined);
    throw new UpstreamFailure(
      'unavailable',
      `graphql: ${describe(rest)}; tweetDetail: ${describe(detail)}; syndication: ${describe(synd)}`,
      retryAfter,
    );
  }

  return {
    /**
     * `signal` is the caller's (client gone, or no coalesced caller left): aborting it stops every
     * X call of this extraction. The deadline aborts the same way and answers 503 at once.
     */
    async fetchTweet(statusId: string, opts: { requestId?: string; signal?: AbortSignal } = {}): Promise<ParseOutcome> {
      const { requestId } = opts;
      if (!STATUS_ID.test(statusId)) return { ok: false, reason: 'post_not_found', detail: 'invalid status id' };
      opts.signal?.throwIfAborted();

      const permit = breaker.acquire();
      if (!permit.allowed) {
        const retryAfter = Math.max(1, Math.ceil(permit.retryAfterMs / 1000));
        throw new AppError('upstream_unavailable', undefined, { retryAfter, details: { circuit: 'open' } });
      }
      const deadlineMs = config.deadlineMs ?? 12_000;
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new UpstreamFailure('unavailable', `no answer within ${deadlineMs} ms`)), deadlineMs);
      const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal;
      try {
        const outcome = await untilAborted(
          resolve(statusId, requestId, signal)
            .then((found) => completeCardVideos(found, (url) => upstream.vmap(url, requestId, signal), { logger, requestId, statusId }))
            .then((found) => addBroadcastReplay(found, (id) => upstream.broadcastReplay(id, requestId, signal), { logger, requestId, statusId })),
          signal,
        );
        if (!outcome.ok && outcome.reason === 'upstream_bad_response') breaker.failure(permit.trial);
        else breaker.success(permit.trial);
        return outcome;
      } catch (err: unknown) {
        if (err instanceof UpstreamFailure) {
          breaker.failure(permit.trial);
          logger.warn({ requestId, statusId, cause: err.message }, 'X unavailable after retries and fallback');
          throw new AppError('upstream_unavailable', undefined, {
            retryAfter: err.retryAfterSeconds ?? defaultRetryAfter,
            cause: err,
          });
        }
        // The caller went away: says nothing about X. A half-open trial must still be answered.
        if (opts.signal?.aborted === true) breaker.release(permit.trial);
        else breaker.failure(permit.trial);
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },

    /** Circuit state, for health checks and tests. */
    circuitState: () => breaker.state(),

    async close(): Promise<void> {
      ciphers?.stop();
      await upstream.close();
    },
  };
}

/** `work`, or the signal's reason as soon as it aborts (work still running sees the same signal and stops). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined); // once aborted, a late rejection of `work` is nobody's to handle
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * An answer no fallback can improve: media, a broadcast or Space card (its stream is asked for
 * separately, broadcast-replay.ts), or protected / suspended / age-restricted.
 */
function finalOutcome(a: Attempt): ParseOutcome | undefined {
  if (a.kind !== 'outcome') return undefined;
  const o = a.outcome;
  if (o.ok && o.tweet.live !== undefined) return o;
  return hasMedia(o) || (!o.ok && isContentReason(o.reason) && o.reason !== 'post_not_found') ? o : undefined;
}

function describe(a: Attempt): string {
  if (a.kind === 'outcome') return a.outcome.ok ? `ok (${a.outcome.tweet.media.length} media)` : a.outcome.reason;
  return `${a.kind}: ${a.why}`;
}

export type XClient = ReturnType<typeof createXClient>;
