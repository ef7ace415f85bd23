import { randomUUID } from 'node:crypto';
import http, { STATUS_CODES, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo, Socket } from 'node:net';
import { AppError } from '../errors/app-error';
import type { Logger } from '../logger/logger';
import { errorBody } from './envelope';

export interface HttpServerOptions {
  /** Whole request (headers + body) must arrive within this, ms (Node's default is 5 minutes). */
  requestTimeoutMs: number;
  /** Headers must arrive within this, ms. */
  headersTimeoutMs: number;
  /** Idle keep-alive sockets are kept this long, ms (above a load balancer's idle timeout). */
  keepAliveTimeoutMs?: number;
  /**
   * On drain, a keep-alive socket that is idle gets this long for a request already on its way
   * before it is closed, ms (closing at once resets a client that just sent one).
   */
  idleGraceMs?: number;
  logger: Logger;
}

export type DrainOutcome = 'drained' | 'timed_out';

/** How long a socket answered before its request body arrived is still read (and dropped), ms. */
export const LINGER_MS = 2_000;

/**
 * Node closes a `Connection: close` socket with destroySoon() once the answer is written. Here
 * that becomes: FIN after the answer, keep reading (Node's parser discards the rest of the body),
 * destroy when the client closes its side or after LINGER_MS, whichever comes first.
 */
function lingerOnClose(socket: Socket): void {
  socket.destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}

/**
 * A constructor for Node's HTTP server (its `IncomingMessage`/`ServerResponse` options) whose
 * instances are `base` objects created with `prototype` as their prototype. `prototype` must
 * inherit from `base.prototype`, so they are still `base` instances in every respect.
 */
export function bornWith<T extends object>(base: T & (abstract new (...args: never[]) => object), prototype: object): T {
  if (!Object.prototype.isPrototypeOf.call(base.prototype, prototype)) {
    throw new Error(`createHttpServer(): the app's prototype for ${base.name} objects does not inherit from ${base.name}.prototype`);
  }
  // a class constructor cannot be applied to an object; should a Node version make these classes,
  // Node's own constructor is returned (correct, only slower)
  if (Function.prototype.toString.call(base).startsWith('class')) return base;
  // Node's IncomingMessage and ServerResponse are plain constructor functions: `new Born(…)` makes
  // the object (with Born.prototype) and base initialises it, as a subclass would
  function Born(this: object, ...args: unknown[]): void {
    Reflect.apply(base as unknown as (...a: unknown[]) => void, this, args);
  }
  Born.prototype = prototype;
  return Born as unknown as T;
}

interface InFlightEntry {
  req: IncomingMessage;
  res: ServerResponse;
  /** where the entry is in the list (moved when another entry takes its place) */
  slot: number;
}

/**
 * The requests being answered, for the drain. An array with swap-remove rather than a `Set`:
 * a request is added and removed on every call, and V8's Set tables are rebuilt as entries come
 * and go; with requests waiting on I/O (Redis) every young GC then kept ~1.5 MB of finished
 * requests and promoted it to the old generation (docs/architecture.md, "Sixth pass"). Removing
 * here clears the array slot at once (pop), so nothing finished stays referenced.
 */
export function createInFlight() {
  const entries: InFlightEntry[] = [];
  return {
    add(req: IncomingMessage, res: ServerResponse): InFlightEntry {
      const entry = { req, res, slot: entries.length };
      entries.push(entry);
      return entry;
    },
    remove(entry: InFlightEntry): void {
      if (entries[entry.slot] !== entry) return; // already removed
      const last = entries.pop();
      if (last && last !== entry) {
        entries[entry.slot] = last;
        last.slot = entry.slot;
      }
    },
    size: () => entries.length,
    list: (): Array<{ req: IncomingMessage; res: ServerResponse }> => entries.map(({ req, res }) => ({ req, res })),
  };
}

/**
 * What an Express app gives every request and response as their prototype (`app.request`,
 * `app.response`; its `app.handle` sets them with `Object.setPrototypeOf`).
 */
type AppPrototypes = { request?: object; response?: object };

/**
 * The HTTP server around the app, owning what Express cannot see: socket timeouts, when a
 * connection must close, and draining on shutdown.
 *
 * A response says `Connection: close` (and Node closes the socket after it) when
 * - the server is draining: the client learns not to reuse the socket, instead of having it
 *   reset under its next request;
 * - the request's body was not fully received (e.g. a 401 before a slow body was read): reading
 *   the rest only to keep the socket would let a client hold it as long as it likes.
 *   The close is a lingering one: the answer, then FIN at once, then what the client is still
 *   sending is read and dropped for at most LINGER_MS before the socket is destroyed. Destroying
 *   it at once (Node's way) resets a client that is still writing its body: it gets EPIPE or
 *   ECONNRESET instead of the answer (seen with 600 KB bodies sent to routes that take none).
 */
