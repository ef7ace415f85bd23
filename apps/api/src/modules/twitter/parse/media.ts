import type { MediaItem, MediaOrigin, PhotoMedia, VideoMedia } from '../twitter.types';
import { at, isRec, num, str } from './shape';
import { buildVariants, type Size, stripTag } from './variants';

/**
 * One implementation of X's media objects for every source: GraphQL `extended_entities.media[]`,
 * `unified_card.media_entities{}` and syndication `mediaDetails[]` share this shape.
 */
export function normaliseMediaList(raws: readonly unknown[], origin: MediaOrigin): MediaItem[] {
  const items: MediaItem[] = [];
  for (const raw of raws) {
    const item = normaliseMedia(raw, origin);
    if (item !== undefined) items.push(item);
  }
  return items;
}

export function normaliseMedia(raw: unknown, origin: MediaOrigin): MediaItem | undefined {
  if (!isRec(raw)) return undefined;
  // X keeps the entity but withholds the file (DMCA, withheld in country); nothing to download.
  if (str(at(raw, 'ext_media_availability', 'status')) === 'Unavailable') return undefined;
  const type = str(raw.type);
  const imageUrl = str(raw.media_url_https);
  if (imageUrl === undefined) return undefined;
  const id = mediaId(raw, imageUrl);
  if (type === 'photo') return toPhoto(raw, id, origin, imageUrl);
  if (type === 'video' || type === 'animated_gif') return toVideo(raw, id, origin, imageUrl);
  return undefined;
}

const VIDEO_ID_IN_URL = /_video(?:_thumb)?\/(\d+)\//;

/**
 * Syndication media carry no `id_str` (cobalt: "syndication api doesn't have media ids"): fall
 * back to the media key, then the numeric id in video paths (as yt-dlp does), then the file name.
 */
function mediaId(raw: Record<string, unknown>, imageUrl: string): string {
  const idStr = str(raw.id_str);
  if (idStr !== undefined) return idStr;
  const keyId = str(raw.media_key)?.split('_')[1];
  if (keyId !== undefined && keyId !== '') return keyId;
  const fromPath = VIDEO_ID_IN_URL.exec(imageUrl)?.[1];
  if (fromPath !== undefined) return fromPath;
  const file = imageUrl.split(/[?#]/)[0]?.split('/').pop() ?? imageUrl;
  return file.replace(/\.[^.]*$/, '');
}

function originalSize(raw: Record<string, unknown>): Size | undefined {
  const width = num(at(raw, 'original_info', 'width')) ?? num(at(raw, 'sizes', 'large', 'w'));
  const height = num(at(raw, 'original_info', 'height')) ?? num(at(raw, 'sizes', 'large', 'h'));
  return width !== undefined && height !== undefined ? { width, height } : undefined;
}

function toPhoto(
  raw: Record<string, unknown>,
  id: string,
  origin: MediaOrigin,
  imageUrl: string,
): PhotoMedia {
  const size = originalSize(raw) ?? { width: 0, height: 0 };
  return {
    type: 'photo',
    id,
    origin,
    url: photoUrl(imageUrl, 'orig'),
    thumbnail: photoUrl(imageUrl, 'small'),
    width: size.width,
    height: size.height,
    alt_text: str(raw.ext_alt_text) ?? null,
  };
}

/** `…/media/X.jpg` → `…/media/X?format=jpg&name=<size>`, the form pbs.twimg.com serves sizes from. */
export function photoUrl(imageUrl: string, name: 'orig' | 'small'): string {
  let url: URL;
  try {
    url = new URL(imageUrl);
  } catch {
    return imageUrl;
  }
  const ext = /\.([A-Za-z0-9]+)$/.exec(url.pathname);
  const format = ext?.[1] ?? url.searchParams.get('format') ?? 'jpg';
  const path = ext === null ? url.pathname : url.pathname.slice(0, -ext[0].length);
  return `${url.origin}${path}?format=${format}&name=${name}`;
}

function toVideo(
  raw: Record<string, unknown>,
  id: string,
  origin: MediaOrigin,
  imageUrl: string,
): VideoMedia {
  const isGif = raw.type === 'animated_gif';
  const durationMs = isGif ? null : (num(at(raw, 'video_info', 'duration_millis')) ?? null);
  const original = originalSize(raw);
  const { variants, hls } = buildVariants(at(raw, 'video_info', 'variants'), {
    durationMs,
    fallbackSize: original ?? { width: 0, height: 0 },
  });
  const best = variants.at(0);
  const size = original ?? (best ? { width: best.width, height: best.height } : undefined);
  const vmap = str(raw.vmap_url);
  return {
    type: isGif ? 'gif' : 'video',
    id,
    origin,
    thumbnail: stripTag(imageUrl),
    width: size?.width ?? 0,
    height: size?.height ?? 0,
    duration_ms: durationMs,
    variants,
    hls,
    // Only player cards set it (card.ts): their mp4s are in that VMAP document.
    ...(vmap === undefined || variants.length > 0 ? {} : { vmap_url: vmap }),
  };
}
