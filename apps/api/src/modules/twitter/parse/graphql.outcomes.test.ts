import {
  focalResultFromTweetDetail,
  parseTweetDetailResponse,
  parseTweetResult,
  parseTweetResultResponse,
} from './graphql.parser';
import { describeRecorded, loadFixture } from './x-fixtures.test-helper';

const minimalTweet = {
  __typename: 'Tweet',
  rest_id: '5',
  core: { user_results: { result: { legacy: { screen_name: 'alice' } } } },
  legacy: { full_text: 'hello' },
};

function tombstone(text: string) {
  return { __typename: 'TweetTombstone', tombstone: { __typename: 'TextTombstone', text: { text, entities: [] } } };
}

describe('parseTweetResultResponse: body level', () => {
  it.each([
    ['a string', 'nope', 'upstream_bad_response'],
    ['null', null, 'upstream_bad_response'],
    ['an array', [], 'upstream_bad_response'],
    ['no data', {}, 'upstream_bad_response'],
    ['data without tweetResult', { data: {} }, 'upstream_bad_response'],
    ['an empty tweetResult', { data: { tweetResult: {} } }, 'post_not_found'],
    ['an empty result', { data: { tweetResult: { result: {} } } }, 'post_not_found'],
    ['errors "No status found" only', { errors: [{ message: '_Missing: No status found with that ID.', code: 144 }] }, 'post_not_found'],
    ['error code 144 only', { errors: [{ message: 'x', code: 144 }] }, 'post_not_found'],
    ['error "value out of range"', { errors: [{ message: 'value out of range' }] }, 'post_not_found'],
    ['an empty result next to a timeout', { data: { tweetResult: {} }, errors: [{ message: 'Timeout: Unspecified', code: 29 }] }, 'upstream_bad_response'],
    ['a features error', { errors: [{ message: 'The following features cannot be null: x', code: 336 }] }, 'upstream_bad_response'],
  ])('when the body is %s, then the outcome is %s', (_label, body, reason) => {
    expect(parseTweetResultResponse(body, '5')).toMatchObject({ ok: false, reason });
  });

  it('when a usable payload comes with non-fatal errors, then the errors are ignored', () => {
    const body = { data: { tweetResult: { result: minimalTweet } }, errors: [{ message: 'Dependency: Unspecified', kind: 'NonFatal' }] };
    expect(parseTweetResultResponse(body, '5')).toMatchObject({ ok: true, tweet: { username: 'alice', text: 'hello' } });
  });

  it('when the errors have no usable payload, then detail carries the first message', () => {
    expect(parseTweetResultResponse({ errors: [{ message: 'Over capacity' }] }, '5')).toEqual({
      ok: false, reason: 'upstream_bad_response', detail: 'upstream errors: Over capacity',
    });
  });
});

