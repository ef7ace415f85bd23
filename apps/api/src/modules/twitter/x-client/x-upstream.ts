/**
 * The three X calls (guest activation, GraphQL TweetResultByRestId, syndication tweet-result),
 * each turned into an Attempt: a parsed outcome, "unavailable" (rate limit, 5xx, timeout) or
 * "bad_response" (a body we cannot read; logged with its first 2 KB as a future fixture).
 */
import { parseTweetResultResponse } from '../parse/graphql.parser';
import { parseSyndicationResponse } from '../parse/syndication.parser';
import type { ParseOutcome } from '../twitter.types';
import type { GuestTokenStore } from './guest-token.store';
import {
  GUEST_ACTIVATE_PATH,
  browserHeaders,
  guestGraphqlHeaders,
  syndicationHeaders,
  syndicationPath,
  tweetResultPath,
} from './x-client.config';
import { type Clock, type Logger, UpstreamFailure } from './x-client.types';
import { createXHttp, headerValue, type XHttpConfig, type XHttpResult } from './x-http';

export type Attempt =
  | { kind: 'outcome'; outcome: ParseOutcome }
  | { kind: 'unavailable'; why: string; retryAfter?: number }
  | { kind: 'bad_response'; why: string };

type Response = Extract<XHttpResult, { kind: 'response' }>;

const BODY_SAMPLE_BYTES = 2048;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** True when a GraphQL body carries error 336 ("The following features cannot be null"). */
function hasFeaturesError(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const errors = (body as { errors?: unknown }).errors;
  return Array.isArray(errors) && errors.some((e: unknown) => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 336);
}

export function createXUpstream(deps: {
  logger: Logger;
  clock: Clock;
  config: { apiBaseUrl: string; syndicationBaseUrl: string; minRateLimitRemaining: number; http: XHttpConfig };
  tokens: (activate: () => Promise<string>) => GuestTokenStore;
}) {
  const { logger, clock, config } = deps;
  const http = createXHttp({ config: config.http, logger });

  function retryAfterOf(res: Response): number | undefined {
    const reset = Number(headerValue(res.headers, 'x-rate-limit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(1, Math.ceil(reset - clock.now() / 1000));
    const retryAfter = Number(headerValue(res.headers, 'retry-after'));
    return Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : undefined;
  }

  function badBody(label: string, res: Response, requestId: string | undefined, statusId?: string): Attempt {
    logger.warn(
      {
        requestId,
        statusId,
        upstream: label,
        status: res.status,
        truncated: res.truncated,
        contentType: headerValue(res.headers, 'content-type'),
        body: Buffer.from(res.text).subarray(0, BODY_SAMPLE_BYTES).toString('utf8'),
      },
      'X returned an unreadable body (fixture-worthy)',
    );
    return { kind: 'bad_response', why: `${label} unreadable body (status ${res.status})` };
  }

  async function activate(): Promise<string> {
    const res = await http.send({
      baseUrl: config.apiBaseUrl,
      path: GUEST_ACTIVATE_PATH,
      method: 'POST',
      headers: browserHeaders(),
      body: '',
      label: 'activate',
    });
    if (res.kind === 'error') throw new UpstreamFailure('unavailable', `guest activation: ${res.message}`);
    const body = res.status === 200 && !res.truncated ? parseJson(res.text) : undefined;
    const token = typeof body === 'object' && body !== null ? (body as { guest_token?: unknown }).guest_token : undefined;
    if (typeof token === 'string' && token !== '') return token;
    if (res.status === 200) badBody('activate', res, undefined);
    throw new UpstreamFailure('unavailable', `guest activation failed (status ${res.status})`, retryAfterOf(res));
  }

  const tokens = deps.tokens(activate);

  async function graphqlOnce(statusId: string, requestId: string | undefined): Promise<Attempt | { retire: true; retryAfter?: number }> {
    const token = await tokens.get();
    const res = await http.send({
      baseUrl: config.apiBaseUrl,
      path: tweetResultPath(statusId),
      method: 'GET',
      headers: guestGraphqlHeaders(token),
      label: 'graphql',
      requestId,
    });
    if (res.kind === 'error') return { kind: 'unavailable', why: `graphql ${res.message}` };
    if (res.status === 403 || res.status === 429) {
      await tokens.retire(token, `graphql status ${res.status}`);
      return { retire: true, retryAfter: retryAfterOf(res) };
    }
    const remaining = Number(headerValue(res.headers, 'x-rate-limit-remaining'));
    if (Number.isFinite(remaining) && remaining < config.minRateLimitRemaining) {
      await tokens.retire(token, `x-rate-limit-remaining ${remaining}`);
    }
    if (res.status >= 500) return { kind: 'unavailable', why: `graphql status ${res.status}` };
    const body = res.truncated ? undefined : parseJson(res.text);
    if (body === undefined) return badBody('graphql', res, requestId, statusId);
    if (hasFeaturesError(body)) {
      logger.error(
        { requestId, statusId, status: res.status, body: res.text.slice(0, BODY_SAMPLE_BYTES) },
        'X GraphQL error 336: the features list is outdated; update x-client.config.ts',
      );
      return { kind: 'unavailable', why: 'graphql features outdated (336)' };
    }
    if (res.status !== 200) return { kind: 'unavailable', why: `graphql status ${res.status}` };
    const outcome = parseTweetResultResponse(body, statusId);
    if (!outcome.ok && outcome.reason === 'upstream_bad_response') return badBody('graphql', res, requestId, statusId);
    return { kind: 'outcome', outcome };
  }

  return {
    async graphql(statusId: string, requestId: string | undefined): Promise<Attempt> {
      let retryAfter: number | undefined;
      try {
        for (let round = 0; round < 2; round++) {
          const r = await graphqlOnce(statusId, requestId);
          if (!('retire' in r)) return r;
          retryAfter = r.retryAfter ?? retryAfter;
        }
      } catch (err: unknown) {
        if (err instanceof UpstreamFailure) return { kind: 'unavailable', why: err.message, retryAfter: err.retryAfterSeconds };
        throw err;
      }
      return { kind: 'unavailable', why: 'graphql rate-limited with two guest tokens', retryAfter };
    },

    async syndication(statusId: string, requestId: string | undefined): Promise<Attempt> {
      const res = await http.send({
        baseUrl: config.syndicationBaseUrl,
        path: syndicationPath(statusId),
        method: 'GET',
        headers: syndicationHeaders(),
        label: 'syndication',
        requestId,
      });
      if (res.kind === 'error') return { kind: 'unavailable', why: `syndication ${res.message}` };
      if (res.status === 429) return { kind: 'unavailable', why: 'syndication rate-limited', retryAfter: retryAfterOf(res) };
      if (res.status >= 500) return { kind: 'unavailable', why: `syndication status ${res.status}` };
      const body = res.truncated ? undefined : parseJson(res.text);
      if (res.status === 404) {
        return { kind: 'outcome', outcome: body === undefined ? { ok: false, reason: 'post_not_found' } : parseSyndicationResponse(body, statusId) };
      }
      if (res.status !== 200) return { kind: 'unavailable', why: `syndication status ${res.status}` };
      if (body === undefined) return badBody('syndication', res, requestId, statusId);
      const outcome = parseSyndicationResponse(body, statusId);
      if (!outcome.ok && outcome.reason === 'upstream_bad_response') return badBody('syndication', res, requestId, statusId);
      return { kind: 'outcome', outcome };
    },

    close: () => http.close(),
  };
}
