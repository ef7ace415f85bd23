import { AppError } from '../../lib/errors/app-error';
import type { MediaItem, ParsedTweet } from '../twitter/twitter.types';
import type { MediaLinks } from './media-link';

export interface DownloadVariant {
  url: string;
  width: number;
  height: number;
  /** bits per second; null for photos and when X gives none */
  bitrate: number | null;
  content_type: string;
}

/**
 * One media item in the Facebo/Soundc `/download` shape (`url`, `type`, `thumbnail`,
 * `mime_type`, `site`, `title`), plus our additions (`variants`, `duration`, `download_url`).
 */
export interface DownloadItem {
  url: string;
  type: 'video' | 'gif' | 'photo';
  thumbnail: string;
  mime_type: string;
  site: 'x';
  title: string;
  variants: DownloadVariant[];
  /** seconds; null for photos and GIFs (X gives no duration for them) */
  duration: number | null;
  /** a link served by us, signed and expiring, that streams the file with a proper filename */
  download_url: string;
}

/** `…?format=png&name=orig` / `….png` → image/png; X's photos are JPEG otherwise. */
function photoMime(url: string): { mime: string; ext: string } {
  let format: string | null = null;
  try {
    const parsed = new URL(url);
    format = parsed.searchParams.get('format') ?? /\.([a-z0-9]+)$/i.exec(parsed.pathname)?.[1] ?? null;
  } catch {
    format = null;
  }
  const lower = format?.toLowerCase();
  if (lower === 'png') return { mime: 'image/png', ext: 'png' };
  if (lower === 'webp') return { mime: 'image/webp', ext: 'webp' };
  return { mime: 'image/jpeg', ext: 'jpg' };
}

/**
 * The items of a post in post order. Media of a quoted post is another post's, so it is listed
 * only when the post itself has none (a quote that adds only text to a video), as /twitter does.
 */
export function downloadableMedia(tweet: ParsedTweet): MediaItem[] {
  const usable = tweet.media.filter((m) => m.type === 'photo' || m.variants.length > 0);
  const own = usable.filter((m) => m.origin !== 'quote');
  return own.length > 0 ? own : usable;
}

/** `<user>-<statusId>-<n>`, safe inside a quoted Content-Disposition filename. */
export function mediaBaseName(username: string, statusId: string, n: number): string {
  const user = username.replace(/[^A-Za-z0-9_]/g, '') || 'x';
  return `${user}-${statusId.replace(/\D/g, '')}-${String(n)}`;
}

export function mediaFilename(username: string, statusId: string, n: number, ext: string): string {
  return `${mediaBaseName(username, statusId, n)}.${ext}`;
}

export function buildDownloadItems(
  tweet: ParsedTweet,
  deps: { links: MediaLinks; linkBase: string },
): DownloadItem[] {
  const media = downloadableMedia(tweet);
  if (media.length === 0) throw new AppError('no_media');
  const title = tweet.text.trim() || `@${tweet.username}`;
  const link = (url: string, filename: string) => `${deps.linkBase}/api/v1/media/${deps.links.sign({ url, filename })}`;
  return media.map((item, i): DownloadItem => {
    if (item.type === 'photo') {
      const { mime, ext } = photoMime(item.url);
      return {
        url: item.url,
        type: 'photo',
        thumbnail: item.thumbnail,
        mime_type: mime,
        site: 'x',
        title,
        variants: [{ url: item.url, width: item.width, height: item.height, bitrate: null, content_type: mime }],
        duration: null,
        download_url: link(item.url, mediaFilename(tweet.username, tweet.statusId, i + 1, ext)),
      };
    }
    const best = item.variants[0];
    if (!best) throw new AppError('internal', undefined, { cause: new Error('video without variants') });
    return {
      url: best.url,
      type: item.type,
      thumbnail: item.thumbnail,
      mime_type: best.content_type,
      site: 'x',
      title,
      variants: item.variants.map((v) => ({
        url: v.url,
        width: v.width,
        height: v.height,
        bitrate: item.type === 'gif' && v.bitrate === 0 ? null : v.bitrate,
        content_type: v.content_type,
      })),
      duration: item.duration_ms === null ? null : item.duration_ms / 1000,
      download_url: link(best.url, mediaFilename(tweet.username, tweet.statusId, i + 1, 'mp4')),
    };
  });
}
