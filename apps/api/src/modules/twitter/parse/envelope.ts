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
  username: string;
  statusId: string;
  /** ISO 8601 */
  processed_at: string;
  /** HLS playlists of the selected video */
  hls: HlsPlaylist[];
  /** every media item of the post, as parsed (photos and quoted media included) */
  media: MediaItem[];
  /** 1-based position of the selected video among the video/gif items of `media` */
  media_index: number;
  source: ParsedTweet['source'];
}

export type BuildResult = { ok: true; data: TwitterData } | { ok: false; reason: 'no_video' };

export function buildTwitterData(tweet: ParsedTweet, ref: TweetRef, processedAt: Date): BuildResult {
  const videos = tweet.media.filter(isVideo);
  const selected = selectVideo(videos, ref);
  if (selected === undefined) return { ok: false, reason: 'no_video' };
  return {
    ok: true,
    data: {
      thumbnail: selected.thumbnail,
      videos: selected.variants,
      text: tweet.text,
      username: tweet.username,
      statusId: ref.statusId,
      processed_at: processedAt.toISOString(),
      hls: selected.hls,
      media: tweet.media,
      media_index: videos.indexOf(selected) + 1,
      source: tweet.source,
    },
  };
}

function isVideo(item: MediaItem): item is VideoMedia {
  return item.type === 'video' || item.type === 'gif';
}

function selectVideo(videos: readonly VideoMedia[], ref: TweetRef): VideoMedia | undefined {
  const own = videos.filter((video) => video.origin !== 'quote');
  // `/video/N` counts videos and GIFs of the post itself, as X numbers them; a photo or a quoted
  // post's video is never what such a link points at.
  if (ref.mediaType === 'video' && ref.mediaIndex !== undefined) {
    const wanted = ref.mediaIndex >= 1 ? own.at(ref.mediaIndex - 1) : undefined;
    return wanted !== undefined && wanted.variants.length > 0 ? wanted : undefined;
  }
  const downloadable = (video: VideoMedia): boolean => video.variants.length > 0;
  // The quoted post's video is a fallback for quote posts that add only text to a video.
  return own.find(downloadable) ?? videos.filter((video) => video.origin === 'quote').find(downloadable);
}
