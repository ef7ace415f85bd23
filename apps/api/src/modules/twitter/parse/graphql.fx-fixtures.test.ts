import { recordedFile } from '../../../../../x-sim/src/recorded-fixtures';
import {
  ALL_FIXTURES,
  describeRecorded,
  expectTweet,
  parseFixture,
  summary,
  variantTable,
  videoAt,
} from './x-fixtures.test-helper';

const COCKATOO_TEXT =
  'Sulphur-crested Cockatoo enjoying the warm Brisbane breeze...   \n@fred_od_photo #birds ' +
  '#birdwatching #birding #WildOz #birdphotography #birdsofaustralia #cockatoo';
const COCKATOO_VARIANTS: [string, string][] = [
  ['720p', 'https://video.twimg.com/ext_tw_video/1841204388993646595/pu/vid/avc1/1280x720/NRpzIavCR5W-jWFh.mp4'],
  ['360p', 'https://video.twimg.com/ext_tw_video/1841204388993646595/pu/vid/avc1/640x360/gap6eNvJGCbYTOWH.mp4'],
  ['270p', 'https://video.twimg.com/ext_tw_video/1841204388993646595/pu/vid/avc1/480x270/vxKqarkYhJW80NBu.mp4'],
];
const COCKATOO_HLS = 'https://video.twimg.com/ext_tw_video/1841204388993646595/pu/pl/-kd3cWye2HXbiTju.m3u8?v=cfc';
const PORTRAIT_VARIANTS: [string, string][] = [
  ['576p', 'https://video.twimg.com/ext_tw_video/1902059279190052864/pu/vid/avc1/576x1280/yhSQqEJfEU8wapy2.mp4'],
  ['480p', 'https://video.twimg.com/ext_tw_video/1902059279190052864/pu/vid/avc1/480x1066/U_pJyFAzyajaxcz8.mp4'],
  ['320p', 'https://video.twimg.com/ext_tw_video/1902059279190052864/pu/vid/avc1/320x710/g78J75WLanKsTSiJ.mp4'],
];

describeRecorded('fixture list', () => {
  it('when the recorded set is present, then every fixture listed (and tested) here is in it', () => {
    expect(ALL_FIXTURES.filter((file) => recordedFile(file) === undefined)).toEqual([]);
  });
});

