import express, { type RequestHandler } from 'express';
import { AppError } from '../errors/app-error';

/**
 * JSON bodies only, 16 KB max. A request that has a body with another content type gets a
 * clear 400 instead of being silently ignored.
 */
export function jsonBody(limit = '16kb'): RequestHandler[] {
  return [
    (req, _res, next) => {
      const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
      if (hasBody && !req.is('application/json')) {
        next(new AppError('unsupported_media_type'));
        return;
      }
      next();
    },
    // non-strict: a JSON string or number body is valid JSON, answered as "URL parameter is required"
    express.json({ limit, strict: false, type: 'application/json' }),
  ];
}
