/**
 * The one error type the API raises on purpose. Every code maps to exactly one HTTP status
 * (see STATUS_BY_CODE) and to the `error.type` field of the `{code:-1,...}` envelope.
 */
export const ERROR_CODES = [
  'url_required',
  'invalid_url',
  'unsupported_url',
  'invalid_json',
  'unsupported_media_type',
  'payload_too_large',
  'bad_request',
  'missing_api_key',
  'invalid_api_key',
  'not_premium',
  'unauthenticated',
  'invalid_credentials',
  'csrf_failed',
  'forbidden',
  'not_found',
  'route_not_found',
  'method_not_allowed',
  'conflict',
  'post_not_found',
  'protected_account',
  'suspended_account',
  'age_restricted',
  'no_video',
  'rate_limited',
  'too_many_attempts',
  'upstream_bad_response',
  'upstream_unavailable',
  'billing_not_configured',
  'billing_provider_error',
  // resilience (issue 7)
  'shutting_down',
  'request_timeout',
  // credits (modules/credits)
  'insufficient_credits',
  // issue 10 (fault drill 4): PostgreSQL unreachable or too slow for a request that needs it
  'database_unavailable',
  'internal',
  // account email links (issue 7)
  'email_not_verified',
  'invalid_token',
  'token_expired',
  'token_used',
  'wrong_password',
  // extraction: posts whose media is live, not a file (the id is in error.broadcast_id / space_id)
  'live_broadcast',
  'audio_space',
  // media links and conversion (issue 8)
  'no_media',
  'invalid_option',
  'output_too_long',
  'no_audio',
  'media_link_invalid',
  'media_link_expired',
  'media_host_not_allowed',
  'media_unavailable',
  'convert_failed',
  'convert_busy',
  'convert_account_busy',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  url_required: 400,
  invalid_url: 400,
  unsupported_url: 400,
  invalid_json: 400,
  unsupported_media_type: 400,
  payload_too_large: 400,
  bad_request: 400,
  missing_api_key: 401,
  invalid_api_key: 401,
  not_premium: 403,
  unauthenticated: 401,
  invalid_credentials: 401,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  post_not_found: 422,
  protected_account: 422,
  suspended_account: 422,
  age_restricted: 422,
  no_video: 422,
  rate_limited: 429,
  too_many_attempts: 429,
  upstream_bad_response: 502,
  upstream_unavailable: 503,
  billing_not_configured: 503,
  billing_provider_error: 502,
  shutting_down: 503,
  request_timeout: 408,
  // credits (modules/credits): 402 as in the Facebo/Soundc documents
  insufficient_credits: 402,
  database_unavailable: 503,
  internal: 500,
  email_not_verified: 403,
  invalid_token: 400,
  token_expired: 410,
  token_used: 410,
  wrong_password: 403,
  live_broadcast: 422,
  audio_space: 422,
  no_media: 422,
  invalid_option: 400,
  output_too_long: 400,
  no_audio: 422,
  media_link_invalid: 403,
  media_link_expired: 410,
  media_host_not_allowed: 400,
  media_unavailable: 502,
  convert_failed: 502,
  convert_busy: 503,
  convert_account_busy: 429,
};

/** The exact public messages of the TwitterDown v1 contract and our additions. */
export const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  url_required: 'URL parameter is required',
  invalid_url: 'Invalid Twitter/X URL format',
  unsupported_url: 'Short t.co links are not supported; paste the post URL (x.com/<user>/status/<id>)',
  invalid_json: 'Malformed JSON body',
  unsupported_media_type: 'Content-Type must be application/json',
  payload_too_large: 'Request body is too large',
  bad_request: 'Bad request',
  missing_api_key: 'Missing API key',
  invalid_api_key: 'Invalid API key',
  not_premium: 'API access is only available for premium users',
  unauthenticated: 'Please log in',
  invalid_credentials: 'Invalid email or password',
  csrf_failed: 'Invalid or missing CSRF token',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  route_not_found: 'Route not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  post_not_found: 'Post not found or deleted',
  protected_account: 'This post is from a protected account',
  suspended_account: 'This post is from a suspended account',
  age_restricted: 'This post is age-restricted and can only be viewed when logged in',
  no_video: 'No video found',
  rate_limited: 'Rate limit exceeded',
  too_many_attempts: 'Too many attempts, try again later',
  upstream_bad_response: 'Unexpected response from X',
  upstream_unavailable: 'X is unavailable or rate-limiting us, retry later',
  billing_not_configured: 'Billing is not configured on this server',
  billing_provider_error: 'The payment provider could not be reached, retry later',
  shutting_down: 'The server is restarting, retry',
  request_timeout: 'The request was not received in time',
  // credits (modules/credits): the exact message of the Facebo/Soundc documents
  insufficient_credits: 'Insufficient credits',
  database_unavailable: 'The database is unavailable, retry later',
  internal: 'Internal server error',
  email_not_verified: 'Confirm your email address first: sign up again with it to get a new link',
  invalid_token: 'This link is not valid',
  token_expired: 'This link has expired; ask for a new one',
  token_used: 'This link has already been used; ask for a new one',
  wrong_password: 'The current password is wrong',
  live_broadcast: 'This post is a live broadcast, not a video file',
  audio_space: 'This post is an audio Space, not a video',
  no_media: 'No media found in this post',
  invalid_option: 'Invalid conversion option',
  output_too_long: 'The requested output is too long',
  no_audio: 'This media has no audio track',
  media_link_invalid: 'Invalid download link (it was altered or not issued by this server)',
  media_link_expired: 'This download link has expired; request a new one from /download',
  media_host_not_allowed: 'Only media hosted on video.twimg.com and pbs.twimg.com can be fetched',
  media_unavailable: 'X did not serve this media file',
  convert_failed: 'The conversion failed',
  convert_busy: 'All conversion workers are busy, retry shortly',
  convert_account_busy: 'Too many conversions running for this account at once',
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Seconds; sent as Retry-After and error.retry_after. */
  readonly retryAfter: number | undefined;
  /** Extra, public, machine-readable details merged into `error`. */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    opts: { retryAfter?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message ?? DEFAULT_MESSAGES[code], { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = STATUS_BY_CODE[code];
    this.retryAfter = opts.retryAfter;
    this.details = opts.details;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
