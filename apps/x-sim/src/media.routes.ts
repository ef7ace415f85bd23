import type { Request, Response, Router } from 'express';
import { createReadStream } from 'node:fs';
import type { SimContext } from './context';
import { withFaults } from './fault.middleware';
import { NAMED_ASSETS, type MediaAsset, type MediaFile } from './media';
import { parseRange } from './range';
import { bodyFaultOf, sendJson } from './respond';
import { vmapDocument } from './vmap';

const SEGMENT_PATH = '__sim/segment.ts';

/** Known `host/path` for a request path, also accepting gallery-dl's `…/X?format=jpg` spelling of `…/X.jpg`. */
function knownPath(ctx: SimContext, requested: string): string | undefined {
  if (requested === SEGMENT_PATH) return requested;
  for (const candidate of [requested, `${requested}.jpg`, `${requested}.png`]) {
    if (ctx.fixtures.mediaPaths.has(candidate)) return candidate;
  }
  return undefined;
}

function assetFor(known: string, req: Request): MediaAsset | 'playlist' {
  if (known === SEGMENT_PATH) return 'segment';
  if (known.endsWith('.m3u8')) return 'playlist';
  const named = NAMED_ASSETS[known.slice(known.lastIndexOf('/') + 1)];
  if (named) return named;
  if (known.endsWith('.mp4')) return known.startsWith('video.twimg.com/tweet_video/') ? 'gif' : 'video';
  return known.endsWith('.png') || req.query.format === 'png' ? 'png' : 'jpeg';
}

// One 2-second segment of the same test pattern, so HLS players have something real to fetch.
const PLAYLIST = [
  '#EXTM3U',
  '#EXT-X-VERSION:3',
  '#EXT-X-TARGETDURATION:2',
  '#EXT-X-MEDIA-SEQUENCE:0',
  '#EXT-X-PLAYLIST-TYPE:VOD',
  '#EXTINF:2.000,',
  `/media/${SEGMENT_PATH}`,
  '#EXT-X-ENDLIST',
  '',
].join('\n');

function sendFile(req: Request, res: Response, media: MediaFile): void {
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', media.contentType);
  res.setHeader('Cache-Control', 'max-age=604800');
  const range = parseRange(req.get('range'), media.size);
  if (range.kind === 'unsatisfiable') {
    res.status(416).setHeader('Content-Range', `bytes */${media.size}`);
    res.end();
    return;
  }
  const start = range.kind === 'partial' ? range.start : 0;
  const end = range.kind === 'partial' ? range.end : media.size - 1;
  res.status(range.kind === 'partial' ? 206 : 200);
  if (range.kind === 'partial') res.setHeader('Content-Range', `bytes ${start}-${end}/${media.size}`);
  res.setHeader('Content-Length', String(end - start + 1));
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // The truncation fault on media: the announced length, half the bytes, then the connection is
  // cut — what a CDN dying mid-transfer looks like to a client.
  const truncated = bodyFaultOf(res)?.kind === 'truncated';
  const last = truncated ? start + Math.floor((end - start) / 2) : end;
  const stream = createReadStream(media.file, { start, end: last });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  if (truncated) {
    stream.on('end', () => res.destroy());
    stream.pipe(res, { end: false });
    return;
  }
  stream.pipe(res);
}

async function serveMedia(ctx: SimContext, req: Request, res: Response): Promise<void> {
  const known = knownPath(ctx, req.path.replace(/^\/+/, ''));
  if (!known) return sendJson(res, 404, { error: 'Not found: this path does not appear in any fixture' });
  if (known.endsWith('.vmap')) {
    res.status(200).type('application/xml').send(vmapDocument(known));
    return;
  }
  const asset = assetFor(known, req);
  if (asset === 'playlist') {
    res.status(200).type('application/vnd.apple.mpegurl').send(PLAYLIST);
    return;
  }
  const state = await ctx.media.ready();
  if (!state.ok) return sendJson(res, 503, { error: `Media host unavailable: ${state.reason}` });
  sendFile(req, res, state.files[asset]);
}

export function registerMedia(router: Router, ctx: SimContext): void {
  router.use(
    '/media',
    (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'Method not allowed' });
      ctx.counters.mediaRequests += 1;
      next();
    },
    withFaults(ctx, 'media'),
    (req, res) => serveMedia(ctx, req, res),
  );
}
