import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { isDatabaseUnavailable, isPrismaError } from '../db/db-errors';
import { AppError, isAppError } from '../errors/app-error';
import type { Logger } from '../logger/logger';
import { renderErrorBody } from './envelope';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
  code?: string;
}

/**
 * Every way reading a request body can fail is the client's doing: a clear 400 in the envelope,
 * never a 500. body-parser tags most failures with `type`; a body that does not decompress
 * (corrupt or truncated gzip/deflate/br) comes through as zlib's own error with only a 4xx
 * `status` (http-errors), so anything with a client status that body-parser or the router raised
 * is a bad request too. Content-Encoding is never refused with 415: the v1 contract answers
 * every body problem with 400 (see docs/security.md, "Malformed bodies and fuzzing").
 */
function bodyError(bp: BodyParserError): AppError | undefined {
  switch (bp.type) {
    case 'entity.parse.failed':
      return new AppError('invalid_json');
    case 'entity.too.large':
      return new AppError('payload_too_large');
    case 'encoding.unsupported':
      return new AppError('bad_request', 'Unsupported Content-Encoding (use gzip, deflate, br or none)');
    case 'charset.unsupported':
      return new AppError('bad_request', 'Unsupported body charset (use utf-8)');
    case 'request.aborted':
      return new AppError('bad_request', 'Request aborted');
    case 'request.size.invalid':
      return new AppError('bad_request', 'Request body size did not match Content-Length');
    default:
      break;
  }
  if (typeof bp.code === 'string' && /^(Z_|ERR__ERROR_|ERR_BROTLI|ERR_ZSTD)/.test(bp.code)) {
    return new AppError('bad_request', 'Request body could not be decompressed (corrupt or truncated)');
  }
  // http-errors mark client errors `expose`; the router's "Failed to decode param" is a URIError
  // with status 400 and no such mark.
  if (typeof bp.status === 'number' && bp.status >= 400 && bp.status < 500 && (bp.expose === true || bp instanceof URIError)) {
    if (bp.status === 404) return new AppError('route_not_found');
    if (bp.status === 403) return new AppError('forbidden');
    return new AppError('bad_request');
  }
  return undefined;
}

/** What a client is told to wait when PostgreSQL is unreachable (a failover usually takes seconds). */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Known library errors mapped on purpose; anything else is a 500. */
function toAppError(err: unknown): AppError | undefined {
  if (isAppError(err)) return err;
  if (err instanceof ZodError) {
    return new AppError('bad_request', err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }
  if (typeof err === 'object' && err !== null) {
    const mapped = bodyError(err as BodyParserError);
    if (mapped) return mapped;
  }
  if (isPrismaError(err, 'recordNotFound')) return new AppError('not_found');
  if (isPrismaError(err, 'uniqueViolation')) return new AppError('conflict');
  if (isDatabaseUnavailable(err)) return new AppError('database_unavailable', undefined, { retryAfter: DATABASE_RETRY_AFTER_SECONDS, cause: err });
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = toAppError(err);
    const appErr = known ?? new AppError('internal', undefined, { cause: err });
    if (!known) {
      logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    } else if (appErr.status >= 500) {
      const cause: unknown = appErr.cause ?? ''; // Error.cause is unknown; String() renders whatever it is
      logger.warn({ err: { code: appErr.code, message: appErr.message, cause: String(cause) } }, 'request failed upstream');
    }
    if (res.headersSent) {
      // Part of a body is out: ending it normally would pass a truncated answer off as complete.
      res.destroy();
      return;
    }
    if (appErr.retryAfter !== undefined) res.setHeader('Retry-After', String(appErr.retryAfter));
    res.status(appErr.status).json(renderErrorBody(res, appErr, req.id));
  };
}

export function notFound(): RequestHandler {
  return (req, _res, next) => {
    next(new AppError('route_not_found', `Route not found: ${req.method} ${req.path}`));
  };
}

/** For routers: a known path hit with an unsupported method. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('Allow', allowed.join(', '));
    next(new AppError('method_not_allowed'));
  };
}
