import express, { type RequestHandler } from 'express';
import { AppError } from '../errors/app-error';

const DEFAULT_LIMIT = 16 * 1024;

/**
 * JSON bodies only, 16 KB max. A request that has a body with another content type gets a
 * clear 400 instead of being silently ignored.
 */
export function jsonBody(limit = DEFAULT_LIMIT): RequestHandler[] {
  // non-strict: a JSON string or number body is valid JSON, answered as "URL parameter is required"
  const parser = express.json({ limit, strict: false, type: 'application/json' });
  return [
    (req, _res, next) => {
      const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
      if (hasBody && !req.is('application/json')) {
        next(new AppError('unsupported_media_type'));
        return;
      }
      next();
    },
    (req, res, next) => {
      // a stream already read, ended or gone is body-parser's case too (it skips it)
      const length = req.readable && !req.readableDidRead && req.socket.readable ? plainLength(req.headers, limit) : undefined;
      if (length === undefined) parser(req, res, next);
      else readPlain(req, length, next);
    },
  ];
}

/**
 * The usual body (application/json, utf-8 or no charset, no Content-Encoding, a Content-Length
 * within the limit): its length; undefined = anything else, which body-parser reads.
 */
function plainLength(headers: Record<string, string | string[] | undefined>, limit: number): number | undefined {
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return undefined;
  const type = headers['content-type'];
  if (typeof type !== 'string' || !PLAIN_TYPE.test(type)) return undefined;
  const raw = headers['content-length'];
  if (typeof raw !== 'string' || !/^\d{1,5}$/.test(raw)) return undefined;
  const length = Number(raw);
  return length <= limit ? length : undefined;
}

const PLAIN_TYPE = /^application\/json(?:;[ \t]*charset=(?:"utf-8"|utf-8))?$/i;

/**
 * What body-parser does for such a body, without its per-request machinery: Node's parser
 * already holds the body to exactly Content-Length bytes, so the only failures are a client that
 * goes away (`request.aborted`, as raw-body names it) and JSON that does not parse
 * (`entity.parse.failed`); the error middleware answers both by that `type`, as for body-parser.
 */
function readPlain(req: Parameters<RequestHandler>[0], length: number, next: (err?: unknown) => void): void {
  const chunks: Buffer[] = [];
  let received = 0;
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    received += chunk.length;
  };
  const onEnd = (): void => {
    cleanup();
    if (received !== length) {
      next(clientError('request.size.invalid', 'request size did not match content length'));
      return;
    }
    // iconv-lite (body-parser's decoder) drops a byte order mark; JSON.parse would refuse it
    let text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received)).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    try {
      // body-parser answers an empty body with {} (a common client mistake)
      req.body = text.length === 0 ? {} : (JSON.parse(text) as unknown);
    } catch (err: unknown) {
      next(Object.assign(err as Error, { status: 400, statusCode: 400, expose: true, type: 'entity.parse.failed' }));
      return;
    }
    next();
  };
  const onGone = (): void => {
    cleanup();
    next(clientError('request.aborted', 'request aborted'));
  };
  const cleanup = (): void => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('aborted', onGone);
    req.off('close', onGone);
    req.off('error', onGone);
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('aborted', onGone);
  req.on('close', onGone);
  req.on('error', onGone);
}

function clientError(type: string, message: string): Error {
  return Object.assign(new Error(message), { status: 400, statusCode: 400, expose: true, type });
}
