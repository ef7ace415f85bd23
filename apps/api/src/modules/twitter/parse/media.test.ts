import { parseTweetResult } from './graphql.parser';
import { normaliseMedia, photoUrl } from './media';
import { buildVariants, stripTag } from './variants';
import { describeRecorded, expectTweet, findTweetResult, loadFixture, summary, variantTable, videoAt } from './x-fixtures.test-helper';

function replyTweet(file: string, restId: string) {
  return expectTweet(parseTweetResult(findTweetResult(loadFixture(file), restId), restId));
}

describeRecorded('media found in replies and related posts of the fixtures', () => {
  it('when the media is an animated GIF, then its size comes from original_info and it has no duration', () => {
    const tweet = replyTweet('tw-tweetdetail-newschema-gif-1649191520250245121.json', '1649263296434806785');
    expect(tweet.username).toBe('ashevat');
    expect(tweet.media).toEqual([{
      type: 'gif', id: '1649263289954705410', origin: 'post',
      thumbnail: 'https://pbs.twimg.com/tweet_video_thumb/FuNcOVrXoAIGi0f.jpg',
      width: 300, height: 304, duration_ms: null, hls: [],
      variants: [{
        resolution: '300p', quality: 'SD', url: 'https://video.twimg.com/tweet_video/FuNcOVrXoAIGi0f.mp4',
        width: 300, height: 304, bitrate: 0, content_type: 'video/mp4', size_estimate_bytes: null,
      }],
    }]);
  });

  it('when a reply has four mp4 variants up to 1080x1920, then 1080p HD comes first', () => {
    const tweet = replyTweet('tw-tweetdetail-video-portrait-1671508600538161153.json', '1671700833363447808');
    const video = videoAt(tweet.media, 0);
    expect(variantTable(video)).toEqual([
      ['1080p', 'https://video.twimg.com/ext_tw_video/1670817068445495296/pu/vid/1080x1920/22YicpjoyeMTMZEj.mp4'],
      ['720p', 'https://video.twimg.com/ext_tw_video/1670817068445495296/pu/vid/720x1280/oggMXA2mz4TMLV-h.mp4'],
      ['480p', 'https://video.twimg.com/ext_tw_video/1670817068445495296/pu/vid/480x852/KFNZjHXDu-eea_8O.mp4'],
      ['320p', 'https://video.twimg.com/ext_tw_video/1670817068445495296/pu/vid/320x568/AWOVNL2252BRl_Bx.mp4'],
    ]);
    expect(video.variants.map((v) => v.quality)).toEqual(['HD', 'HD', 'SD', 'SD']);
    expect(video.variants[0]?.size_estimate_bytes).toBe(31018464); // 10368000 b/s × 23.934 s / 8
  });

  it('when a reply is wrapped in TweetWithVisibilityResults, then its video is unwrapped', () => {
    const tweet = replyTweet('tw-tweetdetail-video-square-1671753569412820992.json', '1667220696295178240');
    expect(tweet.username).toBe('tordosweet_co');
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '1667108665588080640', origin: 'post' }]);
    expect(videoAt(tweet.media, 0).variants.map((v) => v.resolution)).toEqual(['640p', '540p', '320p']);
  });

  it('when a related post quotes a video post, then the video comes with origin "quote" (1280x716 is SD)', () => {
    const tweet = replyTweet('tw-tweetdetail-quote-photo-1658421690001502208.json', '1676889656225411072');
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '1676697491226468353', origin: 'quote' }]);
    expect(variantTable(videoAt(tweet.media, 0))).toEqual([
      ['716p', 'https://video.twimg.com/ext_tw_video/1676697491226468353/pu/vid/1280x716/ir6MOu-zeqHCOMDZ.mp4'],
      ['360p', 'https://video.twimg.com/ext_tw_video/1676697491226468353/pu/vid/642x360/vyOPi9cH5pjAcgSS.mp4'],
      ['270p', 'https://video.twimg.com/ext_tw_video/1676697491226468353/pu/vid/482x270/CxOsBliV2KQSDySg.mp4'],
    ]);
    expect(videoAt(tweet.media, 0).variants[0]?.quality).toBe('SD');
  });
});

