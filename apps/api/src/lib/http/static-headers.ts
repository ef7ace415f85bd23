import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Runs a header-only middleware (helmet) once at start-up and replays the headers it set on
 * every response. helmet's answer does not depend on the request (no CSP nonces here), so
 * this sends exactly the same headers without running its dozen sub-middlewares per request.
 * Throws at start-up if the middleware does anything else than set headers synchronously.
 */
export function staticHeaders(middleware: NodeMiddleware): RequestHandler {
  const headers: Array<[string, string | string[]]> = [];
  let done = false;
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.push([name, typeof value === 'number' ? String(value) : Array.isArray(value) ? [...(value as string[])] : (value as string)]);
      return recorder;
    },
    removeHeader() {
      // helmet removes X-Powered-By; the app never sets it (disabled in buildApp)
    },
  };
  middleware({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, (err) => {
    if (err) throw err instanceof Error ? err : new Error('staticHeaders(): the middleware failed');
    done = true;
  });
  if (!done) throw new Error('staticHeaders(): the middleware did not finish synchronously');
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
