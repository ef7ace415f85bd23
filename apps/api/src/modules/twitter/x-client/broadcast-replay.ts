/**
 * A post whose card is an ended broadcast: its replay's HLS playlist, asked of api.x.com with the
 * guest token (x-upstream.ts `broadcastReplay`), becomes the post's card video, listed under `hls`.
 * No replay (running broadcast, replay disabled, geoblocked): the post keeps its typed
 * `live_broadcast` answer. X not answering is no verdict: 503, like every degraded path.
 */
import type { ParseOutcome, VideoMedia } from '../twitter.types';
import { type Logger, UpstreamFailure } from './x-client.types';
import type { BroadcastReplay } from './x-upstream';

export async function addBroadcastReplay(
  outcome: ParseOutcome,
  fetchReplay: (broadcastId: string) => Promise<BroadcastReplay>,
  log: { logger: Logger; requestId?: string; statusId: string },
): Promise<ParseOutcome> {
  if (!outcome.ok || outcome.tweet.live?.type !== 'broadcast') return outcome;
  const hasOwnVideo = outcome.tweet.media.some((m) => m.type !== 'photo' && m.origin !== 'quote' && (m.variants.length > 0 || m.hls.length > 0));
  if (hasOwnVideo) return outcome;
  const broadcastId = outcome.tweet.live.id;
  const replay = await fetchReplay(broadcastId);
  if (replay.kind === 'unavailable') throw new UpstreamFailure('unavailable', `broadcast replay: ${replay.why}`);
  if (replay.kind === 'none') {
    log.logger.info({ requestId: log.requestId, statusId: log.statusId, broadcastId, why: replay.why }, 'broadcast without a replay');
    return outcome;
  }
  const video: VideoMedia = {
    type: 'video',
    // `28_<id>`: the number is the broadcast's media id
    id: replay.mediaKey.split('_').pop() ?? replay.mediaKey,
    origin: 'card',
    thumbnail: replay.imageUrl ?? '',
    width: replay.width ?? 0,
    height: replay.height ?? 0,
    duration_ms: null,
    variants: [],
    hls: [{ url: replay.url, content_type: 'application/x-mpegURL' }],
  };
  return { ok: true, tweet: { ...outcome.tweet, media: [...outcome.tweet.media, video] } };
}
