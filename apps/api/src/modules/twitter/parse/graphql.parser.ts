import type { MediaItem, MediaOrigin, ParseOutcome } from '../twitter.types';
import { articleMedia } from './article';
import { assembleTweet } from './assemble';
import { liveCard, playerCardMedia, unifiedCardMedia } from './card';
import { normaliseMediaList } from './media';
import { at, isEmptyRec, isRec, list, type Rec, str } from './shape';
import { cleanText, expandLinks } from './text';
import { fail, fromTombstone, fromUnavailableReason, fromUpstreamErrors } from './unavailable';

type Source = 'graphql' | 'syndication';

/** A TweetResultByRestId body: `data.tweetResult.result`; `data.tweetResult == {}` means no such post. */
export function parseTweetResultResponse(body: unknown, statusId: string): ParseOutcome {
  if (!isRec(body)) return fail('upstream_bad_response', 'body is not a JSON object');
  const tweetResult = at(body, 'data', 'tweetResult');
  const result = at(tweetResult, 'result');
  if (isRec(result) && !isEmptyRec(result)) return parseTweetResult(result, statusId);
  // Only now do errors matter: an empty result next to e.g. a timeout is a failed call, not a
  // missing post, and must not be reported (and cached) as one.
  const fromErrors = fromUpstreamErrors(body.errors);
  if (fromErrors !== undefined) return fromErrors;
  if (isRec(tweetResult)) return fail('post_not_found', 'empty tweetResult');
  return fail('upstream_bad_response', 'no data.tweetResult in body');
}

/** A TweetDetail body, reduced to its focal post. */
export function parseTweetDetailResponse(body: unknown, statusId: string): ParseOutcome {
  if (!isRec(body)) return fail('upstream_bad_response', 'body is not a JSON object');
  const focal = focalResultFromTweetDetail(body, statusId);
  if (focal !== undefined) return parseTweetResult(focal, statusId);
  return (
    fromUpstreamErrors(body.errors) ??
    fail('upstream_bad_response', `no entry tweet-${statusId} in TweetDetail`)
  );
}

/** The raw tweet result of entry `tweet-<id>` of a TweetDetail body (same schema as TweetResultByRestId's). */
export function focalResultFromTweetDetail(body: unknown, statusId: string): unknown {
  const entryId = `tweet-${statusId}`;
  const instructions = list(at(body, 'data', 'threaded_conversation_with_injections_v2', 'instructions'));
  for (const instruction of instructions) {
    for (const entry of list(at(instruction, 'entries'))) {
      if (at(entry, 'entryId') === entryId) {
        return at(entry, 'content', 'itemContent', 'tweet_results', 'result');
      }
    }
  }
  return undefined;
}

/** One raw tweet result object (from either operation, or syndication-shaped tests). */
export function parseTweetResult(
  result: unknown,
  statusId: string,
  source: Source = 'graphql',
): ParseOutcome {
  return parseNode(result, statusId, source, 'post');
}

function parseNode(
  result: unknown,
  statusId: string,
  source: Source,
  origin: 'post' | 'retweet',
): ParseOutcome {
  const checked = usableTweet(result);
  if (!checked.ok) return checked;
  const tweet = checked.tweet;

  // A retweet is a pointer: users pasting one expect the original's media, and the wrapper's
  // own text is only a truncated "RT @user: …". So the original is parsed in its place.
  const original = origin === 'post' ? retweetedResult(tweet) : undefined;
  if (original !== undefined) return parseNode(original, statusId, source, 'retweet');

  const username = screenName(tweet);
  if (username === undefined) return fail('upstream_bad_response', 'tweet has no screen_name');

  const quoted = usableTweet(at(tweet, 'quoted_status_result', 'result'));
  const media: MediaItem[] = [
    ...ownMedia(tweet, origin),
    ...(quoted.ok ? ownMedia(quoted.tweet, 'quote') : []),
  ];
  const text = tweetText(tweet);
  const live = liveCard(tweet.card);
  return assembleTweet({
    statusId,
    username,
    text,
    expandedText: expandLinks(text, urlEntities(tweet)),
    ...(live === undefined ? {} : { live }),
    media,
    possiblySensitive: at(tweet, 'legacy', 'possibly_sensitive') === true,
    source,
  }, { mediaWithheld: isRec(at(result, 'mediaVisibilityResults', 'blurred_image_interstitial')) });
}

