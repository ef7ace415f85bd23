import { asArray, asNumber, asObject, asString, dig, type Json, type JsonObject } from './json';

/*
 * No real syndication response was ever recorded, so these bodies are DERIVED from the GraphQL
 * fixtures, following the shape react-tweet's types describe (docs/x-upstream.md, "Syndication fallback").
 */

const NSFW_TEXT =
  'Age-restricted adult content. This content might not be appropriate for people under 18 years old. To view this media, you’ll need to log in to X. Learn more';
const UNAVAILABLE_TEXT: Readonly<Record<string, string>> = {
  Suspended: 'This Post is from a suspended account. Learn more',
  Protected: 'You’re unable to view this Post because this account owner limits who can view their Posts. Learn more',
  Deleted: 'This Post was deleted by the Post author. Learn more',
  NsfwLoggedOut: NSFW_TEXT,
  NsfwViewerHasNoStatedAge: NSFW_TEXT,
};

function unwrap(result: Json | undefined): JsonObject | undefined {
  const obj = asObject(result);
  if (asString(obj?.__typename) === 'TweetWithVisibilityResults') return asObject(obj?.tweet);
  return obj;
}

function tombstone(text: string): JsonObject {
  return { __typename: 'TweetTombstone', tombstone: { text: { text, entities: [], rtl: false } } };
}

function userOf(tweet: JsonObject): JsonObject {
  const user = asObject(dig(tweet, 'core', 'user_results', 'result')) ?? {};
  const core = asObject(user.core);
  const legacy = asObject(user.legacy);
  return {
    id_str: asString(user.rest_id) ?? '',
    name: asString(core?.name) ?? asString(legacy?.name) ?? '',
    screen_name: asString(core?.screen_name) ?? asString(legacy?.screen_name) ?? '',
    profile_image_url_https: asString(dig(user, 'avatar', 'image_url')) ?? asString(legacy?.profile_image_url_https) ?? '',
    is_blue_verified: user.is_blue_verified === true,
    verified: legacy?.verified === true || dig(user, 'verification', 'verified') === true,
  };
}

function mediaDetail(media: JsonObject): JsonObject {
  const { id_str: _id, media_key: _key, media_results: _results, ...rest } = media;
  return rest;
}

function photoOf(media: JsonObject): JsonObject {
  return {
    backgroundColor: { red: 204, green: 214, blue: 221 },
    cropCandidates: [],
    expandedUrl: asString(media.expanded_url) ?? '',
    url: asString(media.media_url_https) ?? '',
    width: asNumber(dig(media, 'original_info', 'width')) ?? 0,
    height: asNumber(dig(media, 'original_info', 'height')) ?? 0,
  };
}

function videoOf(media: JsonObject): JsonObject {
  const info = asObject(media.video_info) ?? {};
  return {
    aspectRatio: info.aspect_ratio ?? [],
    contentType: media.type === 'animated_gif' ? 'gif' : 'media_entity',
    durationMs: asNumber(info.duration_millis) ?? 0,
    mediaAvailability: { status: 'available' },
    poster: asString(media.media_url_https) ?? '',
    variants: asArray(info.variants).map((v) => ({ type: asString(dig(v, 'content_type')) ?? '', src: asString(dig(v, 'url')) ?? '' })),
    videoId: { type: 'tweet', id: asString(media.id_str) ?? '' },
    viewCount: 0,
  };
}

/** Syndication flattens card binding values from a list into an object keyed by name. */
function cardOf(tweet: JsonObject): JsonObject | undefined {
  const legacy = asObject(dig(tweet, 'card', 'legacy'));
  if (!legacy) return undefined;
  const bindings: JsonObject = {};
  for (const binding of asArray(legacy.binding_values)) {
    const key = asString(dig(binding, 'key'));
    const value = asObject(dig(binding, 'value'));
    if (key && value) bindings[key] = value;
  }
  return { name: asString(legacy.name) ?? '', url: asString(legacy.url) ?? '', binding_values: bindings };
}

function tweetBody(tweet: JsonObject, withQuote: boolean): JsonObject {
  const legacy = asObject(tweet.legacy) ?? {};
  const media = asArray(dig(legacy, 'extended_entities', 'media')).flatMap((m): JsonObject[] => {
    const item = asObject(m);
    return item ? [item] : [];
  });
  const firstVideo = media.find((m) => m.type === 'video' || m.type === 'animated_gif');
  const createdAt = Date.parse(asString(legacy.created_at) ?? '');
  const body: JsonObject = {
    __typename: 'Tweet',
    lang: legacy.lang ?? 'und',
    favorite_count: legacy.favorite_count ?? 0,
    possibly_sensitive: legacy.possibly_sensitive === true,
    created_at: Number.isNaN(createdAt) ? '' : new Date(createdAt).toISOString(),
    display_text_range: legacy.display_text_range ?? [],
    entities: legacy.entities ?? {},
    id_str: asString(tweet.rest_id) ?? asString(legacy.id_str) ?? '',
    text: asString(legacy.full_text) ?? '',
    user: userOf(tweet),
    conversation_count: legacy.reply_count ?? 0,
    news_action_type: 'conversation',
    isEdited: false,
    isStaleEdit: false,
  };
  if (media.length > 0) body.mediaDetails = media.map(mediaDetail);
  const photos = media.filter((m) => m.type === 'photo').map(photoOf);
  if (photos.length > 0) body.photos = photos;
  if (firstVideo) body.video = videoOf(firstVideo);
  const card = cardOf(tweet);
  if (card) body.card = card;
  if (tweet.note_tweet) body.note_tweet = { id: asString(dig(tweet, 'note_tweet', 'note_tweet_results', 'result', 'id')) ?? '' };
  const quoted = unwrap(dig(tweet, 'quoted_status_result', 'result'));
  if (withQuote && quoted && asString(quoted.__typename) === 'Tweet') body.quoted_tweet = tweetBody(quoted, false);
  return body;
}

/** The syndication answer for a GraphQL tweet result; a retweet is answered with its original. */
export function syndicationBody(result: JsonObject): JsonObject {
  const tweet = unwrap(result) ?? {};
  const typename = asString(tweet.__typename) ?? 'Tweet';
  if (typename === 'TweetTombstone') {
    return tombstone(asString(dig(tweet, 'tombstone', 'text', 'text')) ?? 'This Post is unavailable. Learn more');
  }
  if (typename === 'TweetUnavailable') {
    return tombstone(UNAVAILABLE_TEXT[asString(tweet.reason) ?? ''] ?? 'This Post is unavailable. Learn more');
  }
  const original = unwrap(dig(tweet, 'legacy', 'retweeted_status_result', 'result'));
  return tweetBody(original ?? tweet, true);
}
