import { parseTweetResult } from './graphql.parser';
import { expectTweet, summary } from './x-fixtures.test-helper';

function videoEntity(id: string, url = `https://t.co/v${id}`) {
  return {
    type: 'video', id_str: id, url,
    media_url_https: `https://pbs.twimg.com/ext_tw_video_thumb/${id}/pu/img/t.jpg`,
    original_info: { width: 1280, height: 720 },
    video_info: { duration_millis: 1000, variants: [{ bitrate: 800000, content_type: 'video/mp4', url: `https://video.twimg.com/ext_tw_video/${id}/pu/vid/1280x720/a.mp4?tag=12` }] },
  };
}

function photoEntity(id: string, url = `https://t.co/p${id}`) {
  return { type: 'photo', id_str: id, url, media_url_https: `https://pbs.twimg.com/media/K${id}.jpg`, original_info: { width: 100, height: 100 } };
}

function tweet(legacy: Record<string, unknown>, extra: Record<string, unknown> = {}, user: unknown = { legacy: { screen_name: 'alice' } }) {
  return { __typename: 'Tweet', rest_id: '5', core: { user_results: { result: user } }, legacy: { full_text: '', ...legacy }, ...extra };
}

function unifiedCard(card: unknown) {
  return { legacy: { name: 'unified_card', binding_values: [{ key: 'unified_card', value: { type: 'STRING', string_value: JSON.stringify(card) } }] } };
}

const parse = (result: unknown) => expectTweet(parseTweetResult(result, '5'));

describe('username', () => {
  it('when both core and legacy screen names exist, then core (the current schema) wins', () => {
    expect(parse(tweet({}, {}, { core: { screen_name: 'new' }, legacy: { screen_name: 'old' } })).username).toBe('new');
  });

  it('when the user sits under the singular user_result, then it is found', () => {
    const result = { ...tweet({}), core: { user_result: { result: { legacy: { screen_name: 'single' } } } } };
    expect(parse(result).username).toBe('single');
  });
});

describe('text', () => {
  it('when entities are escaped, then &amp; &lt; &gt; are decoded once', () => {
    expect(parse(tweet({ full_text: 'Tom &amp; Jerry &lt;3 &gt;_&lt; &amp;lt;b&amp;gt;' })).text).toBe('Tom & Jerry <3 >_< &lt;b&gt;');
  });

  it('when the text ends with media links and contains an author link, then only the media links go', () => {
    const result = tweet({
      full_text: 'read https://t.co/author then https://t.co/pA https://t.co/v1',
      extended_entities: { media: [photoEntity('A', 'https://t.co/pA'), videoEntity('1', 'https://t.co/v1')] },
    });
    expect(parse(result).text).toBe('read https://t.co/author then');
  });

  it('when a media link appears mid-text, then it stays (only the trailing one is X-generated)', () => {
    const result = tweet({ full_text: 'https://t.co/v1 is my video', extended_entities: { media: [videoEntity('1', 'https://t.co/v1')] } });
    expect(parse(result).text).toBe('https://t.co/v1 is my video');
  });
});

