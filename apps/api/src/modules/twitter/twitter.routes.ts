import type { RequestHandler, Response } from 'express';
import { AppError } from '../../lib/errors/app-error';
import type { ParsedTweet } from './twitter.types';
import { parseTweetUrl, type TweetUrlResult } from './parse/tweet-url';
import { createTwitterResponder } from './twitter.response';
import { systemNow } from '../../lib/time/clock';

export interface Extractor {
  extract(statusId: string, opts?: { requestId?: string; signal?: AbortSignal }): Promise<ParsedTweet>;
  /** The post if it is already in this process's memory (what extract() would answer at once). */
  cached?(statusId: string): ParsedTweet | undefined;
}

/** Abort reason when the client closed the connection before we answered. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientGone';
  }
}

/** POST /api/v1/twitter (mounted in app.ts behind API-key auth, the premium check and the limiter). */
export function createTwitterHandlers(deps: { extractor: Extractor; clock?: () => Date }): { extract: RequestHandler } {
  const clock = deps.clock ?? systemNow;
  const responder = createTwitterResponder();
  const parse = memoizedUrlParser();

  const extract: RequestHandler = async (req, res) => {
    const body: unknown = req.body;
    const url = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { url?: unknown }).url : undefined;
    const parsed = parse(url);
    if (!parsed.ok) throw new AppError(parsed.code);
    const tweet = deps.extractor.cached?.(parsed.ref.statusId) ?? (await extractWhileConnected(deps.extractor, parsed.ref.statusId, req.id, res));
    if (!tweet) return; // the client hung up: nobody to answer
    const refused = responder.send(res, tweet, parsed.ref, clock());
    if (refused) throw new AppError(refused.reason, undefined, 'details' in refused ? { details: refused.details } : {});
  };
  return { extract };
}

/** extract(), stopped when the client hangs up (and X calls nobody else waits for); undefined then. */
async function extractWhileConnected(extractor: Extractor, statusId: string, requestId: string, res: Response): Promise<ParsedTweet | undefined> {
  const gone = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) gone.abort(new ClientGone());
  };
  res.on('close', onClose);
  try {
    return await extractor.extract(statusId, { requestId, signal: gone.signal });
  } catch (err: unknown) {
    if (gone.signal.aborted) return undefined;
    throw err;
  } finally {
    res.off('close', onClose);
  }
}

/** Distinct accepted URLs remembered per process; the oldest are dropped first. */
const MAX_PARSED_URLS = 2_000;

/**
 * parseTweetUrl() with the accepted URLs remembered: hot posts are asked for with the same URL
 * string again and again, and the WHATWG URL parse is one of the larger items of a cache hit.
 * The result depends on the string alone; refusals are not remembered (they are cheap and
 * arbitrary input should not churn the table).
 */
function memoizedUrlParser(): (input: unknown) => TweetUrlResult {
  const accepted = new Map<string, TweetUrlResult>();
  return (input) => {
    if (typeof input !== 'string') return parseTweetUrl(input);
    const known = accepted.get(input);
    if (known) return known;
    const result = parseTweetUrl(input);
    if (result.ok) {
      if (accepted.size >= MAX_PARSED_URLS) {
        const oldest = accepted.keys().next();
        if (!oldest.done) accepted.delete(oldest.value);
      }
      accepted.set(input, result);
    }
    return result;
  };
}
