import type { JsonObject } from './json';

/** The x.com web-app bearer token every studied downloader sends (docs/x-upstream.md, "Guest token"). */
export const WEB_BEARER_TOKEN =
  'AAAAAAAAAAAAAAAAAAAAANRILgAAAAAAnNwIzUejRCOuH5E6I8xnZz4puTs%3D1Zv7ttfk8LF81IUq16cHjhLTvJu4FA33AGWWjCpTnA';

/**
 * Feature keys whose absence makes the simulator answer error 336. It is the intersection of the
 * feature sets sent by yt-dlp, FxEmbed, gallery-dl and cobalt (docs/x-upstream.md, "The GraphQL request"), so a client that copies
 * any of them passes, while a client that sends none (or nulls one) sees X's real failure mode.
 */
export const REQUIRED_FEATURES: readonly string[] = Object.freeze([
  'creator_subscriptions_tweet_preview_api_enabled',
  'freedom_of_speech_not_reach_fetch_enabled',
  'graphql_is_translatable_rweb_tweet_is_translatable_enabled',
  'longform_notetweets_consumption_enabled',
  'longform_notetweets_inline_media_enabled',
  'longform_notetweets_rich_text_read_enabled',
  'responsive_web_edit_tweet_api_enabled',
  'responsive_web_enhance_cards_enabled',
  'responsive_web_graphql_skip_user_profile_image_extensions_enabled',
  'responsive_web_graphql_timeline_navigation_enabled',
  'responsive_web_twitter_article_tweet_consumption_enabled',
  'standardized_nudges_misinfo',
  'tweet_awards_web_tipping_enabled',
  'tweet_with_visibility_results_prefer_gql_limited_actions_policy_enabled',
  'verified_phone_label_enabled',
  'view_counts_everywhere_api_enabled',
]);

/** The syndication `token` parameter, computed exactly as react-tweet and cobalt do (docs/x-upstream.md, "Syndication fallback"). */
export function syndicationToken(id: string): string {
  return ((Number(id) / 1e15) * Math.PI).toString(36).replace(/(0+|\.)/g, '');
}

/** X's v1.1-style error envelope: `{"errors":[{"code":N,"message":"…"}]}`. */
export function xError(code: number, message: string): JsonObject {
  return { errors: [{ code, message }] };
}

export const X_ERRORS = {
  invalidBearer: () => xError(89, 'Invalid or expired token.'),
  badGuestToken: () => xError(239, 'Bad guest token.'),
  rateLimited: () => xError(88, 'Rate limit exceeded.'),
  forbidden: () => xError(200, 'Forbidden.'),
  overCapacity: () => xError(130, 'Over capacity'),
  internal: () => xError(131, 'Internal error'),
} as const;

/** GraphQL-layer errors carry the richer shape X uses for validation failures. */
export function graphqlValidationError(code: number, message: string): JsonObject {
  const tracing = { trace_id: Math.floor(Math.random() * 2 ** 48).toString(16).padStart(16, '0') };
  return {
    errors: [
      {
        message,
        extensions: { name: 'BadRequestError', source: 'Client', code, kind: 'Validation', tracing },
        code,
        kind: 'Validation',
        name: 'BadRequestError',
        source: 'Client',
        tracing,
      },
    ],
  };
}
