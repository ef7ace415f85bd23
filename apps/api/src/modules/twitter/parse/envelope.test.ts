import type { MediaItem, ParsedTweet, PhotoMedia, VideoMedia } from '../twitter.types';
import { twitterDataSchema } from '../twitter.schemas';
import { buildTwitterData, type TwitterData } from './envelope';
import { parseTweetResult } from './graphql.parser';
import { describeRecorded, expectTweet, fixtureStatusId, loadFixture, parseFixture, videoAt } from './x-fixtures.test-helper';

const AT = new Date('2026-01-02T03:04:05.678Z');

function envelopeOf(file: string, ref: Partial<{ mediaType: 'video' | 'photo'; mediaIndex: number }> = {}): TwitterData {
  const statusId = fixtureStatusId(file);
  const built = buildTwitterData(expectTweet(parseFixture(file)), { statusId, ...ref }, AT);
  if (!built.ok) throw new Error(`expected data for ${file}, got ${built.reason}`);
  return built.data;
}

describeRecorded('buildTwitterData on the video fixtures', () => {
  it('when the post has one video, then data is the TwitterDown v1 shape plus our additions', () => {
    const tweet = expectTweet(parseFixture('fx-trbri-video-1841206275088290279.json'));
    const data = envelopeOf('fx-trbri-video-1841206275088290279.json');
    const video = videoAt(tweet.media, 0);
    expect(data).toEqual({
      thumbnail: 'https://pbs.twimg.com/ext_tw_video_thumb/1841204388993646595/pu/img/KKN8tSQm60z2FmtE.jpg',
      videos: video.variants,
      text: tweet.text,
      expanded_text: tweet.text, // no t.co link besides the media link
      username: 'DivineDropbear',
      statusId: '1841206275088290279',
      processed_at: '2026-01-02T03:04:05.678Z',
      hls: [{ url: 'https://video.twimg.com/ext_tw_video/1841204388993646595/pu/pl/-kd3cWye2HXbiTju.m3u8?v=cfc', content_type: 'application/x-mpegURL' }],
      media: tweet.media,
      media_index: 1,
      source: 'graphql',
    });
    expect(data.videos.map(({ resolution, quality }) => `${resolution} ${quality}`)).toEqual(['720p HD', '360p SD', '270p SD']);
  });

  it.each([
    ['fx-tweetdetail-video-1841206275088290279.json', 'DivineDropbear', '1841204388993646595', '720p'],
    ['fx-trbri-video-quote-1902059299591090335.json', 'carrionkid', '1902059279190052864', '576p'],
    ['fx-tweetdetail-video-quote-twvr-1902059299591090335.json', 'carrionkid', '1902059279190052864', '576p'],
    ['tw-tweetdetail-video-portrait-1671508600538161153.json', 'TheFigen_', '1668857866328100864', '720p'],
    ['tw-tweetdetail-video-square-1671753569412820992.json', 'buitengebieden', '1671753482821328896', '720p'],
    ['tw-tweetdetail-retweet-of-video-1665951747842641921.json', 'ChinaDaily', '1665861064259686400', '296p'],
    ['tw-tweetdetail-unifiedcard-video-1696922210588410217.json', 'FortniteGame', '1696919248436670464', '720p'],
    ['fx-trbri-2videos-synthetic-991610.json', 'DivineDropbear', '1841204388993646595', '720p'],
  ])('when %s is requested, then @%s video %s is selected, best %s first', (file, username, videoId, best) => {
    const data = envelopeOf(file);
    expect(data).toMatchObject({ username, statusId: fixtureStatusId(file), media_index: 1, source: 'graphql' });
    expect(data.thumbnail).toContain(videoId);
    expect(data.videos[0]?.resolution).toBe(best);
    expect(data.videos[0]?.url).toContain(videoId);
    expect(data.hls).toHaveLength(1);
  });

  it('when any video fixture is enveloped, then the data satisfies the public response schema', () => {
    const files = ['fx-trbri-video-1841206275088290279.json', 'fx-tweetdetail-video-quote-twvr-1902059299591090335.json', 'tw-tweetdetail-video-portrait-1671508600538161153.json', 'tw-tweetdetail-video-square-1671753569412820992.json', 'tw-tweetdetail-retweet-of-video-1665951747842641921.json', 'tw-tweetdetail-unifiedcard-video-1696922210588410217.json', 'fx-trbri-2videos-synthetic-991610.json'];
    for (const file of files) {
      expect(twitterDataSchema.safeParse(envelopeOf(file)).success).toBe(true);
    }
  });

  it('when /video/2 is asked on the two-video post, then the second video is selected', () => {
    const data = envelopeOf('fx-trbri-2videos-synthetic-991610.json', { mediaType: 'video', mediaIndex: 2 });
    expect(data.media_index).toBe(2);
    expect(data.media.map((m) => m.id)).toEqual(['1841204388993646595', '9916110000000000001']);
  });

  it.each([
    ['fx-trbri-2videos-synthetic-991610.json', { mediaType: 'video' as const, mediaIndex: 3 }],
    ['fx-trbri-3photos-1848831595014459513.json', {}],
    ['fx-trbri-3photos-1848831595014459513.json', { mediaType: 'photo' as const, mediaIndex: 1 }],
    ['fx-trbri-newschema-photos-1964084223871971826.json', {}],
    ['fx-trbri-poll-nomedia-1899954694652309701.json', {}],
    ['fx-trbri-textonly-20.json', {}],
    ['fx-trbri-quote-unavailable-synthetic-991004.json', {}],
    ['fx-trbri-quote-empty-synthetic-991001.json', {}],
    ['tw-tweetdetail-quote-photo-1658421690001502208.json', {}],
    ['tw-tweetdetail-retweet-of-photo-1658409412799737856.json', {}],
    ['tw-tweetdetail-notetweet-photo-1682072224013099008.json', {}],
    ['tw-tweetdetail-newschema-gif-1649191520250245121.json', {}],
  ])('when %s (%j) has no matching video, then no_video', (file, ref) => {
    const tweet = expectTweet(parseFixture(file));
    expect(buildTwitterData(tweet, { statusId: tweet.statusId, ...ref }, AT)).toEqual({ ok: false, reason: 'no_video' });
  });
});

