/**
 * Post shapes beyond plain media: card players, unified-card carousels, broadcasts and Spaces,
 * t.co expansion and syndication retweets. Synthetic fixtures (always present) and the recorded
 * set where it has the shape. Expected values are read off the fixtures by hand.
 */
import { buildTwitterData } from './envelope';
import { parseTweetResult, parseTweetResultResponse } from './graphql.parser';
import { parseSyndicationResponse } from './syndication.parser';
import { readVmap } from './vmap';
import { describeRecorded, expectTweet, fixtureStatusId, loadFixture, loadSynthetic, summary, videoAt } from './x-fixtures.test-helper';

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
        // its mp4s are in the VMAP, read by the X client (tests/twitter/shapes.http.test.ts)
        vmap_url: 'https://video.twimg.com/amplify_video/vmap/992014000000000001.vmap',
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

describe('VMAP-only player cards (promo_video_convo, amplify)', () => {
  it('when a promo_video_convo card has only a VMAP, then its video is a card item marked with that VMAP, nothing downloadable yet', () => {
    const tweet = synthetic('card-promo-video-convo-992022.json');
    expect(tweet.media).toEqual([
      {
        type: 'video',
        id: '992022000000000001',
        origin: 'card',
        thumbnail: 'https://pbs.twimg.com/amplify_video_thumb/992022000000000001/img/SimPromo.jpg',
        width: 1280,
        height: 720,
        duration_ms: 2000,
        variants: [],
        hls: [],
        vmap_url: 'https://video.twimg.com/amplify_video/vmap/992022000000000001.vmap',
      },
    ]);
  });

  it('when an amplify card gives amplify_url_vmap and amplify_content_id, then those are its VMAP and id', () => {
    const tweet = synthetic('card-amplify-992023.json');
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '992023000000000001', origin: 'card' }]);
    expect(videoAt(tweet.media, 0).vmap_url).toBe('https://video.twimg.com/amplify_video/vmap/992023000000000001.vmap');
  });

  it('when a player card points at a VMAP off X\'s video host, then it is not a card video (never fetched)', () => {
    const result = {
      __typename: 'Tweet', rest_id: '9', core: { user_results: { result: { legacy: { screen_name: 'p' } } } },
      legacy: { full_text: 'x', entities: {} },
      card: { legacy: { name: 'player', binding_values: [
        { key: 'player_stream_url', value: { type: 'STRING', string_value: 'https://evil.example/a.vmap' } },
        { key: 'player_image_original', value: { type: 'IMAGE', image_value: { url: 'https://pbs.twimg.com/card_img/9/a.jpg', width: 640, height: 360 } } },
      ] } },
    };
    expect(expectTweet(parseTweetResult(result, '9')).media).toEqual([]);
  });
});

