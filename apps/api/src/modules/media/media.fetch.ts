import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { AppError } from '../../lib/errors/app-error';
import { allowedMediaUrl, upstreamUrlOf } from './media-link';

export interface MediaResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Readable;
}

/**
 * The one way media bytes enter this server: undici, to an allowed X host only (checked here too,
 * not only where URLs are accepted), no redirects, with connect/header/idle timeouts. ffmpeg never
 * opens a URL itself; it reads what this returns.
 */
export function createMediaFetcher(deps: { baseUrl: string | undefined; connectTimeoutMs: number; idleTimeoutMs: number }) {
  const agent = new Agent({
    connect: { timeout: deps.connectTimeoutMs },
    headersTimeout: deps.idleTimeoutMs,
    bodyTimeout: deps.idleTimeoutMs,
  });

  return {
    async fetch(mediaUrl: string, opts: { signal: AbortSignal; range?: string; method?: 'GET' | 'HEAD' }): Promise<MediaResponse> {
      const url = allowedMediaUrl(mediaUrl);
      if (!url) throw new AppError('media_host_not_allowed');
      const headers: Record<string, string> = { accept: '*/*' };
      if (opts.range) headers.range = opts.range;
      let res;
      try {
        res = await request(upstreamUrlOf(url, deps.baseUrl), {
          method: opts.method ?? 'GET',
          headers,
          signal: opts.signal,
          dispatcher: agent,
        });
      } catch (err) {
        if (opts.signal.aborted) throw err;
        throw new AppError('media_unavailable', 'X media host could not be reached, retry later', { cause: err, retryAfter: 5 });
      }
      const flat: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(res.headers)) flat[name] = Array.isArray(value) ? value[0] : value;
      return { status: res.statusCode, headers: flat, body: res.body };
    },
    close: () => agent.close(),
  };
}

export type MediaFetcher = ReturnType<typeof createMediaFetcher>;

/** Drops a body we do not want: undici reports the abort as an error event, which nobody awaits here. */
export function discardBody(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}
