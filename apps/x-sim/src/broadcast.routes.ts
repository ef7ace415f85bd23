import type { Request, Response, Router } from 'express';
import { X_ERRORS, xError } from './constants';
import type { SimContext } from './context';
import { guestTokenOf, hasWebBearer } from './auth';
import { withFaults } from './fault.middleware';
import { asArray, asObject, asString, dig, type Json, type JsonObject } from './json';
import { sendJson, setRateHeaders } from './respond';

/**
 * Broadcast replays, as yt-dlp's TwitterBroadcastIE asks for them with a guest token:
 *   GET /1.1/broadcasts/show.json?ids=<id> → {broadcasts: {<id>: {id, media_key, state, image_url, width, height}}}
 *   GET /1.1/live_video_stream/status/<media_key> → {source: {location, noRedirectPlaybackUrl, status, streamType}}
 * The broadcasts are the broadcast cards found in the fixtures (`broadcast_id`,
 * `broadcast_media_key`, `broadcast_state`, size and thumbnail bindings); the stream answers are
 * SYNTHETIC (no project recorded one): an ENDED broadcast has a replay playlist on a made-up
 * pscp.tv URL, a RUNNING one a live playlist, one without a media key 404s.
 */
interface Broadcast {
  id: string;
  mediaKey?: string;
  state: string;
  width?: number;
  height?: number;
  imageUrl?: string;
}

function bindings(card: Json | undefined): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const binding of asArray(dig(card, 'legacy', 'binding_values'))) {
    const key = asString(dig(binding, 'key'));
    const value = asObject(dig(binding, 'value'));
    if (key !== undefined && value !== undefined) out.set(key, value);
  }
  return out;
}

function collect(node: Json | undefined, into: Map<string, Broadcast>): void {
  if (Array.isArray(node)) {
    for (const child of node) collect(child, into);
    return;
  }
  const obj = asObject(node);
  if (!obj) return;
  const name = asString(dig(obj, 'legacy', 'name'));
  if (name?.endsWith(':broadcast') === true) {
    const b = bindings(obj);
    const text = (key: string) => asString(b.get(key)?.string_value);
    const id = text('broadcast_id');
    if (id !== undefined) {
      into.set(id, {
        id,
        mediaKey: text('broadcast_media_key'),
        state: text('broadcast_state') ?? 'ENDED',
        width: Number(text('broadcast_width')) || undefined,
        height: Number(text('broadcast_height')) || undefined,
        imageUrl: asString(dig(b.get('broadcast_thumbnail_original'), 'image_value', 'url')),
      });
    }
  }
  for (const child of Object.values(obj)) collect(child, into);
}

let cached: Map<string, Broadcast> | undefined;
function broadcasts(ctx: SimContext): Map<string, Broadcast> {
  if (cached === undefined) {
    const found = new Map<string, Broadcast>();
    for (const entry of ctx.fixtures.byId.values()) collect(entry.tweetDetail ?? entry.result ?? null, found);
    cached = found;
  }
  return cached;
}

/** The same guest-token checks and budget as GraphQL: these are api.x.com calls too. */
function authorised(ctx: SimContext, req: Request, res: Response): boolean {
  if (!hasWebBearer(req)) {
    sendJson(res, 401, X_ERRORS.invalidBearer());
    return false;
  }
  const token = guestTokenOf(req);
  const spent = token !== undefined && ctx.tokens.isValid(token) && !ctx.faults.isTokenForbidden(token) ? ctx.tokens.consume(token) : undefined;
  if (!spent) {
    sendJson(res, 403, X_ERRORS.badGuestToken());
    return false;
  }
  setRateHeaders(res, spent.window);
  if (!spent.allowed) {
    ctx.counters.rateLimited += 1;
    sendJson(res, 429, X_ERRORS.rateLimited());
    return false;
  }
  return true;
}

export function registerBroadcasts(router: Router, ctx: SimContext): void {
  const count = (_req: Request, _res: Response, next: () => void): void => {
    ctx.counters.broadcastCalls += 1;
    next();
  };
  router.get(['/1.1/broadcasts/show.json', '/i/api/1.1/broadcasts/show.json'], count, withFaults(ctx, 'broadcast'), (req, res) => {
    if (!authorised(ctx, req, res)) return;
    const ids = (typeof req.query.ids === 'string' ? req.query.ids : '').split(',').filter((id) => id !== '');
    const found: JsonObject = {};
    for (const id of ids) {
      const b = broadcasts(ctx).get(id);
      if (!b) continue;
      found[id] = {
        id: b.id,
        state: b.state,
        ...(b.mediaKey === undefined ? {} : { media_key: b.mediaKey }),
        ...(b.width === undefined ? {} : { width: b.width }),
        ...(b.height === undefined ? {} : { height: b.height }),
        ...(b.imageUrl === undefined ? {} : { image_url: b.imageUrl }),
      };
    }
    sendJson(res, 200, { broadcasts: found });
  });
  router.get(['/1.1/live_video_stream/status/:mediaKey', '/i/api/1.1/live_video_stream/status/:mediaKey'], count, withFaults(ctx, 'broadcast'), (req, res) => {
    if (!authorised(ctx, req, res)) return;
    const key = String(req.params.mediaKey);
    const b = [...broadcasts(ctx).values()].find((candidate) => candidate.mediaKey === key);
    if (!b) return sendJson(res, 404, xError(34, 'Sorry, that page does not exist.'));
    const replay = b.state !== 'RUNNING';
    const location = `https://prod-fastly-us-east-1.video.pscp.tv/Transcoding/v1/hls/Sim${b.id}/${replay ? 'non_transcode' : 'transcode'}/us-east-1/periscope-${replay ? 'replay' : 'live'}-direct-prod-us-east-1-public/playlist.m3u8?type=${replay ? 'replay' : 'live'}`;
    sendJson(res, 200, { source: { location, noRedirectPlaybackUrl: location, status: 'LIVE_PUBLIC', streamType: 'HLS' }, sessionId: `sim-${b.id}`, shareUrl: `https://x.com/i/broadcasts/${b.id}` });
  });
}
