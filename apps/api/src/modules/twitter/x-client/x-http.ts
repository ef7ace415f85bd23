/**
 * undici transport for the X hosts only: connect + headers/body timeouts, a body size cap, and
 * bounded retries with jittered exponential backoff for 5xx, timeouts and connection errors.
 * 4xx answers are returned as they are (they carry content or rate-limit meaning).
 */
import { Agent, request } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from './x-client.types';

export interface XHttpConfig {
  /** Base URLs we may call; any other origin is refused before a socket is opened. */
  allowedBaseUrls: string[];
  connectTimeoutMs: number;
  /** Budget for headers + body of one attempt. */
  bodyTimeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  maxBodyBytes: number;
}

export interface XRequest {
  baseUrl: string;
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** For logs: 'activate' | 'graphql' | 'syndication'. */
  label: string;
  requestId?: string;
  /**
   * The extraction's signal (deadline, client gone, no caller left). Once aborted no attempt or
   * retry starts, the socket of the running attempt is closed, and send() rejects with its reason.
   */
  signal?: AbortSignal;
}

export type XHttpResult =
  | {
      kind: 'response';
      status: number;
      headers: IncomingHttpHeaders;
      text: string;
      /** The body ended early (connection cut, or over maxBodyBytes). */
      truncated: boolean;
    }
  | { kind: 'error'; error: 'timeout' | 'connection'; message: string };

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return 'unknown';
}

export function createXHttp(deps: { config: XHttpConfig; logger: Logger }) {
  const { config, logger } = deps;
  const allowed = new Set(config.allowedBaseUrls.map((u) => new URL(u).origin));
  const agent = new Agent({
    connect: { timeout: config.connectTimeoutMs },
    headersTimeout: config.bodyTimeoutMs,
    bodyTimeout: config.bodyTimeoutMs,
    connections: 128,
  });

  async function attempt(url: URL, req: XRequest): Promise<XHttpResult> {
    req.signal?.throwIfAborted();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, config.bodyTimeoutMs);
    const onOuterAbort = (): void => controller.abort();
    req.signal?.addEventListener('abort', onOuterAbort, { once: true });
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      const res = await request(url, {
        dispatcher: agent,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: controller.signal,
      });
      status = res.statusCode;
      headers = res.headers;
      for await (const chunk of res.body) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        size += buf.length;
        if (size > config.maxBodyBytes) {
          res.body.destroy();
          return { kind: 'response', status, headers, text: Buffer.concat(chunks).toString('utf8'), truncated: true };
        }
        chunks.push(buf);
      }
      return { kind: 'response', status, headers, text: Buffer.concat(chunks).toString('utf8'), truncated: false };
    } catch (err: unknown) {
      // Cancelled from outside: not an X failure, and nothing more may be sent.
      if (req.signal?.aborted) throw req.signal.reason as Error;
      const code = errorCode(err);
      if (timedOut || code.includes('TIMEOUT')) {
        return { kind: 'error', error: 'timeout', message: `${req.label} timed out (${code})` };
      }
      if (status !== 0) {
        // Headers arrived, then the connection broke: keep what we got as a truncated body.
        return { kind: 'response', status, headers, text: Buffer.concat(chunks).toString('utf8'), truncated: true };
      }
      return { kind: 'error', error: 'connection', message: `${req.label} connection failed (${code})` };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  function isRetryable(r: XHttpResult): boolean {
    return r.kind === 'error' || r.status >= 500 || r.truncated;
  }

  return {
    async send(req: XRequest): Promise<XHttpResult> {
      const url = new URL(req.baseUrl.replace(/\/+$/, '') + req.path);
      if (!allowed.has(url.origin)) {
        // Programming error: the client only builds URLs from the configured X base URLs.
        throw new Error(`refusing outbound request to non-X origin ${url.origin}`);
      }
      let result = await attempt(url, req);
      for (let retry = 1; retry <= config.maxRetries && isRetryable(result); retry++) {
        const delay = config.retryBaseDelayMs * 2 ** (retry - 1) * (0.5 + Math.random());
        logger.warn(
          {
            requestId: req.requestId,
            upstream: req.label,
            retry,
            delayMs: Math.round(delay),
            cause: result.kind === 'error' ? result.message : `status ${result.status}${result.truncated ? ' (truncated)' : ''}`,
          },
          'X request failed, retrying',
        );
        await abortableSleep(delay, req.signal);
        result = await attempt(url, req);
      }
      return result;
    },

    async close(): Promise<void> {
      await agent.close();
    },
  };
}

export type XHttp = ReturnType<typeof createXHttp>;
