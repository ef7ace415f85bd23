/**
 * Shared shapes of the extraction pipeline:
 *   URL intake (parse/tweet-url.ts) → X client (x-client/) → parser (parse/*.parser.ts)
 *   → ParsedTweet (cached in Redis as JSON) → envelope builder (parse/envelope.ts) → route.
 * ParsedTweet must stay JSON-serialisable (it is cached).
 */

export interface TweetRef {
  statusId: string;
  /** `/video/N` or `/photo/N` suffix of the pasted URL (N is 1-based as in the URL). */
  mediaType?: 'video' | 'photo';
  mediaIndex?: number;
}

export interface VideoVariant {
  /** short side + "p", e.g. "720p" (TwitterDown contract) */
  resolution: string;
  /** "HD" when the short side is >= 720, else "SD" (TwitterDown contract) */
  quality: 'HD' | 'SD';
  url: string;
  width: number;
  height: number;
  bitrate: number;
  content_type: string;
  /** bitrate × duration / 8, when both are known */
  size_estimate_bytes: number | null;
}

export interface HlsPlaylist {
  url: string;
  content_type: string;
}

/** Where a media item came from relative to the requested post. */
export type MediaOrigin = 'post' | 'retweet' | 'quote' | 'card';

export interface VideoMedia {
  type: 'video' | 'gif';
  id: string;
  origin: MediaOrigin;
  thumbnail: string;
  width: number;
  height: number;
  duration_ms: number | null;
  /** mp4 variants, best first (highest bitrate) */
  variants: VideoVariant[];
  hls: HlsPlaylist[];
  /**
   * Internal, never answered: a card video whose mp4s X lists only in this VMAP document on
   * video.twimg.com (promo/amplify players). The X client fetches it, fills `variants`/`hls`
   * and removes the field before the post is cached or answered (x-client/card-vmap.ts).
   */
  vmap_url?: string;
}

export interface PhotoMedia {
  type: 'photo';
  id: string;
  origin: MediaOrigin;
  /** original-size URL */
  url: string;
  thumbnail: string;
  width: number;
  height: number;
  alt_text: string | null;
}

export type MediaItem = VideoMedia | PhotoMedia;

/** A post whose card is a live broadcast or an audio Space: nothing to download, but a typed answer. */
export interface LiveCard {
  type: 'broadcast' | 'audio_space';
  /** broadcast id (x.com/i/broadcasts/<id>) or Space id (x.com/i/spaces/<id>) */
  id: string;
  url: string;
  /** broadcast_state as X gives it (e.g. RUNNING, ENDED), when known */
  state?: string;
}

export interface ParsedTweet {
  statusId: string;
  username: string;
  text: string;
  /** `text` with each t.co link replaced by the URL it points to (absent in older cache entries) */
  expandedText?: string;
  /** set when the post's card is a broadcast or a Space */
  live?: LiveCard;
  /** every media item in order; quote media last, marked origin "quote" */
  media: MediaItem[];
  possiblySensitive: boolean;
  /** 'graphql' or 'syndication' (fallback) */
  source: 'graphql' | 'syndication';
}

/**
 * The four content reasons: X answered, and what it said is that the post is not available to
 * a guest. They are answers, not failures: cached like a post, and worth a syndication fallback
 * only for post_not_found. Each maps 1:1 to an AppError code.
 */
export const CONTENT_REASONS = ['post_not_found', 'protected_account', 'suspended_account', 'age_restricted'] as const;
export type ContentReason = (typeof CONTENT_REASONS)[number];
export const isContentReason = (reason: string): reason is ContentReason => (CONTENT_REASONS as readonly string[]).includes(reason);

/** Content outcomes that are not a usable post; each maps 1:1 to an AppError code. */
export type UnavailableReason = ContentReason | 'upstream_bad_response';

export type ParseOutcome =
  | { ok: true; tweet: ParsedTweet }
  | { ok: false; reason: UnavailableReason; detail?: string };