function video(id: string, origin: VideoMedia['origin'], type: VideoMedia['type'] = 'video', variants = 1): VideoMedia {
  return {
    type, id, origin, thumbnail: `https://pbs.twimg.com/thumb/${id}.jpg`, width: 640, height: 360, duration_ms: null, hls: [],
    variants: Array.from({ length: variants }, (_, i) => ({
      resolution: '360p', quality: 'SD' as const, url: `https://video.twimg.com/${id}/${String(i)}.mp4`, width: 640, height: 360,
      bitrate: 1000 - i, content_type: 'video/mp4', size_estimate_bytes: null,
    })),
  };
}

function photo(id: string, origin: PhotoMedia['origin'] = 'post'): PhotoMedia {
  return { type: 'photo', id, origin, url: `https://pbs.twimg.com/media/${id}?format=jpg&name=orig`, thumbnail: '', width: 1, height: 1, alt_text: null };
}

function build(media: MediaItem[], ref: { mediaType?: 'video' | 'photo'; mediaIndex?: number } = {}) {
  const tweet: ParsedTweet = { statusId: '5', username: 'alice', text: 't', media, possiblySensitive: false, source: 'syndication' };
  return buildTwitterData(tweet, { statusId: '5', ...ref }, AT);
}

describeRecorded('/video/N on recorded posts (X_SIM_FIXTURES_DIR)', () => {
  it('when the recorded photo, 4K video, photo post is asked as /video/2, then its video is selected', () => {
    const id = '2074968793441591473';
    const tweet = expectTweet(parseTweetResult(loadFixture(`tw-search-photo-4kvideo-photo-notetweet-${id}.json`), id));
    expect(tweet.media.map((m) => m.type)).toEqual(['photo', 'video', 'photo']);
    const built = buildTwitterData(tweet, { statusId: id, mediaType: 'video', mediaIndex: 2 }, AT);
    expect(built).toMatchObject({ ok: true, data: { media_index: 2 } });
    expect(built.ok && built.data.videos[0]?.resolution).toBe('2160p');
  });

  it('when the recorded video-then-3-photos post is asked as /video/1, then its video is selected, and /video/2 is no_video', () => {
    const id = '1756252052232016281';
    const tweet = expectTweet(parseTweetResult(loadFixture(`tw-list-video-then-3photos-${id}.json`), id));
    expect(buildTwitterData(tweet, { statusId: id, mediaType: 'video', mediaIndex: 1 }, AT)).toMatchObject({ ok: true, data: { media_index: 1 } });
    expect(buildTwitterData(tweet, { statusId: id, mediaType: 'video', mediaIndex: 2 }, AT)).toEqual({ ok: false, reason: 'no_video' });
  });
});

describeRecorded('broadcasts and Spaces on recorded posts (X_SIM_FIXTURES_DIR)', () => {
  // ids as they appear in the recorded cards' binding values
  it.each([
    ['tw-tweetdetail-card-broadcast-1790441814857826439.json', 'live_broadcast', { broadcast_id: '1BRJjPqnBqaKw', url: 'https://x.com/i/broadcasts/1BRJjPqnBqaKw', state: 'ENDED' }],
    ['tw-tweetdetail-card-audiospace-retweet-1789054061729173804.json', 'audio_space', { space_id: '1vOxwjaWEbdJB', url: 'https://x.com/i/spaces/1vOxwjaWEbdJB' }],
  ])('when %s is asked for, then it is %s with the id', (file, reason, details) => {
    expect(buildTwitterData(expectTweet(parseFixture(file)), { statusId: fixtureStatusId(file) }, AT)).toEqual({ ok: false, reason, details });
  });

  it.each([
    ['tw-replies-card-broadcast-2025-1897362060448801025.json', 'live_broadcast', { broadcast_id: '1yoKMoQbjlXJQ', url: 'https://x.com/i/broadcasts/1yoKMoQbjlXJQ', state: 'ENDED' }],
    ['tw-replies-card-audiospace-2025-1896984310282088640.json', 'audio_space', { space_id: '1YqKDZMkejvJV', url: 'https://x.com/i/spaces/1YqKDZMkejvJV' }],
  ])('when the 2025 capture %s is asked for, then it is %s with the id', (file, reason, details) => {
    const id = fixtureStatusId(file);
    expect(buildTwitterData(expectTweet(parseTweetResult(loadFixture(file), id)), { statusId: id }, AT)).toEqual({ ok: false, reason, details });
  });
});

