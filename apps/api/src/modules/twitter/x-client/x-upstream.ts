/**
 * The X calls (guest activation, GraphQL TweetResultByRestId and TweetDetail, syndication
 * tweet-result), each turned into an Attempt: a parsed outcome, "unavailable" (rate limit, 5xx,
 * timeout, or syndication having no copy) or "bad_response" (a body we cannot read; logged with
 * its first 2 KB as a future fixture). Every call takes the extraction's AbortSignal.
 */
import { parseTweetDetailResponse, parseTweetResultResponse } from '../parse/graphql.parser';
import { EMPTY_SYNDICATION_BODY, parseSyndicationResponse } from '../parse/syndication.parser';
import { at, str as stringAt } from '../parse/shape';
import type { ParseOutcome } from '../twitter.types';
import type { GuestTokenStore } from './guest-token.store';
import {
  GUEST_ACTIVATE_PATH,
  broadcastShowPath,
  browserHeaders,
  liveStreamStatusPath,
  guestGraphqlHeaders,
  syndicationHeaders,
  syndicationPath,
  tweetDetailPath,
  tweetResultPath,
  vmapHeaders,
  X_VIDEO_ORIGIN,
} from './x-client.config';
import { type Clock, type Logger, UpstreamFailure } from './x-client.types';
import { createXHttp, headerValue, type XHttpConfig, type XHttpResult } from './x-http';

export type Attempt =
  | { kind: 'outcome'; outcome: ParseOutcome }
  | { kind: 'unavailable'; why: string; retryAfter?: number }
  | { kind: 'bad_response'; why: string };

/** A VMAP fetch: the document, X saying it is gone (403/404/410), or no answer. */
export type VmapFetch =
  | { kind: 'document'; text: string }
  | { kind: 'gone'; status: number }
  | { kind: 'unavailable'; why: string; retryAfter?: number };

/** A broadcast's replay: its HLS playlist, or why there is none, or no answer from X. */
export type BroadcastReplay =
  | { kind: 'replay'; url: string; mediaKey: string; imageUrl?: string; width?: number; height?: number }
  | { kind: 'none'; why: string }
  | { kind: 'unavailable'; why: string };

/** States in which a broadcast is over: its playlist is a replay, a file-like recording. */
const ENDED_STATES: ReadonlySet<string> = new Set(['ENDED', 'TIMED_OUT']);

type Response = Extract<XHttpResult, { kind: 'response' }>;

