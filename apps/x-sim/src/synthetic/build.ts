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

const cases: Record<string, JsonObject> = {
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
