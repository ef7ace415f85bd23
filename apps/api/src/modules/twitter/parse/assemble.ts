import type { MediaItem, ParsedTweet, ParseOutcome } from '../twitter.types';
import { fail } from './unavailable';

/**
 * The last step shared by the GraphQL and syndication parsers. `mediaWithheld` is positive
 * evidence that X hides the post's media from logged-out viewers (the sensitive-media
 * interstitial of a TweetWithVisibilityResults).
 */
export function assembleTweet(tweet: ParsedTweet, evidence: { mediaWithheld?: boolean } = {}): ParseOutcome {
  const media = dedupeById(tweet.media);
  // possibly_sensitive alone is not evidence: X sets it on plain link posts too, which must answer
  // no_video. Age-restriction needs something positive: the interstitial here, or a tombstone /
  // TweetUnavailable reason (unavailable.ts).
  if (evidence.mediaWithheld === true && media.length === 0) {
    return fail('age_restricted', 'media withheld behind the sensitive-media interstitial');
  }
  return { ok: true, tweet: { ...tweet, media } };
}

/** The same file can appear twice (a post re-using the media of the post it quotes): keep the first. */
function dedupeById(media: readonly MediaItem[]): MediaItem[] {
  const seen = new Set<string>();
  return media.filter((item) => {
    if (seen.has(item.id)) return false;
    seen.add(item.id);
    return true;
  });
}