describe('parseTweetResult: result types', () => {
  it.each([
    ['This Post is from a suspended account. Learn more', 'suspended_account'],
    ['This Post was deleted by the Post author. Learn more', 'post_not_found'],
    ["Age-restricted adult content. This content might not be appropriate for people under 18 years old. To view this media, you'll need to log in to X. Learn more", 'age_restricted'],
    ["You're unable to view this Post because this account owner limits who can view their Posts. Learn more", 'protected_account'],
    ['This Post is unavailable. Learn more', 'post_not_found'],
    ['', 'post_not_found'],
  ])('when the tombstone says "%s", then the outcome is %s', (text, reason) => {
    expect(parseTweetResult(tombstone(text), '5')).toMatchObject({ ok: false, reason });
  });

  it('when a tombstone is classified, then the detail is its sentence without "Learn more"', () => {
    expect(parseTweetResult(tombstone('This Post was deleted by the Post author. Learn more'), '5')).toEqual({
      ok: false, reason: 'post_not_found', detail: 'This Post was deleted by the Post author.',
    });
  });

  it.each([
    ['Protected', 'protected_account'],
    ['Suspended', 'suspended_account'],
    ['Deleted', 'post_not_found'],
    ['NsfwLoggedOut', 'age_restricted'],
    ['NsfwViewerHasNoStatedAge', 'age_restricted'],
    ['NsfwViewerIsUnderage', 'age_restricted'],
    ['Unavailable', 'post_not_found'],
    [undefined, 'post_not_found'],
  ])('when TweetUnavailable has reason %s, then the outcome is %s', (reason, expected) => {
    expect(parseTweetResult({ __typename: 'TweetUnavailable', reason }, '5')).toMatchObject({ ok: false, reason: expected });
  });

  it('when the result is wrapped in TweetWithVisibilityResults, then the inner tweet is parsed', () => {
    const wrapped = { __typename: 'TweetWithVisibilityResults', tweet: minimalTweet, limitedActionResults: {} };
    expect(parseTweetResult(wrapped, '5')).toMatchObject({ ok: true, tweet: { username: 'alice' } });
  });

  it('when a visibility wrapper wraps an unavailable post, then that failure is returned', () => {
    const wrapped = { __typename: 'TweetWithVisibilityResults', tweet: { __typename: 'TweetUnavailable', reason: 'Protected' } };
    expect(parseTweetResult(wrapped, '5')).toMatchObject({ ok: false, reason: 'protected_account' });
  });

  it('when __typename is missing but legacy is there, then it is treated as a Tweet', () => {
    const { __typename: _ignored, ...untyped } = minimalTweet;
    expect(parseTweetResult(untyped, '5')).toMatchObject({ ok: true, tweet: { username: 'alice' } });
  });

  it.each([
    ['an unknown __typename', { ...minimalTweet, __typename: 'TweetPreview' }],
    ['a Tweet without legacy', { __typename: 'Tweet', core: minimalTweet.core }],
    ['a Tweet without a screen name', { ...minimalTweet, core: { user_results: { result: { __typename: 'UserUnavailable' } } } }],
    ['a visibility wrapper with nothing inside', { __typename: 'TweetWithVisibilityResults' }],
    ['a number', 42],
  ])('when the result is %s, then the outcome is upstream_bad_response', (_label, result) => {
    expect(parseTweetResult(result, '5')).toMatchObject({ ok: false, reason: 'upstream_bad_response' });
  });

  it('when the result is an empty object, then the outcome is post_not_found', () => {
    expect(parseTweetResult({}, '5')).toMatchObject({ ok: false, reason: 'post_not_found' });
  });

  it('when the retweeted original is unavailable, then its reason is returned', () => {
    const retweet = { ...minimalTweet, legacy: { full_text: 'RT @bob: …', retweeted_status_result: { result: { __typename: 'TweetUnavailable', reason: 'Protected' } } } };
    expect(parseTweetResult(retweet, '5')).toMatchObject({ ok: false, reason: 'protected_account' });
  });

  it('when the source is given, then it is recorded on the tweet', () => {
    expect(parseTweetResult(minimalTweet, '5', 'syndication')).toMatchObject({ ok: true, tweet: { source: 'syndication', statusId: '5' } });
  });
});

describeRecorded('TweetDetail bodies', () => {
  const file = 'fx-tweetdetail-video-1841206275088290279.json';

  it('when asked for the focal id, then the focal entry result is returned', () => {
    expect(focalResultFromTweetDetail(loadFixture(file), '1841206275088290279')).toMatchObject({ __typename: 'Tweet', rest_id: '1841206275088290279' });
  });

  it('when the id has no entry, then nothing is returned and the detail parser reports a bad response', () => {
    expect(focalResultFromTweetDetail(loadFixture(file), '1')).toBeUndefined();
    expect(parseTweetDetailResponse(loadFixture(file), '1')).toEqual({
      ok: false, reason: 'upstream_bad_response', detail: 'no entry tweet-1 in TweetDetail',
    });
  });

  it('when TweetDetail answers only "No status found", then the outcome is post_not_found', () => {
    expect(parseTweetDetailResponse({ errors: [{ message: '_Missing: No status found with that ID.' }] }, '1')).toMatchObject({ ok: false, reason: 'post_not_found' });
  });

  it('when the body is not an object, then the outcome is upstream_bad_response', () => {
    expect(parseTweetDetailResponse('<html>', '1')).toMatchObject({ ok: false, reason: 'upstream_bad_response' });
  });
});
