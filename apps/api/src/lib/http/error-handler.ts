import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../db/db-errors';
import { AppError, isAppError } from '../errors/app-error';
import type { Logger } from '../logger/logger';
import { errorBody } from './envelope';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** What a client is told to wait when PostgreSQL is unreachable (a failover usually takes seconds). */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Known library errors mapped on purpose; anything else is a 500. */
function toAppError(err: unknown): AppError | undefined {
  if (isAppError(err)) return err;
  if (err instanceof ZodError) {
    return new AppError('bad_request', err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }
  const bp = err as BodyParserError;
  switch (bp?.type) {
    case 'entity.parse.failed':
      return new AppError('invalid_json');
    case 'entity.too.large':
      return new AppError('payload_too_large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('bad_request', 'Unsupported body encoding or charset');
    case 'request.aborted':
      return new AppError('bad_request', 'Request aborted');
    default:
      break;
  }
  const code = (err as { code?: string })?.code;
  if (code === 'P2025') return new AppError('not_found');
  if (code === 'P2002') return new AppError('conflict');
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
      res.end();
      return;
    }
    if (appErr.retryAfter !== undefined) res.setHeader('Retry-After', String(appErr.retryAfter));
    res.status(appErr.status).json(errorBody(appErr, req.id));
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
