import type { RequestHandler, Response } from 'express';
import type { AppError, ErrorCode } from '../errors/app-error';

export interface SuccessEnvelope<T> {
  code: 0;
  message: 'ok';
  data: T;
}

export interface ErrorEnvelope {
  code: -1;
  message: string;
  error: { type: string; request_id: string; retry_after?: number } & Record<string, unknown>;
}

export function sendOk<T>(res: Response, data: T, status = 200): void {
  const body: SuccessEnvelope<T> = { code: 0, message: 'ok', data };
  res.status(status).json(body);
}

export function errorBody(err: AppError, requestId: string): ErrorEnvelope {
  return {
    code: -1,
    message: err.message,
    error: {
      ...err.details,
      type: err.code,
      request_id: requestId,
      ...(err.retryAfter !== undefined ? { retry_after: err.retryAfter } : {}),
    },
  };
}

/**
 * The Facebo/Soundc-compatible family (/api/download, /api/convert/*) answers errors as
 * `{"error": "<message>"}`; their documented messages replace ours for the same conditions, and
 * `type`/`request_id` (and `retry_after`) are added beside it so the one error path stays visible.
 */
export type ErrorStyle = 'v1' | 'compat';

const COMPAT_MESSAGES: Partial<Record<ErrorCode, string>> = {
  url_required: 'Missing URL',
  missing_api_key: 'Invalid API token',
  invalid_api_key: 'Invalid API token',
};

export interface CompatErrorBody {
  error: string;
  type: string;
  request_id: string;
  retry_after?: number;
}

export function compatErrorBody(err: AppError, requestId: string): CompatErrorBody {
  return {
    error: COMPAT_MESSAGES[err.code] ?? err.message,
    type: err.code,
    request_id: requestId,
    ...(err.retryAfter !== undefined ? { retry_after: err.retryAfter } : {}),
  };
}

const styles = new WeakMap<Response, ErrorStyle>();

export function renderErrorBody(res: Response, err: AppError, requestId: string): ErrorEnvelope | CompatErrorBody {
  return styles.get(res) === 'compat' ? compatErrorBody(err, requestId) : errorBody(err, requestId);
}

/** Under /api: /api/v1/… keeps the v1 envelope, everything else is the compatible family. */
export function errorStyleForApi(): RequestHandler {
  return (req, res, next) => {
    // Express matches paths case-insensitively, so /API/V1/… reaches the v1 router: same here.
    styles.set(res, /^\/v1(?:\/|$)/i.test(req.path) ? 'v1' : 'compat');
    next();
  };
}