describe('reading a VMAP document', () => {
  // Hand-written from the shape yt-dlp reads (docs/x-upstream.md, "Player cards and VMAP").
  const VMAP = `<?xml version="1.0" encoding="UTF-8"?>
<vmap:VMAP xmlns:vmap="http://www.iab.net/videosuite/vmap" version="1.0"><vmap:AdBreak breakType="linear" timeOffset="start">
<vmap:AdSource><vmap:VASTAdData><VAST version="2.0" xmlns:tw="http://twitter.com/schema/videoVMapV2.xsd"><Ad><InLine><Creatives><Creative><Linear>
<MediaFiles><MediaFile type="video/mp4"><![CDATA[https://video.twimg.com/amplify_video/7/vid/1280x720/b.mp4]]></MediaFile></MediaFiles></Linear></Creative></Creatives>
<Extensions><Extension><tw:videoVariants>
<tw:videoVariant url="https%3A%2F%2Fvideo.twimg.com%2Famplify_video%2F7%2Fvid%2F480x270%2Fa.mp4%3Ftag%3D2" content_type="video/mp4" bit_rate="256000"/>
<tw:videoVariant url="https%3A%2F%2Fvideo.twimg.com%2Famplify_video%2F7%2Fpl%2Fp.m3u8" content_type="application/x-mpegURL"/>
<tw:videoVariant url="https%3A%2F%2Fvideo.twimg.com%2Famplify_video%2F7%2Fvid%2F1280x720%2Fb.mp4" content_type="video/mp4" bit_rate="2176000"/>
<tw:videoVariant url="https%3A%2F%2Fads.example%2Fpreroll.mp4" content_type="video/mp4" bit_rate="9000000"/>
</tw:videoVariants></Extension></Extensions></InLine></Ad></VAST></vmap:VASTAdData></vmap:AdSource></vmap:AdBreak></vmap:VMAP>`;

  it('when the VMAP lists variants, then they are decoded, sorted best first, tag-stripped, HLS apart, and only X\'s host is kept', () => {
    const read = readVmap(VMAP, { durationMs: 2000, fallbackSize: { width: 1280, height: 720 } });
    expect(read).toEqual({
      ok: true,
      variants: [
        { resolution: '720p', quality: 'HD', url: 'https://video.twimg.com/amplify_video/7/vid/1280x720/b.mp4', width: 1280, height: 720, bitrate: 2176000, content_type: 'video/mp4', size_estimate_bytes: 544000 },
        { resolution: '270p', quality: 'SD', url: 'https://video.twimg.com/amplify_video/7/vid/480x270/a.mp4', width: 480, height: 270, bitrate: 256000, content_type: 'video/mp4', size_estimate_bytes: 64000 },
      ],
      hls: [{ url: 'https://video.twimg.com/amplify_video/7/pl/p.m3u8', content_type: 'application/x-mpegURL' }],
    });
  });

  it('when an old VMAP has only a MediaFile, then that file is the one variant', () => {
    const old = '<VAST version="2.0"><Ad><InLine><MediaFiles><MediaFile type="video/mp4">https://video.twimg.com/amplify_video/8/vid/640x360/c.mp4</MediaFile></MediaFiles></InLine></Ad></VAST>';
    const read = readVmap(old, { durationMs: null, fallbackSize: { width: 0, height: 0 } });
    expect(read.ok && read.variants.map((v) => [v.resolution, v.url])).toEqual([['360p', 'https://video.twimg.com/amplify_video/8/vid/640x360/c.mp4']]);
  });

  it('when the body is not a VMAP, then it is unreadable', () => {
    expect(readVmap('<html>rate limited</html>', { durationMs: null, fallbackSize: { width: 0, height: 0 } })).toEqual({ ok: false, why: 'not a VMAP/VAST document' });
  });
});

describe('unified cards: more kinds', () => {
  it('when a multi-destination mixed-media carousel has no components, then its slides give the order (video, photo, video)', () => {
    const tweet = synthetic('unifiedcard-mixed-media-multidest-992024.json');
    expect(summary(tweet.media)).toEqual([
      { type: 'video', id: '992024000000000001', origin: 'card' },
      { type: 'photo', id: '992024000000000002', origin: 'card' },
      { type: 'video', id: '992024000000000003', origin: 'card' },
    ]);
    expect(buildTwitterData(tweet, { statusId: '992024', mediaType: 'video', mediaIndex: 3 }, AT)).toMatchObject({
      ok: true,
      data: { media_index: 3, videos: [{ resolution: '720p', width: 720, height: 1280 }, {}, {}] },
    });
  });

  it('when an app card (video_app) carries a video, then it is the card video', () => {
    const tweet = synthetic('unifiedcard-video-app-992025.json');
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '992025000000000001', origin: 'card' }]);
    expect(videoAt(tweet.media, 0).variants.map((v) => v.resolution)).toEqual(['720p', '360p', '270p']);
  });
});

