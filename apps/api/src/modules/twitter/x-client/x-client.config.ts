/**
 * The one place for X's web-client constants: bearer token, the TweetResultByRestId and
 * TweetDetail queryIds, the
 * GraphQL variables/features/fieldToggles and the browser-like headers. These are perishable
 * (X rotates them); docs/x-upstream.md explains each one. Values follow FxEmbed's set.
 */
import { randomBytes } from 'node:crypto';

/** x.com web-app bearer: the token every studied downloader uses for guest GraphQL (docs/x-upstream.md, "Guest token"). */
export const WEB_BEARER_TOKEN =
  'AAAAAAAAAAAAAAAAAAAAANRILgAAAAAAnNwIzUejRCOuH5E6I8xnZz4puTs%3D1Zv7ttfk8LF81IUq16cHjhLTvJu4FA33AGWWjCpTnA';

export const TWEET_RESULT_QUERY_ID = 'f2sagi1jweVHFkTUIHzmMQ';
export const TWEET_RESULT_OPERATION = 'TweetResultByRestId';

export const CHROME_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/144.0.0.0 Safari/537.36';

export function tweetResultVariables(statusId: string): Record<string, unknown> {
  return { withCommunity: false, includePromotedContent: false, withVoice: false, tweetId: statusId };
}

export const TWEET_RESULT_FEATURES: Readonly<Record<string, boolean>> = Object.freeze({
  rweb_video_screen_enabled: false,
  profile_label_improvements_pcf_label_in_post_enabled: true,
  responsive_web_profile_redirect_enabled: false,
  rweb_tipjar_consumption_enabled: false,
  verified_phone_label_enabled: false,
  creator_subscriptions_tweet_preview_api_enabled: true,
  responsive_web_graphql_timeline_navigation_enabled: true,
  responsive_web_graphql_skip_user_profile_image_extensions_enabled: false,
  premium_content_api_read_enabled: false,
  communities_web_enable_tweet_community_results_fetch: true,
  c9s_tweet_anatomy_moderator_badge_enabled: true,
  responsive_web_grok_analyze_button_fetch_trends_enabled: false,
  responsive_web_grok_analyze_post_followups_enabled: true,
  responsive_web_jetfuel_frame: true,
  responsive_web_grok_share_attachment_enabled: true,
  responsive_web_grok_annotations_enabled: true,
  articles_preview_enabled: true,
  responsive_web_edit_tweet_api_enabled: true,
  graphql_is_translatable_rweb_tweet_is_translatable_enabled: true,
  view_counts_everywhere_api_enabled: true,
  longform_notetweets_consumption_enabled: true,
  responsive_web_twitter_article_tweet_consumption_enabled: true,
  content_disclosure_indicator_enabled: true,
  content_disclosure_ai_generated_indicator_enabled: true,
  responsive_web_grok_show_grok_translated_post: true,
  responsive_web_grok_analysis_button_from_backend: true,
  post_ctas_fetch_enabled: true,
  freedom_of_speech_not_reach_fetch_enabled: true,
  standardized_nudges_misinfo: true,
  tweet_with_visibility_results_prefer_gql_limited_actions_policy_enabled: true,
  longform_notetweets_rich_text_read_enabled: true,
  longform_notetweets_inline_media_enabled: true,
  responsive_web_grok_image_annotation_enabled: true,
  responsive_web_grok_imagine_annotation_enabled: true,
  responsive_web_grok_community_note_auto_translation_is_enabled: true,
  responsive_web_enhance_cards_enabled: false,
  tweet_awards_web_tipping_enabled: false,
});

export const TWEET_RESULT_FIELD_TOGGLES: Readonly<Record<string, boolean>> = Object.freeze({
  withArticleRichContentState: true,
  withArticlePlainText: false,
  withGrokAnalyze: false,
  withDisallowedReplyControls: false,
});

