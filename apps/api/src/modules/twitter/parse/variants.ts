import type { HlsPlaylist, VideoVariant } from '../twitter.types';
import { at, list, num, str } from './shape';

const HLS_TYPE = 'application/x-mpegurl';
const MP4_TYPE = 'video/mp4';
const DIMENSIONS = /\/(\d+)x(\d+)\//;

/**
 * video.twimg.com answers 403 to URLs that still carry `?tag=NN` (cobalt #1486), so every media
 * URL we hand out loses it; other parameters (container=cmaf, v=…) are kept.
 */
export function stripTag(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw;
  }
  if (!url.searchParams.has('tag')) return raw;
  url.searchParams.delete('tag');
  return url.toString();
}

export interface Size {
  width: number;
  height: number;
}

export function dimensionsInUrl(url: string): Size | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const match = DIMENSIONS.exec(path);
  if (match === null) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

export function describeSize(size: Size): Pick<VideoVariant, 'resolution' | 'quality'> {
  const shortSide = Math.min(size.width, size.height);
  return { resolution: `${String(shortSide)}p`, quality: shortSide >= 720 ? 'HD' : 'SD' };
}

export interface VariantContext {
  durationMs: number | null;
  /**
   * Used when the URL path has no `/WxH/`: always the case for GIFs (tweet_video/<key>.mp4), and
   * a last resort for videos, where original_info may exceed the real encode (fixture #1).
   */
  fallbackSize: Size;
}

/** Splits `video_info.variants` into mp4 downloads (best first) and HLS playlists. */
export function buildVariants(
  rawVariants: unknown,
  context: VariantContext,
): { variants: VideoVariant[]; hls: HlsPlaylist[] } {
  const variants: VideoVariant[] = [];
  const hls: HlsPlaylist[] = [];
  for (const raw of list(rawVariants)) {
    const url = str(at(raw, 'url'));
    const contentType = str(at(raw, 'content_type'));
    if (url === undefined || contentType === undefined) continue;
    const type = contentType.toLowerCase();
    if (type === HLS_TYPE) {
      hls.push({ url: stripTag(url), content_type: contentType });
    } else if (type === MP4_TYPE) {
      variants.push(toVariant(url, contentType, num(at(raw, 'bitrate')) ?? 0, context));
    }
  }
  return { variants: variants.sort(bestFirst), hls };
}

function toVariant(
  url: string,
  contentType: string,
  bitrate: number,
  context: VariantContext,
): VideoVariant {
  const size = dimensionsInUrl(url) ?? context.fallbackSize;
  const sizeEstimate =
    bitrate > 0 && context.durationMs !== null
      ? Math.round((bitrate * context.durationMs) / 8000)
      : null;
  return {
    ...describeSize(size),
    url: stripTag(url),
    width: size.width,
    height: size.height,
    bitrate,
    content_type: contentType,
    size_estimate_bytes: sizeEstimate,
  };
}

/**
 * Highest bitrate first, larger frame on ties. HEVC encodes go last whatever their bitrate:
 * many browsers and players cannot decode them, and clients take the first entry as "best".
 */
function bestFirst(a: VideoVariant, b: VideoVariant): number {
  const hevc = Number(isHevc(a)) - Number(isHevc(b));
  if (hevc !== 0) return hevc;
  if (a.bitrate !== b.bitrate) return b.bitrate - a.bitrate;
  return b.width * b.height - a.width * a.height;
}

function isHevc(variant: VideoVariant): boolean {
  return variant.url.includes('/hevc/');
}
