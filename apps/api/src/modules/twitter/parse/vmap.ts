import type { HlsPlaylist, VideoVariant } from '../twitter.types';
import { buildVariants, type VariantContext } from './variants';

/**
 * X's VMAP documents (the `player_stream_url` / `amplify_url_vmap` of player cards) as yt-dlp
 * reads them (`_extract_formats_from_vmap_url`): an IAB VMAP whose VAST ad carries
 * `<tw:videoVariants>` in X's namespace (http://twitter.com/schema/videoVMapV2.xsd), one
 * `<tw:videoVariant url="…" content_type="video/mp4" bit_rate="…"/>` per rendition, the `url`
 * percent-encoded; older documents have only the VAST `<MediaFile>`. We need those few
 * attributes, not a general XML parser: anything else in the document is ignored.
 */
export type VmapRead =
  | { ok: true; variants: VideoVariant[]; hls: HlsPlaylist[] }
  | { ok: false; why: string };

const VARIANT_TAG = /<(?:[\w.-]+:)?videoVariant\b([^>]*)>/g;
const MEDIA_FILE = /<(?:[\w.-]+:)?MediaFile\b([^>]*)>\s*(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))\s*</g;
const ATTRIBUTE = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function readVmap(xml: string, context: VariantContext): VmapRead {
  if (!/<(?:[\w.-]+:)?(?:VMAP|VAST)\b/.test(xml)) return { ok: false, why: 'not a VMAP/VAST document' };
  const raws: { url: string; content_type: string; bitrate?: number }[] = [];
  for (const match of xml.matchAll(VARIANT_TAG)) {
    const attrs = attributes(match[1] ?? '');
    const url = decodeUrl(attrs.url);
    const type = attrs.content_type ?? (url?.includes('.m3u8') === true ? 'application/x-mpegURL' : 'video/mp4');
    const bitrate = Number(attrs.bit_rate ?? attrs.bitrate);
    if (url !== undefined) raws.push({ url, content_type: type, ...(Number.isFinite(bitrate) ? { bitrate } : {}) });
  }
  for (const match of xml.matchAll(MEDIA_FILE)) {
    const url = decodeUrl((match[2] ?? match[3] ?? '').trim());
    if (url === undefined || raws.some((raw) => raw.url === url)) continue;
    const declared = attributes(match[1] ?? '').type;
    raws.push({ url, content_type: declared ?? (url.includes('.m3u8') ? 'application/x-mpegURL' : 'video/mp4') });
  }
  const { variants, hls } = buildVariants(raws, context);
  return { ok: true, variants, hls };
}

function attributes(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = match[1];
    if (name !== undefined) out[name.replace(/^[\w.-]+:/, '')] = unescapeXml(match[2] ?? match[3] ?? '');
  }
  return out;
}

function unescapeXml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Percent-encoded in `videoVariant`, plain in `MediaFile`; only https URLs on X's video host count. */
function decodeUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let decoded = unescapeXml(raw);
  if (/^https?%3A/i.test(decoded)) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return undefined;
    }
  }
  try {
    const url = new URL(decoded);
    return url.protocol === 'https:' && url.hostname === 'video.twimg.com' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