/** Path + query of a GraphQL GET (relative to the API base URL): each parameter is a JSON string. */
function graphqlPath(queryId: string, operation: string, params: { variables: object; features: object; fieldToggles: object }): string {
  const qs = new URLSearchParams({
    variables: JSON.stringify(params.variables),
    features: JSON.stringify(params.features),
    fieldToggles: JSON.stringify(params.fieldToggles),
  });
  return `/graphql/${queryId}/${operation}?${qs.toString()}`;
}

/** Path + query of the TweetResultByRestId GET (relative to the API base URL). */
export function tweetResultPath(statusId: string): string {
  return graphqlPath(TWEET_RESULT_QUERY_ID, TWEET_RESULT_OPERATION, {
    variables: tweetResultVariables(statusId),
    features: TWEET_RESULT_FEATURES,
    fieldToggles: TWEET_RESULT_FIELD_TOGGLES,
  });
}

/**
 * TweetDetail: the fallback operation when TweetResultByRestId fails or has no media. cobalt
 * sends it with a guest token (docs/x-upstream.md, "TweetDetail"); its queryId, variables, features and toggles are
 * cobalt's. The answer is a conversation; the post is the entry `tweet-<id>`.
 */
export const TWEET_DETAIL_QUERY_ID = '4Siu98E55GquhG52zHdY5w';
export const TWEET_DETAIL_OPERATION = 'TweetDetail';

export function tweetDetailVariables(statusId: string): Record<string, unknown> {
  return {
    focalTweetId: statusId,
    with_rux_injections: false,
    rankingMode: 'Relevance',
    includePromotedContent: true,
    withCommunity: true,
    withQuickPromoteEligibilityTweetFields: true,
    withBirdwatchNotes: true,
    withVoice: true,
  };
}

export const TWEET_DETAIL_FEATURES: Readonly<Record<string, boolean>> = Object.freeze({
  rweb_video_screen_enabled: false,
  payments_enabled: false,
  rweb_xchat_enabled: false,
  profile_label_improvements_pcf_label_in_post_enabled: true,
  rweb_tipjar_consumption_enabled: true,
  verified_phone_label_enabled: false,
  creator_subscriptions_tweet_preview_api_enabled: true,
  responsive_web_graphql_timeline_navigation_enabled: true,
  responsive_web_graphql_skip_user_profile_image_extensions_enabled: false,
  premium_content_api_read_enabled: false,
  communities_web_enable_tweet_community_results_fetch: true,
  c9s_tweet_anatomy_moderator_badge_enabled: true,
  responsive_web_grok_analyze_button_fetch_trends_enabled: false,
  responsive_web_grok_analyze_post_followups_enabled: true,
  responsive_web_jetfuel_frame: true,
  responsive_web_grok_share_attachment_enabled: true,
  articles_preview_enabled: true,
  responsive_web_edit_tweet_api_enabled: true,
  graphql_is_translatable_rweb_tweet_is_translatable_enabled: true,
  view_counts_everywhere_api_enabled: true,
  longform_notetweets_consumption_enabled: true,
  responsive_web_twitter_article_tweet_consumption_enabled: true,
  tweet_awards_web_tipping_enabled: false,
  responsive_web_grok_show_grok_translated_post: false,
  responsive_web_grok_analysis_button_from_backend: true,
  creator_subscriptions_quote_tweet_preview_enabled: false,
  freedom_of_speech_not_reach_fetch_enabled: true,
  standardized_nudges_misinfo: true,
  tweet_with_visibility_results_prefer_gql_limited_actions_policy_enabled: true,
  longform_notetweets_rich_text_read_enabled: true,
  longform_notetweets_inline_media_enabled: true,
  responsive_web_grok_image_annotation_enabled: true,
  responsive_web_grok_imagine_annotation_enabled: true,
  responsive_web_grok_community_note_auto_translation_is_enabled: false,
  responsive_web_enhance_cards_enabled: false,
});

export const TWEET_DETAIL_FIELD_TOGGLES: Readonly<Record<string, boolean>> = Object.freeze({
  withArticleRichContentState: true,
  withArticlePlainText: false,
  withGrokAnalyze: false,
  withDisallowedReplyControls: false,
});

