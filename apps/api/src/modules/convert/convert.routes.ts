import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../lib/errors/app-error';
import type { Logger } from '../../lib/logger/logger';
import { CONTENT_TYPES, CONVERT_FORMATS, isConvertFormat, parseConvertOptions, parseIdempotencyKey } from './convert.schemas';
import type { ConvertService } from './convert.service';

/** The first chunk of output, or the error that came before it (null: ended empty). */
function firstChunk(stream: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      stream.pause();
      cleanup();
      resolve(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

function bodyObject(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** POST /api/convert/{fmt} (compatible family) and POST /api/v1/convert/{fmt} (v1 envelope). */
export function convertHandler(deps: { service: ConvertService; logger: Logger }): RequestHandler {
  return async (req: Request, res: Response) => {
    const format = String(req.params.format);
    if (!isConvertFormat(format)) {
      throw new AppError('route_not_found', `Unknown format "${format}"; use one of ${CONVERT_FORMATS.join(', ')}`);
    }
    const principal = req.principal;
    if (!principal) throw new AppError('internal', undefined, { cause: new Error('convert before auth') });
    const body = bodyObject(req.body);
    if (typeof body.url !== 'string' || body.url.trim() === '') throw new AppError('url_required');
    const unknown = Object.keys(body).filter((k) => k !== 'url' && k !== 'options');
    if (unknown.length > 0) throw new AppError('invalid_option', `Unknown field ${unknown.map((k) => `"${k}"`).join(', ')}; the body takes url and options`);
    const options = parseConvertOptions(body.options);
    const idempotencyKey = parseIdempotencyKey(req.get('idempotency-key'));

    // One signal for the whole request: the client going away stops probing, queueing, ffmpeg and the download.
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const prepared = await deps.service.prepare(format, body.url, options, req.id, controller.signal);
    const run = await deps.service.start(prepared, { userId: principal.userId, idempotencyKey }, controller.signal);

    let first: Buffer | null;
    try {
      first = await firstChunk(run.output);
      if (first === null) throw new AppError('convert_failed', 'The conversion produced no output');
    } catch (err) {
      run.refund('conversion failed before output');
      throw err; // nothing sent yet: a clean JSON error in the route family's envelope
    }
    res.status(200);
    res.setHeader('Content-Type', CONTENT_TYPES[format]);
    res.setHeader('Content-Disposition', `attachment; filename="${prepared.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Credits-Charged', run.charge.replayed ? '0' : String(prepared.cost));
    if (run.charge.replayed) res.setHeader('Idempotent-Replayed', 'true');
    if (prepared.subtitles) res.setHeader('X-Subtitles', prepared.subtitles);
    res.write(first);
    try {
      // An error after the first byte destroys the response: the client sees an aborted transfer.
      await pipeline(run.output, res);
    } catch (err) {
      if (!controller.signal.aborted) {
        run.refund('conversion failed mid-stream');
        deps.logger.warn({ err: String(err), requestId: req.id }, 'conversion failed after the first byte; connection aborted');
      }
    }
  };
}
