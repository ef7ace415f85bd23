import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The part of the logger a feature that only writes log lines depends on (the X client and the
 * extraction service): pino's Logger satisfies it, and unit tests pass a capturing one.
 */
export interface LogSink {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** Paths that must never reach a log line. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'cookie',
  'password',
  'passwordHash',
  'token',
  'key',
  'apiKey',
  'secret',
  '*.password',
  '*.token',
  '*.key',
  '*.apiKey',
  '*.secret',
];

export function createLogger(opts: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      // pid: tells the workers of one machine apart (WEB_CONCURRENCY)
      base: { service: 'twdown-api', pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Every line written inside a request carries its id.
      mixin() {
        const ctx = requestContext.getStore();
        return ctx ? { requestId: ctx.requestId } : {};
      },
    },
    opts.destination,
  );
}

/**
 * A warning that may fire on every request while something is degraded (a Redis outage): the
 * first one is written at once, then at most one line per `everyMs`, carrying how many were not
 * written since the last line (`suppressed`), so a burst cannot flood the log.
 */
export function throttledWarn(
  sink: Pick<LogSink, 'warn'>,
  msg: string,
  everyMs: number,
  now: () => number = () => performance.now(),
): (err: unknown) => void {
  let last = -Infinity;
  let suppressed = 0;
  return (err) => {
    const t = now();
    if (t - last < everyMs) {
      suppressed++;
      return;
    }
    sink.warn({ err: err instanceof Error ? err.message : String(err), suppressed }, msg);
    last = t;
    suppressed = 0;
  };
}