/** Path + query of the TweetDetail GET (relative to the API base URL). */
export function tweetDetailPath(statusId: string): string {
  return graphqlPath(TWEET_DETAIL_QUERY_ID, TWEET_DETAIL_OPERATION, {
    variables: tweetDetailVariables(statusId),
    features: TWEET_DETAIL_FEATURES,
    fieldToggles: TWEET_DETAIL_FIELD_TOGGLES,
  });
}

export const GUEST_ACTIVATE_PATH = '/1.1/guest/activate.json';

/** Headers a Chrome tab on x.com sends to api.x.com; why each is sent: docs/x-upstream.md. */
export function browserHeaders(): Record<string, string> {
  return {
    'user-agent': CHROME_USER_AGENT,
    authorization: `Bearer ${WEB_BEARER_TOKEN}`,
    accept: '*/*',
    'accept-language': 'en-US,en;q=0.9',
    'content-type': 'application/json',
    origin: 'https://x.com',
    referer: 'https://x.com/',
    'sec-ch-ua': '"Not(A:Brand";v="8", "Chromium";v="144", "Google Chrome";v="144"',
    'sec-ch-ua-mobile': '?0',
    'sec-ch-ua-platform': '"Windows"',
    'sec-fetch-site': 'same-site',
    'sec-fetch-mode': 'cors',
    'sec-fetch-dest': 'empty',
    'x-twitter-active-user': 'yes',
    'x-twitter-client-language': 'en',
  };
}

/** Guest headers for GraphQL: guest token, guest_id cookies, and a random ct0 echoed as x-csrf-token. */
export function guestGraphqlHeaders(guestToken: string): Record<string, string> {
  const ct0 = randomBytes(16).toString('hex');
  const guestId = encodeURIComponent(`v1:${guestToken}`);
  return {
    ...browserHeaders(),
    'x-guest-token': guestToken,
    'x-csrf-token': ct0,
    cookie: `guest_id_ads=${guestId}; guest_id_marketing=${guestId}; guest_id=${guestId}; ct0=${ct0}; gt=${guestToken}`,
  };
}

/** Syndication token as computed by the embed widget (docs/x-upstream.md, "Syndication fallback"; vectors from yt-dlp PR #12107). */
export function syndicationToken(statusId: string): string {
  const token = ((Number(statusId) / 1e15) * Math.PI).toString(36).replace(/(0+|\.)/g, '');
  return token === '' ? '0' : token;
}

export function syndicationPath(statusId: string): string {
  const qs = new URLSearchParams({ id: statusId, token: syndicationToken(statusId), lang: 'en' });
  return `/tweet-result?${qs.toString()}`;
}

export function syndicationHeaders(): Record<string, string> {
  return {
    'user-agent': CHROME_USER_AGENT,
    accept: 'application/json',
    'accept-language': 'en-US,en;q=0.9',
    origin: 'https://platform.twitter.com',
    referer: 'https://platform.twitter.com/',
  };
}

/** X's video host, where player cards' VMAP documents live (parse/card.ts, card-vmap.ts). */
export const X_VIDEO_ORIGIN = 'https://video.twimg.com';

/** A VMAP is fetched as x.com's video player does: a plain GET from an x.com page. */
export function vmapHeaders(): Record<string, string> {
  return {
    'user-agent': CHROME_USER_AGENT,
    accept: 'application/xml, text/xml, */*',
    'accept-language': 'en-US,en;q=0.9',
    origin: 'https://x.com',
    referer: 'https://x.com/',
  };
}

/**
 * A broadcast's replay (yt-dlp's TwitterBroadcastIE, with the guest token): show.json gives the
 * broadcast's `media_key` and `state`, live_video_stream/status its HLS playlist (`source.location`).
 */
export function broadcastShowPath(broadcastId: string): string {
  return `/1.1/broadcasts/show.json?ids=${encodeURIComponent(broadcastId)}`;
}

export function liveStreamStatusPath(mediaKey: string): string {
  const query = new URLSearchParams({ client: 'web', use_syndication_guest_id: 'false', cookie_set_host: 'x.com' });
  return `/1.1/live_video_stream/status/${encodeURIComponent(mediaKey)}?${query.toString()}`;
}
