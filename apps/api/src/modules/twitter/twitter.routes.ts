import { Router, type RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import { jsonBody } from '../../lib/http/json-body';
import { methodNotAllowed } from '../../lib/http/error-handler';
import type { ParsedTweet } from './twitter.types';
import { parseTweetUrl } from './parse/tweet-url';
import { createTwitterResponder } from './twitter.response';

export interface Extractor {
  extract(statusId: string, opts?: { requestId?: string }): Promise<ParsedTweet>;
}

export function registerTwitterRoutes(
  router: Router,
  deps: { protect: RequestHandler[]; extractor: Extractor; docs: RequestHandler; clock?: () => Date },
): void {
  const clock = deps.clock ?? (() => new Date());
  const responder = createTwitterResponder();

  router.get('/twitter', deps.docs);
  router.post('/twitter', ...deps.protect, ...jsonBody(), async (req, res) => {
    const body: unknown = req.body;
    const url = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { url?: unknown }).url : undefined;
    const parsed = parseTweetUrl(url);
    if (!parsed.ok) throw new AppError(parsed.code);
    const tweet = await deps.extractor.extract(parsed.ref.statusId, { requestId: req.id });
    if (!responder.send(res, tweet, parsed.ref, clock())) throw new AppError('no_video');
  });
  router.all('/twitter', methodNotAllowed(['GET', 'POST']));
}
