import type { Response } from 'express';
import type { SuccessEnvelope } from '../../lib/http/envelope';
import { buildTwitterData, type BuildResult, type TwitterData } from './parse/envelope';
import type { ParsedTweet, TweetRef } from './twitter.types';

/** Posts × `/video/N` choices kept serialized per process; the oldest are dropped first. */
const MAX_ENTRIES = 2_000;
const PROCESSED_AT = '"processed_at":""';
/** Date#toISOString() of any date between the years 0 and 9999 */
const ISO_LENGTH = 24;

type Refusal = Extract<BuildResult, { ok: false }>;

interface Serialized {
  tweet: ParsedTweet;
  head: string;
  tail: string;
  /** UTF-8 bytes of head + tail + the 24-character ISO timestamp */
  bytes: number;
}

/**
 * The success answer of POST /twitter, serialized once per (post, `/video/N`) and reused: of
 * the whole envelope only `processed_at` differs from one request to the next (the contract's
 * other fields all come from the post and the URL's status id and media choice), so a cache hit
 * joins two strings around a fresh timestamp instead of rebuilding and JSON.stringify-ing the
 * post. An entry is reused only while the extractor hands back the very same parsed post
 * (object identity), so a post re-read from the cache or X is serialized again.
 */
export function createTwitterResponder() {
  const entries = new Map<string, Serialized>();

  function serialize(tweet: ParsedTweet, ref: TweetRef): Serialized | Refusal {
    const built = buildTwitterData(tweet, ref, new Date(0));
    if (!built.ok) return built;
    const data: TwitterData = { ...built.data, processed_at: '' };
    const body: SuccessEnvelope<TwitterData> = { code: 0, message: 'ok', data };
    const json = JSON.stringify(body);
    // the first occurrence is data.processed_at: every key before it (envelope, thumbnail,
    // videos, text, expanded_text, username, statusId) is ours, and strings hold no bare quote
    const at = json.indexOf(PROCESSED_AT) + PROCESSED_AT.length - 1;
    const head = json.slice(0, at);
    const tail = json.slice(at);
    return { tweet, head, tail, bytes: Buffer.byteLength(head) + ISO_LENGTH + Buffer.byteLength(tail) };
  }

  return {
    /** Writes the 200 answer; or, when the post has no video to offer for this URL, says why. */
    send(res: Response, tweet: ParsedTweet, ref: TweetRef, processedAt: Date): Refusal | null {
      const key = `${ref.statusId}/${ref.mediaType ?? ''}/${ref.mediaIndex ?? ''}`;
      let entry = entries.get(key);
      if (entry?.tweet !== tweet) {
        const fresh = serialize(tweet, ref);
        if ('ok' in fresh) return fresh;
        if (!entry && entries.size >= MAX_ENTRIES) {
          const oldest = entries.keys().next();
          if (!oldest.done) entries.delete(oldest.value);
        }
        entries.set(key, fresh);
        entry = fresh;
      }
      const stamp = processedAt.toISOString();
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', entry.bytes - ISO_LENGTH + stamp.length);
      // one string: Node sends it in the same write as the status line and headers
      res.end(entry.head + stamp + entry.tail, 'utf8');
      return null;
    },
  };
}

export type TwitterResponder = ReturnType<typeof createTwitterResponder>;
