import { Router, type RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import { sendOk } from '../../lib/http/envelope';
import { jsonBody } from '../../lib/http/json-body';
import { methodNotAllowed } from '../../lib/http/error-handler';
import type { ParsedTweet } from './twitter.types';
import { parseTweetUrl } from './parse/tweet-url';
import { buildTwitterData } from './parse/envelope';

export interface Extractor {
  extract(statusId: string, opts?: { requestId?: string; signal?: AbortSignal }): Promise<ParsedTweet>;
}

/** Abort reason when the client closed the connection before we answered. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientGone';
  }
}

export function registerTwitterRoutes(
  router: Router,
  deps: { protect: RequestHandler[]; extractor: Extractor; docs: RequestHandler; clock?: () => Date },
): void {
  const clock = deps.clock ?? (() => new Date());

  router.get('/twitter', deps.docs);
  router.post('/twitter', ...deps.protect, ...jsonBody(), async (req, res) => {
    const body: unknown = req.body;
    const url = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { url?: unknown }).url : undefined;
    const parsed = parseTweetUrl(url);
    if (!parsed.ok) throw new AppError(parsed.code);
    // A client that hangs up stops its extraction (and X calls nobody else waits for).
    const gone = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) gone.abort(new ClientGone());
    };
    res.on('close', onClose);
    let tweet: ParsedTweet;
    try {
      tweet = await deps.extractor.extract(parsed.ref.statusId, { requestId: req.id, signal: gone.signal });
    } catch (err: unknown) {
      if (gone.signal.aborted) return; // nobody to answer
      throw err;
    } finally {
      res.off('close', onClose);
    }
    const built = buildTwitterData(tweet, parsed.ref, clock());
    if (!built.ok) throw new AppError(built.reason, undefined, 'details' in built ? { details: built.details } : {});
    sendOk(res, built.data);
  });
  router.all('/twitter', methodNotAllowed(['GET', 'POST']));
}
