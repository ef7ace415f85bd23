/**
 * Upstream X calls are observed on undici's diagnostics channels instead of inside the X
 * client: every request to the configured X origins is counted once, by operation and outcome,
 * including retries and the syndication fallback, and the X client needs no metrics code.
 * (Node's own fetch publishes on the same channels; the origin filter keeps other hosts out.)
 */
import diagnosticsChannel from 'node:diagnostics_channel';

export type XOutcome = 'ok' | 'rate_limited' | 'client_error' | 'server_error' | 'timeout' | 'network_error';

interface UndiciRequest {
  origin?: unknown;
  path?: unknown;
}

/** The operation a request path stands for; a closed set, so label cardinality stays small. */
export function xOperation(path: string): string {
  if (path.startsWith('/1.1/guest/activate')) return 'guest_activate';
  const graphql = /^\/(?:i\/api\/)?graphql\/[^/]+\/(\w+)/.exec(path);
  if (graphql?.[1]) return graphql[1] === 'TweetDetail' || graphql[1] === 'TweetResultByRestId' ? graphql[1] : 'graphql_other';
  if (path.startsWith('/tweet-result')) return 'syndication';
  return 'other';
}

export function xOutcome(status: number): XOutcome {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return 'ok';
}

export function observeXUpstream(opts: { baseUrls: string[]; onResult: (operation: string, outcome: XOutcome) => void }): () => void {
  const origins = new Set(opts.baseUrls.map((u) => new URL(u).origin));
  const operationOf = (request: UndiciRequest): string | null => {
    if (typeof request.origin !== 'string' || typeof request.path !== 'string') return null;
    let origin: string;
    try {
      origin = new URL(request.origin).origin;
    } catch {
      return null;
    }
    return origins.has(origin) ? xOperation(request.path) : null;
  };
  const onHeaders = (message: unknown) => {
    const { request, response } = message as { request: UndiciRequest; response: { statusCode?: unknown } };
    const operation = operationOf(request);
    if (operation && typeof response.statusCode === 'number') opts.onResult(operation, xOutcome(response.statusCode));
  };
  const onError = (message: unknown) => {
    const { request, error } = message as { request: UndiciRequest; error: unknown };
    const operation = operationOf(request);
    if (!operation) return;
    const text = error instanceof Error ? `${error.name} ${(error as NodeJS.ErrnoException).code ?? ''}` : '';
    opts.onResult(operation, /timeout|abort/i.test(text) ? 'timeout' : 'network_error');
  };
  diagnosticsChannel.subscribe('undici:request:headers', onHeaders);
  diagnosticsChannel.subscribe('undici:request:error', onError);
  return () => {
    diagnosticsChannel.unsubscribe('undici:request:headers', onHeaders);
    diagnosticsChannel.unsubscribe('undici:request:error', onError);
  };
}
