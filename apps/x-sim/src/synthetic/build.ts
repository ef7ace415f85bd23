/**
 * Writes the SYNTHETIC fixtures (apps/x-sim/fixtures/synthetic/*-9920NN.json): hand-written posts
 * in X's GraphQL schema (docs/x-upstream.md, "Reading the answer"), with made-up users, texts and media URLs.
 * Nothing here is copied from a recorded response. Run it after changing a case:
 *   npx tsx apps/x-sim/src/synthetic/build.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Json, JsonObject } from '../json';

const OUT = path.join(__dirname, '..', '..', 'fixtures', 'synthetic');
const CREATED = 'Mon Mar 03 12:00:00 +0000 2025';

function user(screenName: string, restId = '992000'): JsonObject {
  return {
    result: {
      __typename: 'User',
      rest_id: restId,
      is_blue_verified: false,
      core: { screen_name: screenName, name: `Sim ${screenName}`, created_at: CREATED },
      avatar: { image_url: `https://pbs.twimg.com/profile_images/${restId}/sim_normal.jpg` },
      legacy: { screen_name: screenName, name: `Sim ${screenName}`, followers_count: 1, verified: false },
    },
  };
}

function video(mediaId: string, opts: { amplify?: boolean; width?: number; height?: number; url?: string } = {}): JsonObject {
  const kind = opts.amplify ? 'amplify_video' : 'ext_tw_video';
  const base = `https://video.twimg.com/${kind}/${mediaId}/pu/vid/avc1`;
  const w = opts.width ?? 1280;
  const h = opts.height ?? 720;
  return {
    display_url: 'pic.x.com/sim',
    expanded_url: `https://x.com/sim/status/${mediaId}/video/1`,
    id_str: mediaId,
    media_key: `${opts.amplify ? 13 : 7}_${mediaId}`,
    media_url_https: `https://pbs.twimg.com/${kind}_thumb/${mediaId}/pu/img/SimThumb${mediaId}.jpg`,
    type: 'video',
    url: opts.url ?? 'https://t.co/simmedia01',
    original_info: { width: w, height: h },
    sizes: { large: { w, h, resize: 'fit' } },
    video_info: {
      aspect_ratio: [16, 9],
      duration_millis: 2000,
      variants: [
        { content_type: 'application/x-mpegURL', url: `https://video.twimg.com/${kind}/${mediaId}/pu/pl/SimPlaylist.m3u8?tag=12` },
        { bitrate: 256000, content_type: 'video/mp4', url: `${base}/480x270/SimLow.mp4?tag=12` },
        { bitrate: 2176000, content_type: 'video/mp4', url: `${base}/${w}x${h}/SimHigh.mp4?tag=12` },
        { bitrate: 832000, content_type: 'video/mp4', url: `${base}/640x360/SimMid.mp4?tag=12` },
      ],
    },
    ext_media_availability: { status: 'Available' },
  };
}

function photo(mediaId: string, url = 'https://t.co/simmedia01'): JsonObject {
  return {
    display_url: 'pic.x.com/sim',
    expanded_url: `https://x.com/sim/status/${mediaId}/photo/1`,
    id_str: mediaId,
    media_key: `3_${mediaId}`,
    media_url_https: `https://pbs.twimg.com/media/Sim${mediaId}.jpg`,
    type: 'photo',
    url,
    original_info: { width: 1200, height: 800 },
    sizes: { large: { w: 1200, h: 800, resize: 'fit' } },
    ext_media_availability: { status: 'Available' },
  };
}

interface TweetSpec {
  id: string;
  screenName: string;
  text: string;
  media?: JsonObject[];
  urls?: JsonObject[];
  sensitive?: boolean;
  card?: JsonObject;
  extra?: JsonObject;
  legacyExtra?: JsonObject;
}

function tweet(spec: TweetSpec): JsonObject {
  const media = spec.media ?? [];
  const legacy: JsonObject = {
    created_at: CREATED,
    conversation_id_str: spec.id,
    id_str: spec.id,
    user_id_str: '992000',
    full_text: spec.text,
    display_text_range: [0, spec.text.length],
    lang: 'en',
    favorite_count: 0,
    retweet_count: 0,
    reply_count: 0,
    quote_count: 0,
    is_quote_status: false,
    entities: { hashtags: [], symbols: [], user_mentions: [], urls: spec.urls ?? [], ...(media.length > 0 ? { media } : {}) },
    ...(media.length > 0 ? { extended_entities: { media } } : {}),
    ...(spec.sensitive === undefined ? {} : { possibly_sensitive: spec.sensitive, possibly_sensitive_editable: true }),
    ...spec.legacyExtra,
  };
  return {
    __typename: 'Tweet',
    rest_id: spec.id,
    core: { user_results: user(spec.screenName) },
    edit_control: { edit_tweet_ids: [spec.id], editable_until_msecs: '1741006800000', is_edit_eligible: false, edits_remaining: '5' },
    is_translatable: false,
    ...(spec.card ? { card: spec.card } : {}),
    ...spec.extra,
    legacy,
  };
}

function card(name: string, bindings: Record<string, JsonObject>): JsonObject {
  return {
    rest_id: `card://${name.replace(/\W/g, '')}`,
    legacy: {
      name,
      url: 'https://t.co/simcard01',
      binding_values: Object.entries(bindings).map(([key, value]) => ({ key, value })),
    },
  };
}
const s = (value: string): JsonObject => ({ type: 'STRING', string_value: value });
const img = (url: string, width = 1280, height = 720): JsonObject => ({ type: 'IMAGE', image_value: { url, width, height } });

const wrapRest = (result: Json): JsonObject => ({ data: { tweetResult: { result } } });

const SIM_LINK = { url: 'https://t.co/simlink01', expanded_url: 'https://example.com/sim-article', display_url: 'example.com/sim-article', indices: [40, 63] };

const videoTweet = tweet({
  id: '992010',
  screenName: 'sim_video',
  text: 'A synthetic video post for offline demos https://t.co/simlink01 https://t.co/simmedia01',
  urls: [SIM_LINK],
  media: [video('992010000000000001')],
});

const articleImage = (mediaId: string, width = 1600, height = 900): JsonObject => ({
  media_id: mediaId,
  media_key: `3_${mediaId}`,
  media_info: { __typename: 'ApiImage', original_img_url: `https://pbs.twimg.com/media/SimArticle${mediaId}.jpg`, original_img_width: width, original_img_height: height },
});

function articleVideo(mediaId: string, typename: 'ApiVideo' | 'ApiGif' = 'ApiVideo'): JsonObject {
  const kind = typename === 'ApiGif' ? 'tweet_video' : 'amplify_video';
  const variants: JsonObject[] =
    typename === 'ApiGif'
      ? [{ bit_rate: 0, content_type: 'video/mp4', url: `https://video.twimg.com/tweet_video/SimArticleGif${mediaId}.mp4` }]
      : [
          { content_type: 'application/x-mpegURL', url: `https://video.twimg.com/${kind}/${mediaId}/pl/SimArticle.m3u8?tag=16` },
          { bit_rate: 832000, content_type: 'video/mp4', url: `https://video.twimg.com/${kind}/${mediaId}/vid/avc1/640x360/SimArticleMid.mp4?tag=16` },
          { bit_rate: 2176000, content_type: 'video/mp4', url: `https://video.twimg.com/${kind}/${mediaId}/vid/avc1/1280x720/SimArticleHigh.mp4?tag=16` },
        ];
  return {
    media_id: mediaId,
    media_key: `${typename === 'ApiGif' ? 16 : 13}_${mediaId}`,
    media_info: {
      __typename: typename,
      ...(typename === 'ApiVideo' ? { duration_millis: 2000 } : {}),
      aspect_ratio: [16, 9],
      preview_image: { original_img_url: `https://pbs.twimg.com/${kind}_thumb/${mediaId}/img/SimArticlePreview.jpg`, original_img_width: 1280, original_img_height: 720 },
      variants,
    },
  };
}

/** A Draft.js block; `entity` is the entityMap key of the MEDIA entity an atomic block shows. */
const block = (key: string, type: string, text: string, entity?: number): JsonObject => ({
  key,
  type,
  text,
  data: {},
  depth: 0,
  inlineStyleRanges: [],
  entityRanges: entity === undefined ? [] : [{ key: entity, offset: 0, length: 1 }],
});
const mediaEntity = (key: number, mediaId: string): JsonObject => ({
  key: String(key),
  value: { type: 'MEDIA', mutability: 'Immutable', data: { caption: '', mediaItems: [{ localMediaId: `local${String(key)}`, mediaCategory: 'DraftTweetVideo', mediaId }] } },
});

