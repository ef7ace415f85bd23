import type { MediaItem, ParsedTweet, ParseOutcome } from '../twitter.types';
import { fail } from './unavailable';

/** The last step shared by the GraphQL and syndication parsers. */
export function assembleTweet(tweet: ParsedTweet): ParseOutcome {
  const media = dedupeById(tweet.media);
  // Since 2026, X answers logged-out viewers of NSFW posts with a normal Tweet whose media are
  // simply missing (docs/x-upstream.md, "Reading the answer"; yt-dlp #17058). "Sensitive but nothing attached" is the only
  // trace of that, so it is reported as age-restricted rather than as a post without video.
  if (tweet.possiblySensitive && media.length === 0) {
    return fail('age_restricted', 'possibly_sensitive post with no visible media');
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