type Usable = { ok: true; tweet: Rec } | Extract<ParseOutcome, { ok: false }>;

/** Unwraps visibility wrappers and turns every non-Tweet answer into its failure. */
function usableTweet(result: unknown): Usable {
  const tweet = at(result, '__typename') === 'TweetWithVisibilityResults' ? at(result, 'tweet') : result;
  if (!isRec(tweet)) return fail('upstream_bad_response', 'tweet result is not an object');
  if (isEmptyRec(tweet)) return fail('post_not_found', 'empty tweet result');
  const typename = str(tweet.__typename);
  if (typename === 'TweetTombstone') return fromTombstone(tweet);
  if (typename === 'TweetUnavailable') return fromUnavailableReason(str(tweet.reason));
  // yt-dlp has seen results without __typename; legacy is what makes a Tweet usable.
  if (typename !== undefined && typename !== 'Tweet') {
    return fail('upstream_bad_response', `unexpected __typename ${typename.slice(0, 60)}`);
  }
  if (!isRec(tweet.legacy)) return fail('upstream_bad_response', 'tweet has no legacy');
  return { ok: true, tweet };
}

function retweetedResult(tweet: Rec): unknown {
  return (
    at(tweet, 'legacy', 'retweeted_status_result', 'result') ??
    at(tweet, 'legacy', 'retweeted_status_results', 'result') ??
    at(tweet, 'retweeted_status_results', 'result') ??
    at(tweet, 'retweeted_status_result', 'result')
  );
}

function screenName(tweet: Rec): string | undefined {
  const user = at(tweet, 'core', 'user_results', 'result') ?? at(tweet, 'core', 'user_result', 'result');
  return str(at(user, 'core', 'screen_name')) ?? str(at(user, 'legacy', 'screen_name'));
}

function entityMedia(tweet: Rec): unknown[] {
  const extended = list(at(tweet, 'legacy', 'extended_entities', 'media'));
  return extended.length > 0 ? extended : list(at(tweet, 'legacy', 'entities', 'media'));
}

/** Attached media, then an article's (cover, then body), then card media. Inside a quoted post everything counts as "quote". */
function ownMedia(tweet: Rec, origin: MediaOrigin): MediaItem[] {
  return [
    ...normaliseMediaList(entityMedia(tweet), origin),
    ...normaliseMediaList(articleMedia(tweet), origin),
    ...normaliseMediaList([...unifiedCardMedia(tweet.card), ...playerCardMedia(tweet.card)], origin === 'quote' ? 'quote' : 'card'),
  ];
}

/** t.co links of the text: the long post's own entity set when the text came from note_tweet. */
function urlEntities(tweet: Rec): unknown[] {
  const note = at(tweet, 'note_tweet', 'note_tweet_results', 'result');
  if (str(at(note, 'text')) !== undefined) return list(at(note, 'entity_set', 'urls'));
  return list(at(tweet, 'legacy', 'entities', 'urls'));
}

function tweetText(tweet: Rec): string {
  // full_text is cut at ~280 characters for long posts; note_tweet holds the whole text.
  const raw =
    str(at(tweet, 'note_tweet', 'note_tweet_results', 'result', 'text')) ??
    str(at(tweet, 'legacy', 'full_text')) ??
    '';
  const mediaLinks = entityMedia(tweet)
    .map((media) => str(at(media, 'url')))
    .filter((url): url is string => url !== undefined);
  return cleanText(raw, mediaLinks);
}