const PROMO_VMAP = 'https://video.twimg.com/amplify_video/vmap/992022000000000001.vmap';

const cases: Record<string, JsonObject> = {
  'card-promo-video-convo-992022.json': wrapRest(
    tweet({
      id: '992022',
      screenName: 'sim_promo',
      text: 'a promoted video conversation card https://t.co/simcard01',
      card: card('promo_video_convo', {
        title: s('Sim promo'),
        player_url: s(PROMO_VMAP),
        player_stream_url: s(PROMO_VMAP),
        player_stream_content_type: s('video/mp4; codecs="avc1.42E01E, mp4a.40.2"'),
        player_width: s('16'),
        player_height: s('9'),
        player_image_original: img('https://pbs.twimg.com/amplify_video_thumb/992022000000000001/img/SimPromo.jpg'),
        content_duration_seconds: s('2'),
        card_id: s('992022000000000009'),
      }),
    }),
  ),
  'card-amplify-992023.json': wrapRest(
    tweet({
      id: '992023',
      screenName: 'sim_amplify',
      text: 'an amplify card https://t.co/simcard01',
      card: card('amplify', {
        amplify_content_id: s('992023000000000001'),
        amplify_url_vmap: s('https://video.twimg.com/amplify_video/vmap/992023000000000001.vmap'),
        player_image_original: img('https://pbs.twimg.com/amplify_video_thumb/992023000000000001/img/SimAmplify.jpg'),
        content_duration_seconds: s('2'),
      }),
    }),
  ),
  'unifiedcard-mixed-media-multidest-992024.json': wrapRest(
    tweet({
      id: '992024',
      screenName: 'sim_ads',
      text: 'a multi-destination carousel: video, photo, video',
      card: card('unified_card', {
        unified_card: s(
          JSON.stringify({
            type: 'mixed_media_multi_dest_carousel_website',
            // No `components`: the slides give the order. The objects are keyed out of order on purpose.
            layout: { type: 'swipeable', data: { slides: [['media_1', 'details_1'], ['media_2', 'details_2'], ['media_3', 'details_3']] } },
            component_objects: {
              media_3: { type: 'media', data: { id: '13_992024000000000003', destination: 'browser_3' } },
              details_1: { type: 'details', data: { title: { content: 'one' }, destination: 'browser_1' } },
              media_2: { type: 'media', data: { id: '3_992024000000000002', destination: 'browser_2' } },
              details_3: { type: 'details', data: { title: { content: 'three' }, destination: 'browser_3' } },
              media_1: { type: 'media', data: { id: '13_992024000000000001', destination: 'browser_1' } },
              details_2: { type: 'details', data: { title: { content: 'two' }, destination: 'browser_2' } },
            },
            destination_objects: {
              browser_1: { type: 'browser', data: { url_data: { url: 'https://example.com/1', vanity: 'example.com' } } },
              browser_2: { type: 'browser', data: { url_data: { url: 'https://example.com/2', vanity: 'example.com' } } },
              browser_3: { type: 'browser', data: { url_data: { url: 'https://example.com/3', vanity: 'example.com' } } },
            },
            media_entities: {
              '13_992024000000000003': video('992024000000000003', { amplify: true, width: 720, height: 1280 }),
              '3_992024000000000002': photo('992024000000000002'),
              '13_992024000000000001': video('992024000000000001', { amplify: true }),
            },
          }),
        ),
      }),
    }),
  ),
  'unifiedcard-video-app-992025.json': wrapRest(
    tweet({
      id: '992025',
      screenName: 'sim_app',
      text: 'an app card with a video',
      card: card('unified_card', {
        unified_card: s(
          JSON.stringify({
            type: 'video_app',
            components: ['media_1', 'app_store_details_1'],
            component_objects: {
              media_1: { type: 'media', data: { id: '13_992025000000000001', destination: 'app_store_1' } },
              app_store_details_1: { type: 'app_store_details', data: { app_id: 'sim.app', destination: 'app_store_1' } },
            },
            destination_objects: { app_store_1: { type: 'app_store', data: { app_id: 'sim.app', media_id: '13_992025000000000001' } } },
            app_store_data: { 'sim.app': [{ type: 'android_app', id: 'sim.app', title: { content: 'Sim app' } }] },
            media_entities: { '13_992025000000000001': video('992025000000000001', { amplify: true }) },
          }),
        ),
      }),
    }),
  ),
  'article-body-media-992026.json': wrapRest(
    tweet({
      id: '992026',
      screenName: 'sim_writer',
      text: 'https://t.co/simarticle',
      urls: [{ url: 'https://t.co/simarticle', expanded_url: 'http://x.com/i/article/992026000000000000', display_url: 'x.com/i/article/9920…', indices: [0, 23] }],
      extra: {
        article: {
          article_results: {
            result: {
              rest_id: '992026000000000000',
              title: 'A synthetic article with media in its body',
              preview_text: 'An intro paragraph.',
              cover_media: articleImage('992026000000000001', 1600, 640),
              // Listed in another order than the body uses them: the body decides.
              media_entities: [
                articleVideo('992026000000000004', 'ApiGif'),
                articleImage('992026000000000003'),
                articleVideo('992026000000000002'),
                articleVideo('992026000000000005'),
              ],
              content_state: {
                blocks: [
                  block('b1', 'unstyled', 'An intro paragraph.'),
                  block('b2', 'atomic', ' ', 0),
                  block('b3', 'unstyled', 'Between two media.'),
                  block('b4', 'atomic', ' ', 1),
                  block('b5', 'atomic', ' ', 2),
                  block('b6', 'unstyled', 'The end.'),
                ],
                entityMap: [mediaEntity(0, '992026000000000002'), mediaEntity(1, '992026000000000003'), mediaEntity(2, '992026000000000004')],
              },
            },
          },
        },
      },
    }),
  ),
  'video-992010.json': wrapRest(videoTweet),
  'photo-video-photo-992011.json': wrapRest(
    tweet({
      id: '992011',
      screenName: 'sim_mixed',
      text: 'photo, video, photo (X links the video as /video/2) https://t.co/simmedia01',
      media: [photo('992011000000000001'), video('992011000000000002', { amplify: true }), photo('992011000000000003')],
    }),
  ),
  'sensitive-link-nomedia-992012.json': wrapRest(
    tweet({
      id: '992012',
      screenName: 'sim_link',
      text: 'a link post marked sensitive, no media: https://t.co/simlink01',
      urls: [{ ...SIM_LINK, indices: [40, 63] }],
      sensitive: true,
      card: card('summary_large_image', { title: s('Sim article'), card_url: s('https://t.co/simlink01') }),
    }),
  ),
  'tweetdetail-only-video-992013.json': wrapRest(
    tweet({ id: '992013', screenName: 'sim_detail', text: 'video served only by TweetDetail https://t.co/simmedia01', media: [video('992013000000000001')] }),
  ),
  'card-poll2choice-video-992014.json': wrapRest(
    tweet({
      id: '992014',
      screenName: 'sim_poll',
      text: 'which one? (a poll with a video)',
      card: card('poll2choice_video', {
        choice1_label: s('this'),
        choice2_label: s('that'),
        player_content_id: s('992014000000000001'),
        player_hls_url: s('https://video.twimg.com/amplify_video/992014000000000001/pl/SimPoll.m3u8?tag=11'),
        player_stream_url: s('https://video.twimg.com/amplify_video/vmap/992014000000000001.vmap'),
        player_image_original: img('https://pbs.twimg.com/amplify_video_thumb/992014000000000001/img/SimPoll.jpg'),
        content_duration_seconds: s('2'),
      }),
    }),
  ),
  'unifiedcard-video-carousel-992015.json': wrapRest(
    tweet({
      id: '992015',
      screenName: 'sim_ads',
      text: 'a carousel of two videos in a unified card',
      card: card('unified_card', {
        unified_card: s(
          JSON.stringify({
            type: 'video_carousel_website',
            components: ['swipeable_media_1', 'details_1'],
            component_objects: {
              swipeable_media_1: { type: 'swipeable_media', data: { media_list: [{ id: '13_992015000000000001' }, { id: '13_992015000000000002' }] } },
              details_1: { type: 'details', data: { title: { content: 'Sim' } } },
            },
            media_entities: {
              '13_992015000000000001': video('992015000000000001', { amplify: true }),
              '13_992015000000000002': video('992015000000000002', { amplify: true, width: 720, height: 1280 }),
            },
          }),
        ),
      }),
    }),
  ),
  'card-broadcast-992016.json': wrapRest(
    tweet({
      id: '992016',
      screenName: 'sim_live',
      text: 'we are live https://t.co/simcard01',
      card: card('745291183405076480:broadcast', {
        broadcast_id: s('1SimBroadcastX'),
        broadcast_url: s('https://twitter.com/i/broadcasts/1SimBroadcastX'),
        broadcast_media_key: s('28_992016000000000001'),
        broadcast_state: s('ENDED'),
        broadcast_title: s('A synthetic broadcast'),
        broadcast_thumbnail_original: img('https://pbs.twimg.com/card_img/992016000000000001/SimLive?format=jpg&name=orig'),
      }),
    }),
  ),
  'card-broadcast-running-992027.json': wrapRest(
    tweet({
      id: '992027',
      screenName: 'sim_live',
      text: 'live right now https://t.co/simcard01',
      card: card('745291183405076480:broadcast', {
        broadcast_id: s('1SimLiveNowX1'),
        broadcast_url: s('https://twitter.com/i/broadcasts/1SimLiveNowX1'),
        broadcast_media_key: s('28_992027000000000001'),
        broadcast_state: s('RUNNING'),
        broadcast_title: s('A synthetic broadcast still running'),
      }),
    }),
  ),
  'card-audiospace-992017.json': wrapRest(
    tweet({
      id: '992017',
      screenName: 'sim_space',
      text: 'join our Space https://t.co/simcard01',
      card: card('3691233323:audiospace', { id: s('1SimSpaceXyZ'), narrow_cast_space_type: s('0') }),
    }),
  ),
  'retweet-of-video-992019.json': wrapRest(
    tweet({
      id: '992019',
      screenName: 'sim_retweeter',
      text: 'RT @sim_video: A synthetic video post for offline demos https://t.co/simlink01 …',
      legacyExtra: { retweeted_status_result: { result: videoTweet } },
    }),
  ),
  'twvr-interstitial-nomedia-992020.json': wrapRest({
    __typename: 'TweetWithVisibilityResults',
    tweet: tweet({ id: '992020', screenName: 'sim_nsfw', text: 'media hidden behind the sensitive-media interstitial', sensitive: true }),
    mediaVisibilityResults: {
      blurred_image_interstitial: {
        opacity: 1,
        text: { text: 'Content warning: Adult content', entities: [], rtl: false },
        title: { text: 'Content warning: Adult content', entities: [], rtl: false },
      },
    },
  }),
  'twvr-video-992006.json': wrapRest({
    __typename: 'TweetWithVisibilityResults',
    tweet: tweet({ id: '992006', screenName: 'sim_limited', text: 'a video post with reply limits https://t.co/simmedia01', media: [video('992006000000000001')] }),
    limitedActionResults: { limited_actions: [{ action: 'Reply', prompt: { __typename: 'CtaLimitedActionPrompt', headline: { text: 'Who can reply?', entities: [] } } }] },
  }),
  'text-only-992021.json': wrapRest(tweet({ id: '992021', screenName: 'sim_text', text: 'just a synthetic text post &amp; nothing else' })),
  'sensitive-nomedia-992007.json': wrapRest(
    tweet({ id: '992007', screenName: 'sim_sensitive', text: 'a text post marked sensitive, with nothing attached', sensitive: true }),
  ),
};

for (const [file, body] of Object.entries(cases)) {
  writeFileSync(path.join(OUT, file), `${JSON.stringify(body, null, 2)}\n`);
}
console.log(`wrote ${Object.keys(cases).length} synthetic fixtures to ${OUT}`);
