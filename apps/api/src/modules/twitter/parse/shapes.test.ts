/**
 * Post shapes beyond plain media: card players, unified-card carousels, broadcasts and Spaces,
 * t.co expansion and syndication retweets. Synthetic fixtures (always present) and the recorded
 * set where it has the shape. Expected values are read off the fixtures by hand.
 */
import { buildTwitterData } from './envelope';
import { parseTweetResult, parseTweetResultResponse } from './graphql.parser';
import { parseSyndicationResponse } from './syndication.parser';
import { describeRecorded, expectTweet, fixtureStatusId, loadFixture, loadSynthetic, summary } from './x-fixtures.test-helper';

const AT = new Date('2026-01-02T03:04:05.678Z');
const synthetic = (file: string) => expectTweet(parseTweetResultResponse(loadSynthetic(file), fixtureStatusId(file)));
const recorded = (file: string) => expectTweet(parseTweetResult(loadFixture(file), fixtureStatusId(file)));

describe('card players (poll2choice_video …)', () => {
  it('when a poll card carries player_hls_url, then its video is an HLS-only card video, selected when nothing better exists', () => {
    const tweet = synthetic('card-poll2choice-video-992014.json');
    expect(tweet.media).toEqual([
      {
        type: 'video',
        id: '992014000000000001',
        origin: 'card',
        thumbnail: 'https://pbs.twimg.com/amplify_video_thumb/992014000000000001/img/SimPoll.jpg',
        width: 1280,
        height: 720,
        duration_ms: 2000,
        variants: [],
        hls: [{ url: 'https://video.twimg.com/amplify_video/992014000000000001/pl/SimPoll.m3u8', content_type: 'application/x-mpegURL' }],
      },
    ]);
    const built = buildTwitterData(tweet, { statusId: '992014' }, AT);
    expect(built).toMatchObject({ ok: true, data: { videos: [], media_index: 1 } });
    expect(built.ok && built.data.hls[0]?.url).toBe('https://video.twimg.com/amplify_video/992014000000000001/pl/SimPoll.m3u8');
  });

  it('when a post has an mp4 video and an HLS-only card video, then the mp4 video wins', () => {
    const poll = synthetic('card-poll2choice-video-992014.json');
    const video = synthetic('video-992010.json');
    const both = { ...poll, media: [...poll.media, ...video.media] };
    expect(buildTwitterData(both, { statusId: '992014' }, AT)).toMatchObject({ ok: true, data: { media_index: 2 } });
  });
});

describe('unified cards', () => {
  it('when a video carousel card holds two videos, then both are card videos in order and /video/2 picks the second', () => {
    const tweet = synthetic('unifiedcard-video-carousel-992015.json');
    expect(summary(tweet.media)).toEqual([
      { type: 'video', id: '992015000000000001', origin: 'card' },
      { type: 'video', id: '992015000000000002', origin: 'card' },
    ]);
    expect(buildTwitterData(tweet, { statusId: '992015', mediaType: 'video', mediaIndex: 2 }, AT)).toMatchObject({
      ok: true,
      data: { media_index: 2, videos: [{ resolution: '720p', width: 720, height: 1280 }, {}, {}] },
    });
  });
});

describe('broadcasts and Spaces', () => {
  it('when the card is a broadcast, then the answer is live_broadcast with its id, url and state', () => {
    expect(buildTwitterData(synthetic('card-broadcast-992016.json'), { statusId: '992016' }, AT)).toEqual({
      ok: false,
      reason: 'live_broadcast',
      details: { broadcast_id: '1SimBroadcastX', url: 'https://x.com/i/broadcasts/1SimBroadcastX', state: 'ENDED' },
    });
  });

  it('when the card is a Space, then the answer is audio_space with its id', () => {
    expect(buildTwitterData(synthetic('card-audiospace-992017.json'), { statusId: '992017' }, AT)).toEqual({
      ok: false,
      reason: 'audio_space',
      details: { space_id: '1SimSpaceXyZ', url: 'https://x.com/i/spaces/1SimSpaceXyZ' },
    });
  });

  it('when the syndication card (binding values as an object) is a Space, then the same answer comes', () => {
    const body = {
      __typename: 'Tweet', id_str: '7', text: 'join', user: { screen_name: 'alice' },
      card: { name: '3691233323:audiospace', binding_values: { id: { type: 'STRING', string_value: 'AbC' } } },
    };
    const tweet = expectTweet(parseSyndicationResponse(body, '7'));
    expect(tweet.live).toEqual({ type: 'audio_space', id: 'AbC', url: 'https://x.com/i/spaces/AbC' });
  });
});

