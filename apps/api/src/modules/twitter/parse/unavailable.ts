import type { ParseOutcome, UnavailableReason } from '../twitter.types';
import { at, list, num, str } from './shape';

export type Failure = Extract<ParseOutcome, { ok: false }>;

export function fail(reason: UnavailableReason, detail?: string): Failure {
  return detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };
}

/**
 * Tombstones only carry a localised sentence ("This Post is from a suspended account. Learn
 * more"), so the reason is read from the wording, as fx and cobalt do. We request English.
 * Anything unrecognised is reported as not found, with the sentence kept as detail.
 */
export function fromTombstone(result: unknown): Failure {
  const text =
    str(at(result, 'tombstone', 'text', 'text')) ?? str(at(result, 'tombstone', 'text')) ?? '';
  const detail = text.replace(/\s*Learn more\.?\s*$/i, '').trim() || undefined;
  const lower = text.toLowerCase();
  if (lower.includes('suspended')) return fail('suspended_account', detail);
  if (/age-restricted|age restricted|adult content/.test(lower)) {
    return fail('age_restricted', detail);
  }
  if (/protected|limits who can view|only approved followers/.test(lower)) {
    return fail('protected_account', detail);
  }
  return fail('post_not_found', detail);
}

/** `TweetUnavailable.reason` values seen in yt-dlp, gallery-dl and fx. */
export function fromUnavailableReason(reason: string | undefined): Failure {
  const detail = reason === undefined ? undefined : `TweetUnavailable: ${reason}`;
  if (reason === 'Protected') return fail('protected_account', detail);
  if (reason === 'Suspended') return fail('suspended_account', detail);
  // NsfwLoggedOut, NsfwViewerHasNoStatedAge, NsfwViewerIsUnderage, …
  if (reason?.startsWith('Nsfw')) return fail('age_restricted', detail);
  return fail('post_not_found', detail);
}

const NOT_FOUND_CODES = new Set([144, 366]);
const NOT_FOUND_MESSAGE = /no status found with that id|_missing|value out of range/i;

/**
 * Classifies a top-level `errors[]` when it came without a usable payload. (With a payload the
 * errors are ignored: X attaches non-fatal ones such as "Dependency: Unspecified" to good answers.)
 */
export function fromUpstreamErrors(errors: unknown): Failure | undefined {
  const entries = list(errors);
  if (entries.length === 0) return undefined;
  for (const entry of entries) {
    const code = num(at(entry, 'code'));
    const message = str(at(entry, 'message')) ?? '';
    if ((code !== undefined && NOT_FOUND_CODES.has(code)) || NOT_FOUND_MESSAGE.test(message)) {
      return fail('post_not_found', message || undefined);
    }
  }
  const first = str(at(entries[0], 'message')) ?? 'unknown error';
  return fail('upstream_bad_response', `upstream errors: ${first.slice(0, 200)}`);
}
