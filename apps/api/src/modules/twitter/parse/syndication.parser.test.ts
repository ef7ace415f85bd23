import { parseTweetResult } from './graphql.parser';
import { at, isRec, list } from './shape';
import { parseSyndicationResponse } from './syndication.parser';
import { describeRecorded, expectTweet, findTweetResult, loadFixture, summary } from './x-fixtures.test-helper';

/** GraphQL → syndication: drop the ids syndication lacks and flatten user and text to the root. */
function toSyndication(file: string, restId: string): Record<string, unknown> {
  const found = findTweetResult(loadFixture(file), restId);
  const result = at(found, '__typename') === 'TweetWithVisibilityResults' ? at(found, 'tweet') : found;
  const user = at(result, 'core', 'user_results', 'result');
  return {
    __typename: 'Tweet',
    id_str: restId,
    text: at(result, 'legacy', 'full_text'),
    user: { screen_name: at(user, 'legacy', 'screen_name') ?? at(user, 'core', 'screen_name') },
    possibly_sensitive: at(result, 'legacy', 'possibly_sensitive'),
    mediaDetails: list(at(result, 'legacy', 'extended_entities', 'media')).map((media) => {
      if (!isRec(media)) return media;
      const { id_str: _id, media_key: _key, media_results: _results, ...rest } = media;
      return rest;
    }),
  };
}

function graphqlTweet(file: string, restId: string) {
  return expectTweet(parseTweetResult(findTweetResult(loadFixture(file), restId), restId));
}

describeRecorded('parseSyndicationResponse with media taken from the fixtures', () => {
  it('when a video comes without id_str, then the id is recovered and the media equal the GraphQL parse', () => {
    const file = 'fx-trbri-video-1841206275088290279.json';
    const tweet = expectTweet(parseSyndicationResponse(toSyndication(file, '1841206275088290279'), '1841206275088290279'));
    const fromGraphql = graphqlTweet(file, '1841206275088290279');
    expect(tweet).toEqual({ ...fromGraphql, source: 'syndication' });
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '1841204388993646595', origin: 'post' }]);
  });

  it('when the unsorted amplify video of the square fixture is given, then the variants are sorted the same way', () => {
    const file = 'tw-tweetdetail-video-square-1671753569412820992.json';
    const tweet = expectTweet(parseSyndicationResponse(toSyndication(file, '1671753569412820992'), '1671753569412820992'));
    expect(tweet.media).toEqual(graphqlTweet(file, '1671753569412820992').media);
    expect(tweet.text).toBe('When you’re over 40 and the movie starts..');
  });

  it('when photos come without id_str, then their ids are the image keys', () => {
    const body = toSyndication('fx-trbri-3photos-1848831595014459513.json', '1848831595014459513');
    const tweet = expectTweet(parseSyndicationResponse(body, '1848831595014459513'));
    expect(tweet.username).toBe('SpaceX');
    expect(summary(tweet.media)).toEqual(['GahebgHbEAEevTU', 'GahecZ5aAAEX7GX', 'GaheddqbsAAzGXg'].map((id) => ({ type: 'photo', id, origin: 'post' })));
    expect(tweet.text.endsWith('following launch')).toBe(true);
  });

  it('when a GIF comes without id_str, then its id is the tweet_video key', () => {
    const body = toSyndication('tw-tweetdetail-newschema-gif-1649191520250245121.json', '1649263296434806785');
    const tweet = expectTweet(parseSyndicationResponse(body, '1649263296434806785'));
    expect(tweet.username).toBe('ashevat');
    expect(tweet.media).toMatchObject([{ type: 'gif', id: 'FuNcOVrXoAIGi0f', width: 300, height: 304, duration_ms: null }]);
  });

  it('when the tweet quotes a photo post, then the quoted media come last with origin "quote"', () => {
    const file = 'tw-tweetdetail-quote-photo-1658421690001502208.json';
    const body = { ...toSyndication(file, '1658421690001502208'), quoted_tweet: toSyndication(file, '1658407192859492355') };
    const tweet = expectTweet(parseSyndicationResponse(body, '1658421690001502208'));
    expect(tweet).toMatchObject({ username: 'morenoagosto', text: 'Se sabe si le permiten pinganillo??' });
    expect(summary(tweet.media)).toEqual([{ type: 'photo', id: 'FwPYjaBWAAETpRI', origin: 'quote' }]);
  });

  it('when the video sits in a card with object-shaped binding_values, then it is found', () => {
    const found = findTweetResult(loadFixture('tw-tweetdetail-unifiedcard-video-1696922210588410217.json'), '1696922210588410217');
    const bindings = list(at(found, 'card', 'legacy', 'binding_values'));
    const card = { name: 'unified_card', binding_values: Object.fromEntries(bindings.map((b): [string, unknown] => [String(at(b, 'key')), at(b, 'value')])) };
    const body = { ...toSyndication('tw-tweetdetail-unifiedcard-video-1696922210588410217.json', '1696922210588410217'), card };
    const tweet = expectTweet(parseSyndicationResponse(body, '1696922210588410217'));
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '1696919248436670464', origin: 'card' }]);
  });
});

describe('parseSyndicationResponse outcomes', () => {
  const base = { __typename: 'Tweet', id_str: '5', text: 'hi &amp; bye', user: { screen_name: 'alice' }, mediaDetails: [] };

  it('when the tweet has no media, then it parses with empty media and decoded text', () => {
    expect(parseSyndicationResponse(base, '5')).toEqual({
      ok: true, tweet: { statusId: '5', username: 'alice', text: 'hi & bye', expandedText: 'hi & bye', media: [], possiblySensitive: false, source: 'syndication' },
    });
  });

  it.each([
    ['{} (not found)', {}, 'post_not_found'],
    ['a deleted tombstone', { __typename: 'TweetTombstone', tombstone: { text: { text: 'This Post was deleted by the Post author. Learn more' } } }, 'post_not_found'],
    ['a suspended tombstone', { __typename: 'TweetTombstone', tombstone: { text: { text: 'This Post is from a suspended account. Learn more' } } }, 'suspended_account'],
    ['a bare tombstone', { __typename: 'TweetTombstone' }, 'post_not_found'],
    ['a tweet without user', { ...base, user: {} }, 'upstream_bad_response'],
    ['an unexpected typename', { ...base, __typename: 'Something' }, 'upstream_bad_response'],
    ['an object that is no tweet', { foo: 1 }, 'upstream_bad_response'],
    ['a string', 'oops', 'upstream_bad_response'],
  ])('when the body is %s, then the outcome is %s', (_label, body, reason) => {
    expect(parseSyndicationResponse(body, '5')).toMatchObject({ ok: false, reason });
  });

  it('when a post is possibly_sensitive with no media, then it parses as a post without media (no evidence of age restriction)', () => {
    expect(parseSyndicationResponse({ ...base, possibly_sensitive: true }, '5')).toMatchObject({ ok: true, tweet: { media: [], possiblySensitive: true } });
  });

  it('when the quoted tweet is a tombstone, then the host tweet still parses', () => {
    const body = { ...base, quoted_tweet: { __typename: 'TweetTombstone', mediaDetails: [{ type: 'photo', media_url_https: 'https://pbs.twimg.com/media/Q.jpg' }] } };
    expect(parseSyndicationResponse(body, '5')).toMatchObject({ ok: true, tweet: { media: [] } });
  });
});
