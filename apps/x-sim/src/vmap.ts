/**
 * VMAP documents for player cards (promo_video_*, amplify, poll videos): X lists those cards'
 * mp4s only in a VMAP on video.twimg.com (`player_stream_url`, `amplify_url_vmap`). No VMAP body
 * was recorded by any project we draw on, so the simulator writes one, SYNTHETIC, for every
 * `.vmap` URL that appears in a fixture, in the shape yt-dlp's `_extract_formats_from_vmap_url`
 * reads: a VMAP → VAST ad whose `<tw:videoVariants>` (namespace
 * http://twitter.com/schema/videoVMapV2.xsd) lists each rendition with a percent-encoded `url`,
 * `content_type` and `bit_rate`, plus the VAST `<MediaFile>`. Its renditions are served by the
 * media host like any fixture video.
 */

interface Rendition {
  path: string;
  contentType: string;
  bitrate?: number;
}

function renditions(vmapPath: string): Rendition[] {
  const id = /([^/]+)\.vmap$/.exec(vmapPath)?.[1] ?? 'sim';
  const base = `video.twimg.com/amplify_video/${id}`;
  return [
    { path: `${base}/vid/avc1/640x360/SimVmap360.mp4`, contentType: 'video/mp4', bitrate: 832000 },
    { path: `${base}/pl/SimVmap.m3u8`, contentType: 'application/x-mpegURL' },
    { path: `${base}/vid/avc1/1280x720/SimVmap720.mp4`, contentType: 'video/mp4', bitrate: 2176000 },
  ];
}

/** `host/path` of every file a VMAP document lists, so the media host serves them. */
export function vmapRenditionPaths(vmapPath: string): string[] {
  return renditions(vmapPath).map((r) => r.path);
}

export function vmapDocument(vmapPath: string): string {
  const all = renditions(vmapPath);
  const variants = all
    .map((r) => {
      const bitrate = r.bitrate === undefined ? '' : ` bit_rate="${String(r.bitrate)}"`;
      return `            <tw:videoVariant url="${encodeURIComponent(`https://${r.path}`)}" content_type="${r.contentType}"${bitrate}/>`;
    })
    .join('\n');
  const best = all.find((r) => r.bitrate === 2176000) ?? all[0];
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- SYNTHETIC: written by the X simulator (apps/x-sim/src/vmap.ts), not recorded from X. -->
<vmap:VMAP xmlns:vmap="http://www.iab.net/videosuite/vmap" version="1.0">
  <vmap:AdBreak breakId="" breakType="linear" timeOffset="start">
    <vmap:AdSource allowMultipleAds="false" followRedirects="true" id="1">
      <vmap:VASTAdData>
        <VAST version="2.0" xmlns:tw="http://twitter.com/schema/videoVMapV2.xsd">
          <Ad id="1"><InLine><AdSystem>twitter</AdSystem><AdTitle>sim</AdTitle><Creatives><Creative><Linear>
            <Duration>00:00:02.000</Duration>
            <MediaFiles><MediaFile delivery="progressive" type="video/mp4"><![CDATA[https://${best?.path ?? ''}]]></MediaFile></MediaFiles>
          </Linear></Creative></Creatives>
          <Extensions><Extension><tw:videoVariants>
${variants}
          </tw:videoVariants></Extension></Extensions>
          </InLine></Ad>
        </VAST>
      </vmap:VASTAdData>
    </vmap:AdSource>
  </vmap:AdBreak>
</vmap:VMAP>
`;
}
