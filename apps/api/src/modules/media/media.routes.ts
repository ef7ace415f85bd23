import { pipeline } from 'node:stream/promises';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import { sendOk } from '../../lib/http/envelope';
import type { Logger } from '../../lib/logger/logger';
import { parseTweetUrl } from '../twitter/parse/tweet-url';
import type { Extractor } from '../twitter/twitter.routes';
import { buildDownloadItems, type DownloadItem } from './download.service';
import { discardBody, type MediaFetcher } from './media.fetch';
import type { MediaLinks } from './media-link';

export interface MediaRouteDeps {
  extractor: Extractor;
  links: MediaLinks;
  fetcher: MediaFetcher;
  publicBaseUrl: string | undefined;
  logger: Logger;
}

/** Our links point back at the server the client reached, unless PUBLIC_BASE_URL says otherwise. */
export function linkBaseOf(req: Request, publicBaseUrl: string | undefined): string {
  return (publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '');
}

function urlOfBody(body: unknown): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { url?: unknown }).url : undefined;
}

async function listItems(req: Request, deps: MediaRouteDeps): Promise<DownloadItem[]> {
  const parsed = parseTweetUrl(urlOfBody(req.body));
  if (!parsed.ok) throw new AppError(parsed.code);
  // A /video/N or /photo/N suffix names the post; /download always lists every item of it.
  const tweet = await deps.extractor.extract(parsed.ref.statusId, { requestId: req.id });
  return buildDownloadItems(tweet, { links: deps.links, linkBase: linkBaseOf(req, deps.publicBaseUrl) });
}

const PASSED_HEADERS = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'last-modified'];

/**
 * POST /api/download (Facebo/Soundc shape), POST /api/v1/download (v1 envelope) and
 * GET /api/v1/media/<token> (our signed download links; no API key, so browsers can follow them).
 */
export function createMediaHandlers(deps: MediaRouteDeps) {
  const downloadCompat: RequestHandler = async (req, res) => {
    res.json({ success: true, items: await listItems(req, deps) });
  };
  const downloadV1: RequestHandler = async (req, res) => {
    sendOk(res, { items: await listItems(req, deps) });
  };
  const follow: RequestHandler = async (req, res) => {
    const target = deps.links.verify(String(req.params.token));
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const upstream = await deps.fetcher.fetch(target.url, {
      signal: controller.signal,
      range: req.get('range'),
      method: req.method === 'HEAD' ? 'HEAD' : 'GET',
    });
    if (upstream.status !== 200 && upstream.status !== 206 && upstream.status !== 416) {
      discardBody(upstream.body);
      throw new AppError('media_unavailable', `X did not serve this media file (HTTP ${String(upstream.status)})`);
    }
    res.status(upstream.status);
    for (const name of PASSED_HEADERS) {
      const value = upstream.headers[name];
      if (value !== undefined) res.setHeader(name, value);
    }
    res.setHeader('Content-Disposition', `attachment; filename="${target.filename}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    // A cut upstream destroys our response too: the client sees an aborted transfer, never a short file.
    await pipeline(upstream.body, res).catch((err: unknown) => {
      if (!controller.signal.aborted) deps.logger.warn({ err: String(err) }, 'media stream cut');
    });
  };
  return { downloadCompat, downloadV1, follow };
}
