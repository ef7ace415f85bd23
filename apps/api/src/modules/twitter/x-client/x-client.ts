/**
 * Our client for X's web GraphQL API (guest), with the syndication endpoint as fallback.
 *   GraphQL TweetResultByRestId (shared guest token; 403/429 → retire + retry once)
 *   → if still failing, or parsed OK without media → syndication tweet-result
 *   → prefer GraphQL's answer unless syndication has media.
 * A circuit breaker stops calls while X keeps failing. Only the two configured base URLs are
 * ever contacted.
 */
import { AppError } from '../../../lib/errors/app-error';
import type { ParseOutcome, UnavailableReason } from '../twitter.types';
import { type BreakerConfig, createCircuitBreaker } from './breaker';
import { createGuestTokenStore } from './guest-token.store';
import { startCipherShuffling } from './tls-ciphers';
import { type Logger, type RedisCommands, type Clock, systemClock, UpstreamFailure } from './x-client.types';
import { createXUpstream, type Attempt } from './x-upstream';

export interface XClientConfig {
  apiBaseUrl: string;
  syndicationBaseUrl: string;
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
const CONTENT_REASONS: ReadonlySet<UnavailableReason> = new Set([
  'post_not_found',
  'protected_account',
  'suspended_account',
  'age_restricted',
]);

const hasMedia = (o: ParseOutcome): boolean => o.ok && o.tweet.media.length > 0;

export function createXClient(deps: { redis: RedisCommands; logger: Logger; config: XClientConfig; clock?: Clock }) {
  const { logger, config } = deps;
  const clock = deps.clock ?? systemClock;
  const defaultRetryAfter = config.defaultRetryAfterSeconds ?? 30;
  const ciphers = config.shuffleTlsCiphers === false ? undefined : startCipherShuffling();
  const breaker = createCircuitBreaker(config.breaker, clock);

  const upstream = createXUpstream({
    logger,
    clock,
    config: {
      apiBaseUrl: config.apiBaseUrl,
      syndicationBaseUrl: config.syndicationBaseUrl,
      minRateLimitRemaining: config.minRateLimitRemaining ?? 10,
      http: {
        allowedBaseUrls: [config.apiBaseUrl, config.syndicationBaseUrl],
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

  async function resolve(statusId: string, requestId: string | undefined): Promise<ParseOutcome> {
    const gql = await upstream.graphql(statusId, requestId);
    if (gql.kind === 'outcome') {
      if (hasMedia(gql.outcome)) return gql.outcome;
      if (!gql.outcome.ok && CONTENT_REASONS.has(gql.outcome.reason)) return gql.outcome;
    }
    const synd = await upstream.syndication(statusId, requestId);
    if (synd.kind === 'outcome' && hasMedia(synd.outcome)) return synd.outcome;
    logger.info(
      { requestId, statusId, graphql: describe(gql), syndication: describe(synd) },
      'syndication fallback had nothing better',
    );
    // Neither had media: a readable answer beats a failure, GraphQL's beats syndication's.
    const readable = [gql, synd].flatMap((a) => (a.kind === 'outcome' ? [a.outcome] : []));
    const best = readable.find((o) => o.ok) ?? readable.find((o) => !o.ok && o.reason !== 'upstream_bad_response');
    if (best) return best;
    if (readable.length > 0 || gql.kind === 'bad_response' || synd.kind === 'bad_response') {
      return { ok: false, reason: 'upstream_bad_response', detail: 'X answered with an unusable body' };
    }
    const retryAfter = [gql, synd].map((a) => (a.kind === 'unavailable' ? a.retryAfter : undefined)).find((r) => r !== undefined);
    throw new UpstreamFailure('unavailable', `graphql: ${describe(gql)}; syndication: ${describe(synd)}`, retryAfter);
  }

  return {
    async fetchTweet(statusId: string, opts: { requestId?: string } = {}): Promise<ParseOutcome> {
      const { requestId } = opts;
      if (!STATUS_ID.test(statusId)) return { ok: false, reason: 'post_not_found', detail: 'invalid status id' };

      const permit = breaker.acquire();
      if (!permit.allowed) {
        const retryAfter = Math.max(1, Math.ceil(permit.retryAfterMs / 1000));
        throw new AppError('upstream_unavailable', undefined, { retryAfter, details: { circuit: 'open' } });
      }
      try {
        const outcome = await withDeadline(resolve(statusId, requestId), config.deadlineMs ?? 12_000);
        if (!outcome.ok && outcome.reason === 'upstream_bad_response') breaker.failure(permit.trial);
        else breaker.success(permit.trial);
        return outcome;
      } catch (err: unknown) {
        breaker.failure(permit.trial);
        if (err instanceof UpstreamFailure) {
          logger.warn({ requestId, statusId, cause: err.message }, 'X unavailable after retries and fallback');
          throw new AppError('upstream_unavailable', undefined, {
            retryAfter: err.retryAfterSeconds ?? defaultRetryAfter,
            cause: err,
          });
        }
        throw err;
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

/** Rejects with an UpstreamFailure after `ms`; a late result or error of `work` is dropped. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamFailure('unavailable', `no answer within ${ms} ms`, undefined)), ms);
  });
  work.catch(() => undefined); // the race below reports the outcome; a late rejection must not go unhandled
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function describe(a: Attempt): string {
  if (a.kind === 'outcome') return a.outcome.ok ? `ok (${a.outcome.tweet.media.length} media)` : a.outcome.reason;
  return `${a.kind}: ${a.why}`;
}

export type XClient = ReturnType<typeof createXClient>;