/** The two GraphQL operations we send, each with its path and body parser. */
export type GraphqlOperation = 'TweetResultByRestId' | 'TweetDetail';
const OPERATIONS: Readonly<Record<GraphqlOperation, { path: (id: string) => string; parse: (body: unknown, id: string) => ParseOutcome }>> = {
  TweetResultByRestId: { path: tweetResultPath, parse: parseTweetResultResponse },
  TweetDetail: { path: tweetDetailPath, parse: parseTweetDetailResponse },
};

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
  config: {
    apiBaseUrl: string;
    syndicationBaseUrl: string;
    /** Where https://video.twimg.com/PATH is fetched: X itself, or `${base}/video.twimg.com/PATH` (the simulator's /media). */
    videoBaseUrl: string;
    minRateLimitRemaining: number;
    http: XHttpConfig;
  };
  tokens: (activate: (signal: AbortSignal) => Promise<string>) => GuestTokenStore;
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

  async function activate(signal: AbortSignal): Promise<string> {
    const res = await http.send({
      baseUrl: config.apiBaseUrl,
      path: GUEST_ACTIVATE_PATH,
      method: 'POST',
      headers: browserHeaders(),
      body: '',
      label: 'activate',
      signal,
    });
    if (res.kind === 'error') throw new UpstreamFailure('unavailable', `guest activation: ${res.message}`);
    const body = res.status === 200 && !res.truncated ? parseJson(res.text) : undefined;
    const token = typeof body === 'object' && body !== null ? (body as { guest_token?: unknown }).guest_token : undefined;
    if (typeof token === 'string' && token !== '') return token;
    if (res.status === 200) badBody('activate', res, undefined);
    throw new UpstreamFailure('unavailable', `guest activation failed (status ${res.status})`, retryAfterOf(res));
  }

  const tokens = deps.tokens(activate);

  async function graphqlOnce(
    operation: GraphqlOperation,
    statusId: string,
    requestId: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Attempt | { retire: true; retryAfter?: number }> {
    const token = await tokens.get(signal);
    const res = await http.send({
      baseUrl: config.apiBaseUrl,
      path: OPERATIONS[operation].path(statusId),
      method: 'GET',
      headers: guestGraphqlHeaders(token),
      label: operation === 'TweetDetail' ? 'graphql TweetDetail' : 'graphql',
      requestId,
      signal,
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
    const outcome = OPERATIONS[operation].parse(body, statusId);
    if (!outcome.ok && outcome.reason === 'upstream_bad_response') return badBody('graphql', res, requestId, statusId);
    return { kind: 'outcome', outcome };
  }

  return {
    async graphql(
      statusId: string,
      requestId: string | undefined,
      signal?: AbortSignal,
      operation: GraphqlOperation = 'TweetResultByRestId',
    ): Promise<Attempt> {
      let retryAfter: number | undefined;
      try {
        for (let round = 0; round < 2; round++) {
          const r = await graphqlOnce(operation, statusId, requestId, signal);
          if (!('retire' in r)) return r;
          retryAfter = r.retryAfter ?? retryAfter;
        }
      } catch (err: unknown) {
        if (signal?.aborted) throw err;
        if (err instanceof UpstreamFailure) return { kind: 'unavailable', why: err.message, retryAfter: err.retryAfterSeconds };
        throw err;
      }
      return { kind: 'unavailable', why: `${operation} rate-limited with two guest tokens`, retryAfter };
    },

    async syndication(statusId: string, requestId: string | undefined, signal?: AbortSignal): Promise<Attempt> {
      const res = await http.send({
        baseUrl: config.syndicationBaseUrl,
        path: syndicationPath(statusId),
        method: 'GET',
        headers: syndicationHeaders(),
        label: 'syndication',
        requestId,
        signal,
      });
      if (res.kind === 'error') return { kind: 'unavailable', why: `syndication ${res.message}` };
      if (res.status === 429) return { kind: 'unavailable', why: 'syndication rate-limited', retryAfter: retryAfterOf(res) };
      if (res.status >= 500) return { kind: 'unavailable', why: `syndication status ${res.status}` };
      const body = res.truncated ? undefined : parseJson(res.text);
      if (res.status === 404) {
        // The embed endpoint lacks many posts (NSFW, some videos): "no copy here" is no verdict.
        const outcome = body === undefined ? undefined : parseSyndicationResponse(body, statusId);
        if (outcome === undefined || (!outcome.ok && outcome.reason === 'post_not_found' && outcome.detail === EMPTY_SYNDICATION_BODY)) {
          return { kind: 'unavailable', why: 'syndication has no copy (404)' };
        }
        return { kind: 'outcome', outcome };
      }
      if (res.status !== 200) return { kind: 'unavailable', why: `syndication status ${res.status}` };
      if (body === undefined) return badBody('syndication', res, requestId, statusId);
      const outcome = parseSyndicationResponse(body, statusId);
      if (!outcome.ok && outcome.reason === 'post_not_found' && outcome.detail === EMPTY_SYNDICATION_BODY) {
        return { kind: 'unavailable', why: 'syndication has no copy (empty body)' };
      }
      if (!outcome.ok && outcome.reason === 'upstream_bad_response') return badBody('syndication', res, requestId, statusId);
      return { kind: 'outcome', outcome };
    },

    /** `url` is a VMAP URL on video.twimg.com (checked by the parser, parse/card.ts). */
    async vmap(url: string, requestId: string | undefined, signal?: AbortSignal): Promise<VmapFetch> {
      const target = new URL(url);
      if (target.origin !== X_VIDEO_ORIGIN) return { kind: 'gone', status: 0 };
      const res = await http.send({
        baseUrl: config.videoBaseUrl,
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        headers: vmapHeaders(),
        label: 'vmap',
        requestId,
        signal,
      });
      if (res.kind === 'error') return { kind: 'unavailable', why: `vmap ${res.message}` };
      if (res.status === 403 || res.status === 404 || res.status === 410) return { kind: 'gone', status: res.status };
      if (res.status !== 200 || res.truncated) {
        return { kind: 'unavailable', why: `vmap status ${res.status}${res.truncated ? ' (truncated)' : ''}`, retryAfter: retryAfterOf(res) };
      }
      return { kind: 'document', text: res.text };
    },

    /**
     * Two api.x.com calls with the shared guest token: show.json (state, media_key), then the
     * stream status (the playlist). Only an ended broadcast counts: a running one is a live stream,
     * not a recording.
     */
    async broadcastReplay(broadcastId: string, requestId: string | undefined, signal?: AbortSignal): Promise<BroadcastReplay> {
      const call = async (path: string, label: string): Promise<{ status: number; body: unknown } | { unavailable: string }> => {
        let token: string;
        try {
          token = await tokens.get(signal);
        } catch (err: unknown) {
          if (signal?.aborted) throw err;
          if (err instanceof UpstreamFailure) return { unavailable: err.message };
          throw err;
        }
        const res = await http.send({ baseUrl: config.apiBaseUrl, path, method: 'GET', headers: guestGraphqlHeaders(token), label, requestId, signal });
        if (res.kind === 'error') return { unavailable: `${label} ${res.message}` };
        if (res.status === 403 || res.status === 429) {
          await tokens.retire(token, `${label} status ${res.status}`);
          return { unavailable: `${label} status ${res.status}` };
        }
        if (res.status >= 500 || res.truncated) return { unavailable: `${label} status ${res.status}` };
        const body = parseJson(res.text);
        // An unreadable 200 says nothing about the broadcast: no verdict from it.
        if (res.status === 200 && body === undefined) return { unavailable: `${label} unreadable body` };
        return { status: res.status, body };
      };
      const show = await call(broadcastShowPath(broadcastId), 'broadcast show');
      if ('unavailable' in show) return { kind: 'unavailable', why: show.unavailable };
      const broadcast = at(show.body, 'broadcasts', broadcastId);
      const mediaKey = stringAt(at(broadcast, 'media_key'));
      const state = stringAt(at(broadcast, 'state'));
      if (show.status !== 200 || mediaKey === undefined) return { kind: 'none', why: `no broadcast ${broadcastId} (status ${show.status})` };
      if (state === undefined || !ENDED_STATES.has(state)) return { kind: 'none', why: `broadcast state ${state ?? 'unknown'}` };
      const stream = await call(liveStreamStatusPath(mediaKey), 'broadcast stream');
      if ('unavailable' in stream) return { kind: 'unavailable', why: stream.unavailable };
      const location = stringAt(at(at(stream.body, 'source'), 'noRedirectPlaybackUrl')) ?? stringAt(at(at(stream.body, 'source'), 'location'));
      if (stream.status !== 200 || location === undefined) return { kind: 'none', why: `no replay (status ${stream.status})` };
      if (!location.startsWith('https://') || location.includes('/live_video_stream/geoblocked/')) {
        return { kind: 'none', why: 'replay geoblocked or not https' };
      }
      const width = at(broadcast, 'width');
      const height = at(broadcast, 'height');
      const imageUrl = stringAt(at(broadcast, 'image_url'));
      return {
        kind: 'replay',
        url: location,
        mediaKey,
        ...(imageUrl === undefined ? {} : { imageUrl }),
        ...(typeof width === 'number' && typeof height === 'number' ? { width, height } : {}),
      };
    },

    close: () => http.close(),
  };
}
