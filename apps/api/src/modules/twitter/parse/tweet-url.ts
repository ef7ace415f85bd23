import type { TweetRef } from '../twitter.types';

/** Hosts whose post URLs we accept (X itself and the common embed mirrors). Exported for the docs. */
export const ACCEPTED_HOSTS: readonly string[] = [
  'x.com',
  'www.x.com',
  'mobile.x.com',
  'm.x.com',
  'twitter.com',
  'www.twitter.com',
  'mobile.twitter.com',
  'm.twitter.com',
  'fxtwitter.com',
  'www.fxtwitter.com',
  'vxtwitter.com',
  'www.vxtwitter.com',
  'fixupx.com',
  'www.fixupx.com',
  'fixvx.com',
  'www.fixvx.com',
];

const SHORTENER_HOSTS: readonly string[] = ['t.co', 'www.t.co'];

/** Far above any real post URL; bounds the work done on hostile input. */
export const MAX_URL_LENGTH = 2048;

const UINT64_MAX = 18446744073709551615n;
// No leading zeros: a status id has one spelling, which keeps cache keys canonical.
const STATUS_ID = /^(?:0|[1-9]\d{0,19})$/;
const SCREEN_NAME = /^[A-Za-z0-9_]{1,15}$/;
const MEDIA_INDEX = /^[1-9]\d?$/;
const SHORT_CODE = /^[A-Za-z0-9]+$/;
// WHATWG URL silently drops tabs/newlines and maps "\" to "/" for http(s); refusing them up front
// means the string we validate is the string the user sent.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const FORBIDDEN_CHARS = /[\s\\\u0000-\u001f\u007f]/;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const HTTP_SCHEME = /^https?:\/\//i;

export type TweetUrlResult =
  | { ok: true; ref: TweetRef }
  | { ok: false; code: 'url_required' | 'invalid_url' | 'unsupported_url' };

const INVALID = { ok: false, code: 'invalid_url' } as const;

export function parseTweetUrl(input: unknown): TweetUrlResult {
  if (typeof input !== 'string') return { ok: false, code: 'url_required' };
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, code: 'url_required' };
  if (trimmed.length > MAX_URL_LENGTH || FORBIDDEN_CHARS.test(trimmed)) return INVALID;

  const candidate = withScheme(trimmed);
  if (candidate === undefined || !hasPlainAuthority(candidate)) return INVALID;

  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return INVALID;
  }

  if (SHORTENER_HOSTS.includes(url.hostname)) {
    const segments = pathSegments(url.pathname);
    return segments?.length === 1 && SHORT_CODE.test(segments[0] ?? '')
      ? { ok: false, code: 'unsupported_url' }
      : INVALID;
  }
  if (!ACCEPTED_HOSTS.includes(url.hostname)) return INVALID;

  const segments = pathSegments(url.pathname);
  if (segments === undefined) return INVALID;
  const ref = refFromSegments(segments);
  return ref === undefined ? INVALID : { ok: true, ref };
}

function withScheme(value: string): string | undefined {
  if (HTTP_SCHEME.test(value)) return value;
  // Anything else that looks like "scheme:" (javascript:, ftp:, "x.com:443") is refused;
  // a bare "x.com/..." gets https.
  if (HAS_SCHEME.test(value) || value.startsWith('/')) return undefined;
  return `https://${value}`;
}

/** Refuses user-info ("x.com@evil.com") and explicit ports, which URL would otherwise normalise away. */
function hasPlainAuthority(candidate: string): boolean {
  const rest = candidate.replace(HTTP_SCHEME, '');
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  return authority !== '' && !authority.includes('@') && !authority.includes(':');
}

/** Path segments without the one optional trailing slash; undefined on empty inner segments ("//"). */
function pathSegments(pathname: string): string[] | undefined {
  const parts = pathname.split('/').slice(1);
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.includes('') ? undefined : parts;
}

function isStatusWord(segment: string | undefined): boolean {
  const lower = segment?.toLowerCase();
  return lower === 'status' || lower === 'statuses';
}

function refFromSegments(segments: readonly string[]): TweetRef | undefined {
  const [first, second, third] = [segments.at(0), segments.at(1), segments.at(2)];
  let idAt: number;
  // Checked before "/statuses/<id>" so that an account named "status" still works.
  if (first?.toLowerCase() === 'i' && second?.toLowerCase() === 'web' && isStatusWord(third)) {
    idAt = 3; // /i/web/status/<id>
  } else if (first !== undefined && SCREEN_NAME.test(first) && isStatusWord(second)) {
    idAt = 2; // /<user>/status/<id>, including /i/status/<id>
  } else if (isStatusWord(first)) {
    idAt = 1; // /statuses/<id>
  } else {
    return undefined;
  }

  const statusId = segments.at(idAt);
  if (statusId === undefined || !STATUS_ID.test(statusId) || BigInt(statusId) > UINT64_MAX) {
    return undefined;
  }

  const suffix = segments.slice(idAt + 1);
  if (suffix.length === 0) return { statusId };
  const mediaType = suffix.at(0)?.toLowerCase();
  const index = suffix.at(1);
  if (suffix.length !== 2 || (mediaType !== 'video' && mediaType !== 'photo')) return undefined;
  if (index === undefined || !MEDIA_INDEX.test(index)) return undefined;
  return { statusId, mediaType, mediaIndex: Number(index) };
}
