import type { Response } from 'express';
import type { AppError } from '../errors/app-error';

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
