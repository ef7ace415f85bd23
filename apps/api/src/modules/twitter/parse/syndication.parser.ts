import type { MediaItem, MediaOrigin, ParseOutcome } from '../twitter.types';
import { assembleTweet } from './assemble';
import { liveCard, playerCardMedia, unifiedCardMedia } from './card';
import { normaliseMediaList } from './media';
import { at, isEmptyRec, isRec, list, type Rec, str } from './shape';
import { cleanText, expandLinks } from './text';
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

  // A retweet answered with its wrapper: the original is what the user wants (as on GraphQL).
  const original = at(body, 'retweeted_tweet') ?? at(body, 'retweeted_status');
  if (isRec(original) && str(original.__typename) !== 'TweetTombstone') return parseSyndicationResponse(original, statusId);
  // The endpoint may also answer a retweet's id with the original itself.
  const origin: MediaOrigin = str(body.id_str) !== undefined && str(body.id_str) !== statusId ? 'retweet' : 'post';

  const username = str(at(body, 'user', 'screen_name'));
  if (username === undefined) return fail('upstream_bad_response', 'tweet has no user.screen_name');

  const quoted = at(body, 'quoted_tweet');
  const media: MediaItem[] = [
    ...ownMedia(body, origin),
    ...(isRec(quoted) && str(quoted.__typename) !== 'TweetTombstone' ? ownMedia(quoted, 'quote') : []),
  ];
  const mediaLinks = list(body.mediaDetails)
    .map((item) => str(at(item, 'url')))
    .filter((url): url is string => url !== undefined);

  const text = cleanText(str(body.text) ?? '', mediaLinks);
  const live = liveCard(body.card);
  return assembleTweet({
    statusId,
    username,
    text,
    expandedText: expandLinks(text, list(at(body, 'entities', 'urls'))),
    ...(live === undefined ? {} : { live }),
    media,
    possiblySensitive: body.possibly_sensitive === true,
    source: 'syndication',
  });
}

function ownMedia(tweet: Rec, origin: MediaOrigin): MediaItem[] {
  return [
    ...normaliseMediaList(list(tweet.mediaDetails), origin),
    ...normaliseMediaList([...unifiedCardMedia(tweet.card), ...playerCardMedia(tweet.card)], origin === 'quote' ? 'quote' : 'card'),
  ];
}