export function createHttpServer(app: RequestListener & AppPrototypes, opts: HttpServerOptions) {
  let draining = false;
  const inFlight = createInFlight();

  function closeWhenNeeded(req: IncomingMessage, res: ServerResponse): void {
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    // Node writes headers through writeHead (also implicitly, from end()); this is the last point
    // at which the Connection header can still change.
    res.writeHead = ((...args: unknown[]) => {
      if (!res.headersSent && (draining || !req.complete)) {
        res.setHeader('Connection', 'close');
        if (!req.complete) lingerOnClose(req.socket);
      }
      return writeHead(...args);
    });
  }

  const server = http.createServer(
    {
      // Requests and responses are created with the app's prototypes from the start, so the
      // app's own Object.setPrototypeOf on each (Express's app.handle, the compiled route)
      // changes nothing. Changing an object's prototype is slow in V8 and slows what touches the
      // object afterwards: on a cache-hit POST /api/v1/twitter it cost a third of the request's
      // CPU (docs/architecture.md, "Fourth pass").
      IncomingMessage: app.request ? bornWith<typeof http.IncomingMessage>(http.IncomingMessage, app.request) : http.IncomingMessage,
      ServerResponse: app.response ? bornWith<typeof http.ServerResponse>(http.ServerResponse, app.response) : http.ServerResponse,
      requestTimeout: opts.requestTimeoutMs,
      headersTimeout: Math.min(opts.headersTimeoutMs, opts.requestTimeoutMs),
      // Node checks the two timeouts above on this interval (default 30 s, too coarse for them).
      connectionsCheckingInterval: Math.max(250, Math.min(1000, Math.floor(opts.headersTimeoutMs / 4))),
    },
    (req, res) => {
      closeWhenNeeded(req, res);
      const entry = inFlight.add(req, res);
      res.once('close', () => inFlight.remove(entry));
      app(req, res);
    },
  );
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 65_000;
  // Requests Node refuses before Express sees them (malformed, headers too large, too slow) get
  // the envelope too, instead of Node's bare "400 Bad Request".
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // `_httpMessage` is the response in progress on this socket: once its headers left, a second
    // status line would corrupt the stream, so the socket is only closed.
    const current = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (!socket.writable || current?.headersSent) {
      socket.destroy();
      return;
    }
    const appErr =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('request_timeout')
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? new AppError('bad_request', 'Request headers are too large')
          : new AppError('bad_request', 'Malformed HTTP request');
    const body = JSON.stringify(errorBody(appErr, randomUUID()));
    socket.end(
      `HTTP/1.1 ${appErr.status} ${STATUS_CODES[appErr.status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  /** Answers a request the grace period did not let finish, so the client is not reset. */
  function answerUnfinished(req: IncomingMessage, res: ServerResponse): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const err = new AppError('shutting_down', undefined, { retryAfter: 1 });
    const id = (req as { id?: string }).id ?? '';
    res.statusCode = err.status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Retry-After', String(err.retryAfter ?? 1));
    res.end(JSON.stringify(errorBody(err, id)));
  }

  return {
    server,
    isDraining: () => draining,
    async listen(port: number, host: string): Promise<number> {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return (server.address() as AddressInfo).port;
    },
    /**
     * Stops taking work: responses from now on close their connection; idle keep-alive sockets
     * are closed after a short grace; the listener closes with them. In-flight requests may run
     * for `graceMs`; those still running then are answered 503 `shutting_down`.
     */
    async drain(graceMs: number): Promise<DrainOutcome> {
      draining = true;
      const started = Date.now();
      const closed = new Promise<void>((resolve) => {
        const idleGrace = setTimeout(() => server.close(() => resolve()), opts.idleGraceMs ?? 500);
        idleGrace.unref();
      });
      // Sockets that went idle after their last (Connection: close) response are closed by Node;
      // the ones idle since before the drain are closed by server.close() above.
      const finished = closed.then(() => 'drained' as const);
      const timedOut = new Promise<'timed_out'>((resolve) => {
        const t = setTimeout(() => resolve('timed_out'), Math.max(0, graceMs - (Date.now() - started)));
        t.unref();
      });
      const outcome = await Promise.race([finished, timedOut]);
      if (outcome === 'timed_out') {
        opts.logger.warn({ inFlight: inFlight.size() }, 'shutdown grace period over; answering the requests still running with 503');
        const pending = inFlight.list();
        for (const { req, res } of pending) answerUnfinished(req, res);
        // give those answers a moment to leave, then drop whatever is left
        await Promise.race([
          Promise.all(pending.map(({ res }) => new Promise((r) => (res.writableFinished ? r(undefined) : res.once('close', r))))),
          new Promise((r) => setTimeout(r, 500).unref()),
        ]);
        server.closeAllConnections();
      }
      return outcome;
    },
  };
}

export type HttpServer = ReturnType<typeof createHttpServer>;