describe('t.co expansion', () => {
  it('when the text has an author link, then expandedText replaces it and text keeps it; the media link is dropped from both', () => {
    const tweet = synthetic('video-992010.json');
    expect(tweet.text).toBe('A synthetic video post for offline demos https://t.co/simlink01');
    expect(tweet.expandedText).toBe('A synthetic video post for offline demos https://example.com/sim-article');
    expect(buildTwitterData(tweet, { statusId: '992010' }, AT)).toMatchObject({
      ok: true,
      data: { text: 'A synthetic video post for offline demos https://t.co/simlink01', expanded_text: 'A synthetic video post for offline demos https://example.com/sim-article' },
    });
  });

  it('when a long post (note_tweet) has links, then its own entity set expands them', () => {
    const result = {
      __typename: 'Tweet', rest_id: '8', core: { user_results: { result: { legacy: { screen_name: 'bob' } } } },
      legacy: { full_text: 'short https://t.co/a', entities: { urls: [{ url: 'https://t.co/a', expanded_url: 'https://wrong.example' }] } },
      note_tweet: { note_tweet_results: { result: { text: 'long text https://t.co/b', entity_set: { urls: [{ url: 'https://t.co/b', expanded_url: 'https://right.example/b' }] } } } },
    };
    expect(expectTweet(parseTweetResult(result, '8')).expandedText).toBe('long text https://right.example/b');
  });
});

describe('syndication retweets', () => {
  const original = { __typename: 'Tweet', id_str: '100', text: 'orig', user: { screen_name: 'orig_author' }, mediaDetails: [
    { type: 'video', media_url_https: 'https://pbs.twimg.com/ext_tw_video_thumb/100/pu/img/t.jpg', original_info: { width: 1280, height: 720 },
      video_info: { variants: [{ bitrate: 800000, content_type: 'video/mp4', url: 'https://video.twimg.com/ext_tw_video/100/pu/vid/1280x720/a.mp4' }] } },
  ] };

  it('when the body wraps the original in retweeted_tweet, then the original answers, marked retweet', () => {
    const body = { __typename: 'Tweet', id_str: '200', text: 'RT @orig_author: orig', user: { screen_name: 'retweeter' }, retweeted_tweet: original };
    const tweet = expectTweet(parseSyndicationResponse(body, '200'));
    expect(tweet).toMatchObject({ statusId: '200', username: 'orig_author', text: 'orig' });
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '100', origin: 'retweet' }]);
  });

  it('when the endpoint answers a retweet id with the original itself, then its media are marked retweet', () => {
    expect(summary(expectTweet(parseSyndicationResponse(original, '200')).media)).toEqual([{ type: 'video', id: '100', origin: 'retweet' }]);
    expect(summary(expectTweet(parseSyndicationResponse(original, '100')).media)).toEqual([{ type: 'video', id: '100', origin: 'post' }]);
  });
});

describeRecorded('recorded shapes (X_SIM_FIXTURES_DIR)', () => {
  it('when the recorded poll2choice_video card is parsed, then its HLS playlist is the video', () => {
    const tweet = recorded('tw-tweetdetail-card-poll2choice-video-1114574134397165568.json');
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '1114573008134262784', origin: 'card' }]);
    expect(tweet.media[0]).toMatchObject({
      width: 1280,
      height: 720,
      duration_ms: 24_000,
      variants: [],
      hls: [{ url: 'https://video.twimg.com/amplify_video/1114573008134262784/pl/UkCgDQwMDlx4qyF3.m3u8' }],
    });
  });

  it('when the recorded promo_video_convo card has only a VMAP, then there is no video (the VMAP is not fetched)', () => {
    const tweet = recorded('tw-tweetdetail-card-promo-video-convo-1090673433690685441.json');
    expect(buildTwitterData(tweet, { statusId: '1090673433690685441' }, AT)).toEqual({ ok: false, reason: 'no_video' });
  });

  it('when the recorded unified_card image carousel is parsed, then its six images are card photos', () => {
    const tweet = recorded('tw-usertweets-unifiedcard-image-carousel-1738120943040450760.json');
    expect(tweet.media.map((m) => `${m.type}/${m.origin}`)).toEqual(Array.from({ length: 6 }, () => 'photo/card'));
  });

  it('when the recorded syndication body of a re-used video is parsed, then its video is found', () => {
    const file = 'synd-video-reused-from-other-user-1684218600456876032.json';
    const tweet = expectTweet(parseSyndicationResponse(loadFixture(file), fixtureStatusId(file)));
    expect(tweet.media.map((m) => m.type)).toEqual(['video']);
    expect(tweet.source).toBe('syndication');
  });
});