describe('buildVariants', () => {
  const context = { durationMs: 10_000, fallbackSize: { width: 1920, height: 1080 } };

  it('when two variants share a bitrate, then the larger frame comes first', () => {
    const { variants } = buildVariants([
      { bitrate: 800, content_type: 'video/mp4', url: 'https://video.twimg.com/v/vid/640x360/a.mp4' },
      { bitrate: 800, content_type: 'video/mp4', url: 'https://video.twimg.com/v/vid/1280x720/b.mp4' },
    ], context);
    expect(variants.map((v) => v.url)).toEqual(['https://video.twimg.com/v/vid/1280x720/b.mp4', 'https://video.twimg.com/v/vid/640x360/a.mp4']);
  });

  it('when an HEVC variant has the highest bitrate, then it still goes after the AVC ones', () => {
    const { variants } = buildVariants([
      { bitrate: 9000, content_type: 'video/mp4', url: 'https://video.twimg.com/v/vid/hevc/1920x1080/h.mp4' },
      { bitrate: 2000, content_type: 'video/mp4', url: 'https://video.twimg.com/v/vid/avc1/1280x720/a.mp4' },
    ], context);
    expect(variants.map((v) => v.resolution)).toEqual(['720p', '1080p']);
  });

  it('when a video URL has no WxH, then the fallback size is used; junk variants are skipped', () => {
    const { variants, hls } = buildVariants([
      { bitrate: 1000, content_type: 'video/mp4', url: 'https://video.twimg.com/v/plain.mp4?tag=3' },
      { content_type: 'application/x-mpegURL', url: 'https://video.twimg.com/v/p.m3u8?tag=3&container=cmaf' },
      { content_type: 'video/webm', url: 'https://video.twimg.com/v/x.webm' },
      { content_type: 'video/mp4' },
      'nonsense',
    ], context);
    expect(variants).toEqual([{
      resolution: '1080p', quality: 'HD', url: 'https://video.twimg.com/v/plain.mp4', width: 1920, height: 1080,
      bitrate: 1000, content_type: 'video/mp4', size_estimate_bytes: 1250,
    }]);
    expect(hls).toEqual([{ url: 'https://video.twimg.com/v/p.m3u8?container=cmaf', content_type: 'application/x-mpegURL' }]);
  });

  it('when variants is not an array, then there are none', () => {
    expect(buildVariants(undefined, context)).toEqual({ variants: [], hls: [] });
  });
});

describe('stripTag and photoUrl', () => {
  it.each([
    ['https://video.twimg.com/a/b.mp4?tag=12', 'https://video.twimg.com/a/b.mp4'],
    ['https://video.twimg.com/a/b.m3u8?tag=12&v=cfc', 'https://video.twimg.com/a/b.m3u8?v=cfc'],
    ['https://video.twimg.com/a/b.m3u8?container=cmaf&tag=14', 'https://video.twimg.com/a/b.m3u8?container=cmaf'],
    ['https://video.twimg.com/a/b.mp4', 'https://video.twimg.com/a/b.mp4'],
    ['not a url', 'not a url'],
  ])('stripTag(%s) → %s', (input, expected) => {
    expect(stripTag(input)).toBe(expected);
  });

  it.each([
    ['https://pbs.twimg.com/media/ABC.jpg', 'orig', 'https://pbs.twimg.com/media/ABC?format=jpg&name=orig'],
    ['https://pbs.twimg.com/media/ABC.png', 'small', 'https://pbs.twimg.com/media/ABC?format=png&name=small'],
    ['https://pbs.twimg.com/media/ABC?format=webp&name=large', 'orig', 'https://pbs.twimg.com/media/ABC?format=webp&name=orig'],
  ] as const)('photoUrl(%s, %s) → %s', (input, size, expected) => {
    expect(photoUrl(input, size)).toBe(expected);
  });
});

describe('normaliseMedia', () => {
  const photo = { type: 'photo', id_str: '1', media_url_https: 'https://pbs.twimg.com/media/P.jpg', original_info: { width: 10, height: 20 } };

  it('when the media is marked Unavailable, then it is dropped', () => {
    expect(normaliseMedia({ ...photo, ext_media_availability: { status: 'Unavailable' } }, 'post')).toBeUndefined();
  });

  it('when alt text is present, then it is kept', () => {
    expect(normaliseMedia({ ...photo, ext_alt_text: 'a cat' }, 'post')).toMatchObject({ alt_text: 'a cat', width: 10, height: 20 });
  });

  it.each([
    [{ media_key: '3_777' }, '777'],
    [{ media_url_https: 'https://pbs.twimg.com/ext_tw_video_thumb/555/pu/img/x.jpg' }, '555'],
    [{ media_url_https: 'https://pbs.twimg.com/amplify_video_thumb/444/img/x.jpg' }, '444'],
    [{}, 'P'],
  ])('when id_str is missing (%j), then the id is recovered as %s', (extra, id) => {
    const { id_str: _ignored, ...withoutId } = photo;
    expect(normaliseMedia({ ...withoutId, ...extra }, 'post')?.id).toBe(id);
  });

  it('when the type is unknown or the image URL is missing, then it is dropped', () => {
    expect(normaliseMedia({ ...photo, type: 'audio' }, 'post')).toBeUndefined();
    expect(normaliseMedia({ type: 'photo', id_str: '1' }, 'post')).toBeUndefined();
    expect(normaliseMedia('photo', 'post')).toBeUndefined();
  });
});
