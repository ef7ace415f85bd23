/**
 * Player cards (promo_video_convo/_website, amplify, appplayer, poll videos) list their mp4s only
 * in a VMAP document on video.twimg.com. The parser marks such items with `vmap_url`; this step
 * fetches each document once, fills the item's variants, and removes the mark, so nothing
 * internal is cached or answered.
 *
 * A VMAP that X says is gone (403/404/410) leaves the item as it is (HLS only, or nothing to
 * download: no_video is then X's own verdict). A VMAP we could not get or read is not a verdict:
 * an item that has nothing else (no HLS) turns the answer into 503 / 502, never into no_video.
 */
import { readVmap } from '../parse/vmap';
import type { MediaItem, ParseOutcome, VideoMedia } from '../twitter.types';
import { type Logger, UpstreamFailure } from './x-client.types';
import type { VmapFetch } from './x-upstream';

type FetchVmap = (url: string) => Promise<VmapFetch>;

const needsVmap = (item: MediaItem): item is VideoMedia & { vmap_url: string } =>
  item.type !== 'photo' && item.vmap_url !== undefined;

export async function completeCardVideos(
  outcome: ParseOutcome,
  fetchVmap: FetchVmap,
  log: { logger: Logger; requestId?: string; statusId: string },
): Promise<ParseOutcome> {
  if (!outcome.ok || !outcome.tweet.media.some(needsVmap)) return outcome;
  const media = await Promise.all(
    outcome.tweet.media.map((item): Promise<MediaItem | 'unreadable'> => (needsVmap(item) ? complete(item, fetchVmap, log) : Promise.resolve(item))),
  );
  if (media.some((item) => item === 'unreadable')) {
    return { ok: false, reason: 'upstream_bad_response', detail: 'unreadable VMAP document' };
  }
  return { ok: true, tweet: { ...outcome.tweet, media: media.filter((item): item is MediaItem => item !== 'unreadable') } };
}

async function complete(
  item: VideoMedia & { vmap_url: string },
  fetchVmap: FetchVmap,
  log: { logger: Logger; requestId?: string; statusId: string },
): Promise<VideoMedia | 'unreadable'> {
  const { vmap_url: vmapUrl, ...video } = item;
  const hasFallback = video.hls.length > 0;
  const fetched = await fetchVmap(vmapUrl);
  if (fetched.kind === 'gone') return video;
  if (fetched.kind === 'unavailable') {
    if (hasFallback) {
      log.logger.warn({ requestId: log.requestId, statusId: log.statusId, vmapUrl, cause: fetched.why }, 'VMAP unavailable; answering the card video with HLS only');
      return video;
    }
    throw new UpstreamFailure('unavailable', fetched.why, fetched.retryAfter);
  }
  const read = readVmap(fetched.text, {
    durationMs: video.duration_ms,
    fallbackSize: { width: video.width, height: video.height },
  });
  if (!read.ok) {
    log.logger.warn(
      { requestId: log.requestId, statusId: log.statusId, vmapUrl, cause: read.why, body: fetched.text.slice(0, 2048) },
      'X returned an unreadable VMAP (fixture-worthy)',
    );
    return hasFallback ? video : 'unreadable';
  }
  const knownHls = new Set(video.hls.map((playlist) => playlist.url));
  return {
    ...video,
    variants: read.variants,
    hls: [...video.hls, ...read.hls.filter((playlist) => !knownHls.has(playlist.url))],
  };
}