describe('articles', () => {
  it('when an article has a cover and media in its body, then the cover comes first, then every body item in reading order', () => {
    const tweet = synthetic('article-body-media-992026.json');
    expect(summary(tweet.media)).toEqual([
      { type: 'photo', id: '992026000000000001', origin: 'post' },
      { type: 'video', id: '992026000000000002', origin: 'post' },
      { type: 'photo', id: '992026000000000003', origin: 'post' },
      { type: 'gif', id: '992026000000000004', origin: 'post' },
      // in media_entities but placed by no block: still the article's, listed last
      { type: 'video', id: '992026000000000005', origin: 'post' },
    ]);
    expect(tweet.media[0]).toMatchObject({ url: 'https://pbs.twimg.com/media/SimArticle992026000000000001?format=jpg&name=orig', width: 1600, height: 640 });
    expect(videoAt(tweet.media, 1)).toMatchObject({
      thumbnail: 'https://pbs.twimg.com/amplify_video_thumb/992026000000000002/img/SimArticlePreview.jpg',
      width: 1280,
      height: 720,
      duration_ms: 2000,
      hls: [{ url: 'https://video.twimg.com/amplify_video/992026000000000002/pl/SimArticle.m3u8' }],
    });
    expect(videoAt(tweet.media, 1).variants.map((v) => [v.resolution, v.bitrate])).toEqual([['720p', 2176000], ['360p', 832000]]);
    expect(buildTwitterData(tweet, { statusId: '992026' }, AT)).toMatchObject({ ok: true, data: { media_index: 2 } });
  });

  it('when the entityMap is an object keyed by entity key and the video is in the tweet media shape, then it is read the same', () => {
    const result = {
      __typename: 'Tweet', rest_id: '5', core: { user_results: { result: { legacy: { screen_name: 'w' } } } },
      legacy: { full_text: 'https://t.co/a', entities: {} },
      article: { article_results: { result: {
        media_entities: [{ media_id: '51', media_info: { __typename: 'ApiVideo', media_url_https: 'https://pbs.twimg.com/t/51.jpg', original_info: { width: 640, height: 360 },
          video_info: { duration_millis: 1000, variants: [{ content_type: 'video/mp4', bitrate: 100, url: 'https://video.twimg.com/v/51/vid/640x360/a.mp4' }] } } }],
        content_state: { blocks: [{ type: 'atomic', text: ' ', entityRanges: [{ key: 0, offset: 0, length: 1 }] }], entityMap: { 0: { type: 'MEDIA', data: { mediaItems: [{ mediaId: '51' }] } } } },
      } } },
    };
    const tweet = expectTweet(parseTweetResult(result, '5'));
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '51', origin: 'post' }]);
    expect(videoAt(tweet.media, 0)).toMatchObject({ width: 640, height: 360, variants: [{ url: 'https://video.twimg.com/v/51/vid/640x360/a.mp4', bitrate: 100 }] });
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

  it('when the recorded promo_video_convo card has only a VMAP, then its video is a card item marked with that VMAP', () => {
    const tweet = recorded('tw-tweetdetail-card-promo-video-convo-1090673433690685441.json');
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '958720308076310529', origin: 'card' }]);
    expect(tweet.media[0]).toMatchObject({ width: 1280, height: 720, duration_ms: 5000, variants: [], hls: [], vmap_url: 'https://video.twimg.com/amplify_video/vmap/958720308076310529.vmap' });
    // the parser alone has nothing to download: the X client reads the VMAP (shapes.http.test.ts)
    expect(buildTwitterData(tweet, { statusId: '1090673433690685441' }, AT)).toEqual({ ok: false, reason: 'no_video' });
  });

  it('when the recorded article post is parsed, then its cover image is the post\'s photo', () => {
    const tweet = recorded('tw-replies-article-cover-image-2056871280599847054.json');
    expect(tweet.media).toEqual([
      {
        type: 'photo',
        id: '2056867097846878208',
        origin: 'post',
        url: 'https://pbs.twimg.com/media/HIt1uk1aEAABIiK?format=jpg&name=orig',
        thumbnail: 'https://pbs.twimg.com/media/HIt1uk1aEAABIiK?format=jpg&name=small',
        width: 1600,
        height: 640,
        alt_text: null,
      },
    ]);
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
