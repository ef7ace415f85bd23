import type { RequestHandler } from 'express';
import { AppError, isAppError } from '../../lib/errors/app-error';
import { errorBody, sendOk, type ErrorEnvelope, type SuccessEnvelope } from '../../lib/http/envelope';
import type { Logger } from '../../lib/logger/logger';
import type { KeyPrincipal } from '../keys/auth-cache';
import { setRateLimitHeaders } from '../ratelimit/rate-limit.headers';
import type { RateDecision, RateLimitService } from '../ratelimit/rate-limit.service';
import type { UsageRecorder } from '../usage/usage.service';
import { buildTwitterData } from './parse/envelope';
import { parseTweetUrl } from './parse/tweet-url';
import { BATCH_MAX_URLS, batchRequestSchema, type BatchItem, type TwitterData } from './twitter.schemas';
import type { Extractor } from './twitter.routes';
import { systemNow } from '../../lib/time/clock';

/**
 * POST /api/v1/twitter/batch: up to BATCH_MAX_URLS post URLs in one call. Each URL is one request
 * against the rate-limit windows, exactly as if it had been sent alone (so an invalid URL costs a
 * request, as it does on POST /twitter). Items are admitted in order, one atomic `consume` each,
 * until a window refuses: that item and every later one are answered `rate_limited` and counted
 * nowhere, so a batch is never half-charged. Admitted items are resolved concurrently; the
 * extraction service coalesces identical posts, so a batch naming one post five times costs X
 * one call.
 */
export function createTwitterBatchHandler(deps: {
  limits: Pick<RateLimitService, 'consume' | 'peek'>;
  usage: UsageRecorder;
  extractor: Extractor;
  logger: Logger;
  clock?: () => Date;
}): RequestHandler {
  const clock = deps.clock ?? systemNow;

  // mounted in app.ts behind API-key auth and the premium check, without the per-request limiter: items are counted here
  const batch: RequestHandler = async (req, res) => {
    const principal = req.principal;
    if (!principal) throw new AppError('internal', undefined, { cause: new Error('batch route without auth') });
    const parsedBody = batchRequestSchema.safeParse(req.body);
    if (!parsedBody.success) {
      setRateLimitHeaders(res, await deps.limits.peek(principal.userId));
      throw new AppError('bad_request', BATCH_BODY_MESSAGE);
    }
    const urls = parsedBody.data.urls;

    const admitted = await admit(deps, principal, urls.length);
    const decision = admitted.last;
    setRateLimitHeaders(res, decision ? decision.windows : await deps.limits.peek(principal.userId));
    const retryAfter = admitted.refused ? retryAfterOf(admitted.refused) : undefined;

    const results = await Promise.all(
      urls.map((url, i): Promise<BatchItem> => {
        if (i >= admitted.count) {
          return Promise.resolve(failed(url, new AppError('rate_limited', undefined, { retryAfter }), req.id));
        }
        return resolveOne(url, req.id).catch((err: unknown) => {
          if (!isAppError(err)) deps.logger.error({ err, index: i }, 'batch item failed');
          return failed(url, isAppError(err) ? err : new AppError('internal', undefined, { cause: err }), req.id);
        });
      }),
    );
    sendOk(res, { results });
  };
  return batch;

  async function resolveOne(url: unknown, requestId: string): Promise<BatchItem> {
    const parsed = parseTweetUrl(url);
    if (!parsed.ok) throw new AppError(parsed.code);
    const tweet = await deps.extractor.extract(parsed.ref.statusId, { requestId });
    const built = buildTwitterData(tweet, parsed.ref, clock());
    if (!built.ok) throw new AppError(built.reason);
    const body: SuccessEnvelope<TwitterData> = { code: 0, message: 'ok', data: built.data };
    return { url, status: 200, body };
  }
}

export const BATCH_BODY_MESSAGE = `Body must be {"urls": [...]} with 1 to ${BATCH_MAX_URLS} post URLs`;

/**
 * Consumes one request per item, in order, stopping at the first refusal. Each consume is
 * atomic across all windows (a refused one is counted in none), so concurrent batches of one
 * key can interleave but never overspend.
 */
async function admit(
  deps: { limits: Pick<RateLimitService, 'consume'>; usage: UsageRecorder },
  principal: KeyPrincipal,
  wanted: number,
): Promise<{ count: number; last: RateDecision | undefined; refused: RateDecision | undefined }> {
  let last: RateDecision | undefined;
  for (let i = 0; i < wanted; i++) {
    const decision = await deps.limits.consume(principal.userId);
    last = decision;
    if (!decision.allowed) {
      // the refused item and the ones after it are each a refused request in the usage counts
      for (let j = i; j < wanted; j++) deps.usage.record(principal, 'limited');
      return { count: i, last, refused: decision };
    }
    deps.usage.record(principal, 'ok');
  }
  return { count: wanted, last, refused: undefined };
}

function retryAfterOf(decision: RateDecision): number {
  return Math.max(1, ...decision.windows.filter((w) => !w.allowed).map((w) => w.resetIn));
}

function failed(url: unknown, err: AppError, requestId: string): BatchItem {
  const body: ErrorEnvelope = errorBody(err, requestId);
  return { url, status: err.status, body };
}