describe('media sources', () => {
  it('when extended_entities is missing, then entities.media is used', () => {
    expect(summary(parse(tweet({ entities: { media: [photoEntity('9')] } })).media)).toEqual([{ type: 'photo', id: '9', origin: 'post' }]);
  });

  it('when a media item is Unavailable, then it is skipped and the others kept', () => {
    const gone = { ...videoEntity('1'), ext_media_availability: { status: 'Unavailable' } };
    expect(summary(parse(tweet({ extended_entities: { media: [gone, videoEntity('2')] } })).media)).toEqual([{ type: 'video', id: '2', origin: 'post' }]);
  });

  it('when a retweet uses the plural key inside a visibility wrapper, then the original is used', () => {
    const original = tweet({ full_text: 'orig https://t.co/v7', extended_entities: { media: [videoEntity('7', 'https://t.co/v7')] } }, {}, { legacy: { screen_name: 'bob' } });
    const result = tweet({ full_text: 'RT @bob: orig', retweeted_status_results: { result: { __typename: 'TweetWithVisibilityResults', tweet: original } } });
    const parsed = parse(result);
    expect(parsed).toMatchObject({ username: 'bob', text: 'orig', statusId: '5' });
    expect(summary(parsed.media)).toEqual([{ type: 'video', id: '7', origin: 'retweet' }]);
  });

  it('when a retweeted original quotes a video, then that video is marked "quote"', () => {
    const quoted = tweet({ extended_entities: { media: [videoEntity('8')] } });
    const original = tweet({ extended_entities: { media: [photoEntity('1')] } }, { quoted_status_result: { result: quoted } });
    const parsed = parse(tweet({ retweeted_status_result: { result: original } }));
    expect(summary(parsed.media)).toEqual([{ type: 'photo', id: '1', origin: 'retweet' }, { type: 'video', id: '8', origin: 'quote' }]);
  });

  it('when the quoted post is a visibility wrapper with a video, then its media follow the post media', () => {
    const quoted = { __typename: 'TweetWithVisibilityResults', tweet: tweet({ extended_entities: { media: [videoEntity('3')] } }) };
    const parsed = parse(tweet({ extended_entities: { media: [photoEntity('1')] } }, { quoted_status_result: { result: quoted } }));
    expect(summary(parsed.media)).toEqual([{ type: 'photo', id: '1', origin: 'post' }, { type: 'video', id: '3', origin: 'quote' }]);
  });

  it('when the quoted post has a card video, then it counts as "quote", not "card"', () => {
    const card = unifiedCard({ component_objects: { media_1: { type: 'media', data: { id: 'm' } } }, media_entities: { m: videoEntity('4') } });
    const parsed = parse(tweet({}, { quoted_status_result: { result: tweet({}, { card }) } }));
    expect(summary(parsed.media)).toEqual([{ type: 'video', id: '4', origin: 'quote' }]);
  });

  it('when the post and its quote share a media id, then it is listed once, as the post’s', () => {
    const quoted = tweet({ extended_entities: { media: [videoEntity('6')] } });
    const parsed = parse(tweet({ extended_entities: { media: [videoEntity('6')] } }, { quoted_status_result: { result: quoted } }));
    expect(summary(parsed.media)).toEqual([{ type: 'video', id: '6', origin: 'post' }]);
  });

  it('when a unified card is a carousel, then media follow the components order, then unreferenced ones', () => {
    const card = unifiedCard({
      components: ['swipe_1'],
      component_objects: { swipe_1: { type: 'swipeable_media', data: { media_list: [{ id: 'b' }, { id: 'a' }] } } },
      media_entities: { a: photoEntity('10'), b: videoEntity('11'), c: photoEntity('12') },
    });
    expect(summary(parse(tweet({}, { card })).media).map((m) => m.id)).toEqual(['11', '10', '12']);
  });

  it('when the unified card JSON is broken, then the post still parses without card media', () => {
    const card = { legacy: { binding_values: [{ key: 'unified_card', value: { string_value: '{not json' } }] } };
    expect(parse(tweet({ extended_entities: { media: [photoEntity('1')] } }, { card })).media).toHaveLength(1);
  });
});

describe('possibly sensitive posts', () => {
  it('when a text-and-link post is possibly_sensitive and has no media, then it parses without media (sensitive is not evidence)', () => {
    const link = { url: 'https://t.co/x', expanded_url: 'https://example.com/a', display_url: 'example.com/a', indices: [5, 18] };
    const outcome = parseTweetResult(tweet({ possibly_sensitive: true, full_text: 'read https://t.co/x', entities: { urls: [link] } }), '5');
    expect(outcome).toMatchObject({ ok: true, tweet: { media: [], possiblySensitive: true } });
  });

  it('when the media sit behind the sensitive-media interstitial and none is visible, then it is age_restricted', () => {
    const wrapped = {
      __typename: 'TweetWithVisibilityResults',
      tweet: tweet({ possibly_sensitive: true, full_text: 'x' }),
      mediaVisibilityResults: { blurred_image_interstitial: { text: { text: 'Content warning: Adult content' } } },
    };
    expect(parseTweetResult(wrapped, '5')).toMatchObject({ ok: false, reason: 'age_restricted' });
  });

  it('when the interstitial is shown but the media are there, then the post parses with its media', () => {
    const wrapped = {
      __typename: 'TweetWithVisibilityResults',
      tweet: tweet({ possibly_sensitive: true, extended_entities: { media: [videoEntity('1')] } }),
      mediaVisibilityResults: { blurred_image_interstitial: { text: { text: 'Content warning' } } },
    };
    expect(parse(wrapped).media).toHaveLength(1);
  });

  it('when a possibly_sensitive post has media, then it parses normally and records the flag', () => {
    expect(parse(tweet({ possibly_sensitive: true, extended_entities: { media: [videoEntity('1')] } }))).toMatchObject({ possiblySensitive: true });
  });

  it('when a post without media is not sensitive, then it parses with empty media', () => {
    expect(parse(tweet({ possibly_sensitive: false }))).toMatchObject({ media: [], possiblySensitive: false });
  });
});