describe('buildTwitterData selection rules', () => {
  // X's links count every media item of the post (photo, video, photo → the video is /video/2).
  it.each([
    ['photo, video, photo', 2, 'v1', 2],
    ['photo, GIF, photo, video', 2, 'g1', 2],
    ['photo, GIF, photo, video', 4, 'v1', 4],
    ['video, video', 2, 'v2', 2],
  ])('when /video/N is given on %s with N = %d, then X numbering selects %s (media_index %d)', (_label, n, id, index) => {
    const posts: Record<string, MediaItem[]> = {
      'photo, video, photo': [photo('p1'), video('v1', 'post'), photo('p2')],
      'photo, GIF, photo, video': [photo('p1'), video('g1', 'post', 'gif'), photo('p2'), video('v1', 'post')],
      'video, video': [video('v1', 'post'), video('v2', 'post')],
    };
    const result = build(posts[_label] ?? [], { mediaType: 'video', mediaIndex: n });
    expect(result).toMatchObject({ ok: true, data: { thumbnail: `https://pbs.twimg.com/thumb/${id}.jpg`, media_index: index } });
  });

  it.each([
    // X's numbering lands on a photo: only the old "N-th video" meaning can be meant
    ['photo, video', [photo('p1'), video('v1', 'post')], 1, 'v1', 2],
    ['video, photo, video', [video('v1', 'post'), photo('p1'), video('v2', 'post')], 2, 'v2', 3],
  ])('when /video/N on %s points at a photo in X numbering, then the old N-th-video meaning answers', (_label, media, n, id, index) => {
    expect(build(media, { mediaType: 'video', mediaIndex: n })).toMatchObject({ ok: true, data: { thumbnail: `https://pbs.twimg.com/thumb/${id}.jpg`, media_index: index } });
  });

  it('when both meanings name different videos, then X numbering wins', () => {
    // photo, video a, video b: X's /video/2 is a; the old meaning would be b
    expect(build([photo('p1'), video('a', 'post'), video('b', 'post')], { mediaType: 'video', mediaIndex: 2 })).toMatchObject({ ok: true, data: { thumbnail: 'https://pbs.twimg.com/thumb/a.jpg' } });
  });

  it('when neither meaning finds a video, then no_video', () => {
    expect(build([photo('p1'), video('v1', 'post'), photo('p2')], { mediaType: 'video', mediaIndex: 3 })).toEqual({ ok: false, reason: 'no_video' });
    expect(build([photo('p1'), video('v1', 'post')], { mediaType: 'video', mediaIndex: 0 })).toEqual({ ok: false, reason: 'no_video' });
  });

  it('when the post has its own video and quotes another, then its own video wins', () => {
    expect(build([video('q1', 'quote'), video('c1', 'card')])).toMatchObject({ ok: true, data: { thumbnail: 'https://pbs.twimg.com/thumb/c1.jpg' } });
  });

  it('when only the quoted post has a video, then it is the fallback', () => {
    expect(build([photo('p1'), video('q1', 'quote')])).toMatchObject({ ok: true, data: { thumbnail: 'https://pbs.twimg.com/thumb/q1.jpg', media_index: 2 } });
  });

  it('when /video/1 is given but only the quoted post has a video, then no_video', () => {
    expect(build([video('q1', 'quote')], { mediaType: 'video', mediaIndex: 1 })).toEqual({ ok: false, reason: 'no_video' });
  });

  it('when /photo/N is given, then the first video is selected as without a suffix', () => {
    expect(build([photo('p1'), video('r1', 'retweet')], { mediaType: 'photo', mediaIndex: 1 })).toMatchObject({ ok: true, data: { thumbnail: 'https://pbs.twimg.com/thumb/r1.jpg' } });
  });

  it('when the first video has no mp4 variant (HLS only), then the next downloadable one is selected', () => {
    expect(build([video('v0', 'post', 'video', 0), video('v1', 'post')])).toMatchObject({ ok: true, data: { media_index: 2 } });
    expect(build([video('v0', 'post', 'video', 0)], { mediaType: 'video', mediaIndex: 1 })).toEqual({ ok: false, reason: 'no_video' });
  });

  it('when a video has several variants, then videos keeps the parser order', () => {
    const result = build([video('v1', 'post', 'video', 3)]);
    expect(result.ok && result.data.videos.map((v) => v.bitrate)).toEqual([1000, 999, 998]);
  });
});
