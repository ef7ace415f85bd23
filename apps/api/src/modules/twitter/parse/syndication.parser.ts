import type { MediaItem, MediaOrigin, ParseOutcome } from '../twitter.types';
import { assembleTweet } from './assemble';
import { unifiedCardMedia } from './card';
import { normaliseMediaList } from './media';
import { at, isEmptyRec, isRec, list, type Rec, str } from './shape';
import { cleanText } from './text';
import { fail, fromTombstone } from './unavailable';

/** Detail of the outcome for `{}`: the endpoint has no copy of the post (not a verdict on it). */
export const EMPTY_SYNDICATION_BODY = 'empty syndication body';

/**
 * A `cdn.syndication.twimg.com/tweet-result` body (the embed endpoint, our fallback). Its root is
 * the tweet itself; `mediaDetails[]` has the GraphQL media shape minus `id_str`, which the shared
 * media normaliser recovers. Long posts only come truncated here (`note_tweet` holds just an id).
 */
export function parseSyndicationResponse(body: unknown, statusId: string): ParseOutcome {
  if (!isRec(body)) return fail('upstream_bad_response', 'body is not a JSON object');
  if (isEmptyRec(body)) return fail('post_not_found', EMPTY_SYNDICATION_BODY);
  const typename = str(body.__typename);
  if (typename === 'TweetTombstone') return fromTombstone(body);
  if (typename !== undefined && typename !== 'Tweet') {
    return fail('upstream_bad_response', `unexpected __typename ${typename.slice(0, 60)}`);
  }
  if (str(body.id_str) === undefined && str(body.text) === undefined) {
    return fail('upstream_bad_response', 'syndication body is not a tweet');
  }

  const username = str(at(body, 'user', 'screen_name'));
  if (username === undefined) return fail('upstream_bad_response', 'tweet has no user.screen_name');

  const quoted = at(body, 'quoted_tweet');
  const media: MediaItem[] = [
    ...ownMedia(body, 'post'),
    ...(isRec(quoted) && str(quoted.__typename) !== 'TweetTombstone' ? ownMedia(quoted, 'quote') : []),
  ];
  const mediaLinks = list(body.mediaDetails)
    .map((item) => str(at(item, 'url')))
    .filter((url): url is string => url !== undefined);

  return assembleTweet({
    statusId,
    username,
    text: cleanText(str(body.text) ?? '', mediaLinks),
    media,
    possiblySensitive: body.possibly_sensitive === true,
    source: 'syndication',
  });
}

function ownMedia(tweet: Rec, origin: MediaOrigin): MediaItem[] {
  return [
    ...normaliseMediaList(list(tweet.mediaDetails), origin),
    ...normaliseMediaList(unifiedCardMedia(tweet.card), origin === 'quote' ? 'quote' : 'card'),
  ];
}
