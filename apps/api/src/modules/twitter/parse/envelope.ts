import type {
  HlsPlaylist,
  MediaItem,
  ParsedTweet,
  TweetRef,
  VideoMedia,
  VideoVariant,
} from '../twitter.types';

/**
 * `data` of a successful POST /twitter. The first seven fields are the TwitterDown v1 contract
 * (`videos` entries there are `{resolution, quality, url}`; ours add the rest of VideoVariant);
 * `hls`, `media`, `media_index` and `source` are twdown additions.
 */
export interface TwitterData {
  thumbnail: string;
  videos: VideoVariant[];
  text: string;
  /** `text` with t.co links replaced by the URLs they point to */
  expanded_text: string;
  username: string;
  statusId: string;
  /** ISO 8601 */
  processed_at: string;
  /** HLS playlists of the selected video */
  hls: HlsPlaylist[];
  /** every media item of the post, as parsed (photos and quoted media included) */
  media: MediaItem[];
  /** 1-based position of the selected video in `media`: X's own numbering (`/video/N` counts every media item) */
  media_index: number;
  source: ParsedTweet['source'];
}

export type BuildResult =
  | { ok: true; data: TwitterData }
  | { ok: false; reason: 'no_video' }
  | { ok: false; reason: 'live_broadcast' | 'audio_space'; details: Record<string, string> };

export function buildTwitterData(tweet: ParsedTweet, ref: TweetRef, processedAt: Date): BuildResult {
  const selected = selectVideo(tweet.media, ref);
  if (selected === undefined) return noVideo(tweet);
  return {
    ok: true,
    data: {
      thumbnail: selected.thumbnail,
      videos: selected.variants,
      text: tweet.text,
      expanded_text: tweet.expandedText ?? tweet.text,
      username: tweet.username,
      statusId: ref.statusId,
      processed_at: processedAt.toISOString(),
      hls: selected.hls,
      media: tweet.media,
      media_index: tweet.media.indexOf(selected) + 1,
      source: tweet.source,
    },
  };
}

function isVideo(item: MediaItem): item is VideoMedia {
  return item.type === 'video' || item.type === 'gif';
}

/** A broadcast or a Space has no video file: say which, with its id, instead of a bare no_video. */
function noVideo(tweet: ParsedTweet): BuildResult {
  const live = tweet.live;
  if (live === undefined) return { ok: false, reason: 'no_video' };
  const details: Record<string, string> = live.type === 'broadcast' ? { broadcast_id: live.id, url: live.url } : { space_id: live.id, url: live.url };
  if (live.state !== undefined) details.state = live.state;
  return { ok: false, reason: live.type === 'broadcast' ? 'live_broadcast' : 'audio_space', details };
}

const downloadable = (video: VideoMedia): boolean => video.variants.length > 0;
/** A card's player may give only an HLS playlist (poll videos): better than no answer. */
const playable = (video: VideoMedia): boolean => video.variants.length > 0 || video.hls.length > 0;

function selectVideo(media: readonly MediaItem[], ref: TweetRef): VideoMedia | undefined {
  // A quoted post's media are never what a `/video/N` link of this post points at.
  const own = media.filter((item) => item.origin !== 'quote');
  if (ref.mediaType === 'video' && ref.mediaIndex !== undefined) {
    if (ref.mediaIndex < 1) return undefined;
    // X numbers every media item of the post: in photo, video, photo the video is /video/2
    // (yt-dlp, cobalt and FxTwitter resolve it so).
    const item = own.at(ref.mediaIndex - 1);
    if (item !== undefined && isVideo(item)) return playable(item) ? item : undefined;
    // Older links (and our earlier answers) counted videos only. Where X's numbering lands on a
    // photo or past the end, X never made that link, so the old meaning is unambiguous.
    const nth = own.filter(isVideo).at(ref.mediaIndex - 1);
    return nth !== undefined && playable(nth) ? nth : undefined;
  }
  // The quoted post's video is a fallback for quote posts that add only text to a video.
  const videos = media.filter(isVideo);
  const ownVideos = videos.filter((video) => video.origin !== 'quote');
  const quoted = videos.filter((video) => video.origin === 'quote');
  return ownVideos.find(downloadable) ?? quoted.find(downloadable) ?? ownVideos.find(playable);
}