describeRecorded('GraphQL parser on FxEmbed fixtures', () => {
  it.each([
    'fx-trbri-video-1841206275088290279.json',
    'fx-tweetdetail-video-1841206275088290279.json',
  ])('when %s (one landscape video), then it yields the video, best mp4 first, without ?tag', (file) => {
    const tweet = expectTweet(parseFixture(file));
    expect(tweet).toMatchObject({ statusId: '1841206275088290279', username: 'DivineDropbear', text: COCKATOO_TEXT, source: 'graphql', possiblySensitive: false });
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '1841204388993646595', origin: 'post' }]);
    const video = videoAt(tweet.media, 0);
    expect(variantTable(video)).toEqual(COCKATOO_VARIANTS);
    // original_info says 1920x1080; the best encode is 720p and that is what we report per variant.
    expect(video).toMatchObject({ width: 1920, height: 1080, duration_ms: 29626, thumbnail: 'https://pbs.twimg.com/ext_tw_video_thumb/1841204388993646595/pu/img/KKN8tSQm60z2FmtE.jpg' });
    expect(video.variants[0]).toEqual({
      resolution: '720p', quality: 'HD', url: COCKATOO_VARIANTS[0]?.[1], width: 1280, height: 720,
      bitrate: 2176000, content_type: 'video/mp4', size_estimate_bytes: 8058272,
    });
    expect(video.hls).toEqual([{ url: COCKATOO_HLS, content_type: 'application/x-mpegURL' }]);
  });

  it('when the post has 3 photos, then each is returned at original size with a small thumbnail', () => {
    const tweet = expectTweet(parseFixture('fx-trbri-3photos-1848831595014459513.json'));
    expect(tweet.username).toBe('SpaceX');
    expect(tweet.text).toBe('Flight 6 Super Heavy booster moved to the Starbase pad for testing. The move comes just one week after returning the first booster caught following launch');
    expect(tweet.media).toEqual([
      ['1848831473606135809', 'GahebgHbEAEevTU', 4096, 2304],
      ['1848831489116602369', 'GahecZ5aAAEX7GX', 2529, 3793],
      ['1848831507307409408', 'GaheddqbsAAzGXg', 4004, 2252],
    ].map(([id, key, width, height]) => ({
      type: 'photo', id, origin: 'post', width, height, alt_text: null,
      url: `https://pbs.twimg.com/media/${String(key)}?format=jpg&name=orig`,
      thumbnail: `https://pbs.twimg.com/media/${String(key)}?format=jpg&name=small`,
    })));
  });

  it.each([
    ['fx-trbri-video-quote-1902059299591090335.json', 'plain Tweet'],
    ['fx-tweetdetail-video-quote-twvr-1902059299591090335.json', 'TweetWithVisibilityResults'],
  ])('when %s quotes a media-less post (%s), then only the portrait video is returned', (file) => {
    const tweet = expectTweet(parseFixture(file));
    expect(tweet).toMatchObject({ username: 'carrionkid', text: '' });
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '1902059279190052864', origin: 'post' }]);
    const video = videoAt(tweet.media, 0);
    expect(variantTable(video)).toEqual(PORTRAIT_VARIANTS);
    expect(video.variants.map((v) => v.quality)).toEqual(['SD', 'SD', 'SD']);
    expect(video.hls.map((h) => h.url)).toEqual(['https://video.twimg.com/ext_tw_video/1902059279190052864/pu/pl/897qARA__rNk63y5.m3u8?v=54d']);
  });

  it('when the post is a poll without media, then it parses with no media', () => {
    const tweet = expectTweet(parseFixture('fx-trbri-poll-nomedia-1899954694652309701.json'));
    expect(tweet).toMatchObject({ username: 'Vyseroy', media: [], possiblySensitive: false });
    expect(tweet.text).toBe('You can only pick ONE ship for the rest of your time in Star Citizen. What are you choosing?" 🚀💭\n#starcitizen #poll #videogames #spacegames');
  });

  it('when the user has the 2025 schema (core.screen_name only), then the username is still found', () => {
    const tweet = expectTweet(parseFixture('fx-trbri-newschema-photos-1964084223871971826.json'));
    expect(tweet).toMatchObject({ username: 'vo1twasdowned', text: '' });
    expect(tweet.media).toEqual([{
      type: 'photo', id: '1964084201302405120', origin: 'post', width: 736, height: 515, alt_text: null,
      url: 'https://pbs.twimg.com/media/G0HULMeWMAA-IGM?format=png&name=orig',
      thumbnail: 'https://pbs.twimg.com/media/G0HULMeWMAA-IGM?format=png&name=small',
    }]);
  });

  it('when the post is text only (jack/20), then it parses with empty media', () => {
    expect(expectTweet(parseFixture('fx-trbri-textonly-20.json'))).toEqual({
      statusId: '20', username: 'jack', text: 'just setting up my twttr', expandedText: 'just setting up my twttr', media: [], possiblySensitive: false, source: 'graphql',
    });
  });

  it('when the post has two videos, then both are returned in order', () => {
    const tweet = expectTweet(parseFixture('fx-trbri-2videos-synthetic-991610.json'));
    expect(tweet.text).toBe(COCKATOO_TEXT);
    expect(summary(tweet.media)).toEqual([
      { type: 'video', id: '1841204388993646595', origin: 'post' },
      { type: 'video', id: '9916110000000000001', origin: 'post' },
    ]);
    expect(variantTable(videoAt(tweet.media, 1))).toEqual(COCKATOO_VARIANTS);
  });

  it('when X answers TweetUnavailable(Suspended), then the outcome is suspended_account', () => {
    expect(parseFixture('fx-trbri-unavailable-suspended-synthetic-991500.json')).toEqual({
      ok: false, reason: 'suspended_account', detail: 'TweetUnavailable: Suspended',
    });
  });

  it('when TweetDetail has a suspended-account tombstone, then the outcome is suspended_account', () => {
    expect(parseFixture('fx-tweetdetail-tombstone-suspended-synthetic-991503.json')).toEqual({
      ok: false, reason: 'suspended_account', detail: 'This Post is from a suspended account.',
    });
  });

  it.each([
    ['fx-trbri-quote-unavailable-synthetic-991004.json', 'quotehost991', 'sus'],
    ['fx-trbri-quote-empty-synthetic-991001.json', 'fixtureuser991', 'quote host'],
  ])('when %s quotes a post that is gone, then the host post still parses', (file, username, text) => {
    expect(expectTweet(parseFixture(file))).toMatchObject({ username, text, media: [] });
  });
});
