import { DEFAULT_MESSAGES, STATUS_BY_CODE, type ErrorCode } from '../../lib/errors/app-error';
import { CONTENT_REASONS } from '../twitter/twitter.types';

/** Errors a client of POST /twitter can receive, in the order they are checked. */
export const TWITTER_ERROR_CODES: ErrorCode[] = [
  'missing_api_key',
  'invalid_api_key',
  'not_premium',
  'rate_limited',
  'unsupported_media_type',
  'invalid_json',
  'payload_too_large',
  'bad_request',
  'url_required',
  'invalid_url',
  'unsupported_url',
  ...CONTENT_REASONS,
  'no_video',
  'live_broadcast',
  'audio_space',
  'upstream_bad_response',
  'upstream_unavailable',
  'shutting_down',
  'internal',
];

export function errorTable(codes: ErrorCode[]) {
  return codes.map((type) => ({ status: STATUS_BY_CODE[type], type, message: DEFAULT_MESSAGES[type] }));
}
