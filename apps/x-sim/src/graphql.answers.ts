import type { FixtureEntry } from './fixtures';
import type { JsonObject } from './json';

export function tweetResultAnswer(entry: FixtureEntry | undefined): JsonObject {
  const result = entry && !entry.tweetDetailOnly ? entry.result : undefined;
  return { data: { tweetResult: result ? { result } : {} } };
}

/**
 * Recorded TweetDetail bodies are served as-is; ids recorded only as TweetResultByRestId get a
 * one-entry conversation so a TweetDetail client still finds its `tweet-<id>` entry.
 */
export function tweetDetailAnswer(id: string, entry: FixtureEntry | undefined): JsonObject {
  if (!entry?.result) {
    return {
      data: {},
      errors: [{ message: '_Missing: No status found with that ID.', code: 144, kind: 'NonFatal', name: 'GenericError', source: 'Server' }],
    };
  }
  if (entry.tweetDetail) return entry.tweetDetail;
  const tweetEntry = {
    entryId: `tweet-${id}`,
    sortIndex: id,
    content: {
      entryType: 'TimelineTimelineItem',
      __typename: 'TimelineTimelineItem',
      itemContent: {
        itemType: 'TimelineTweet',
        __typename: 'TimelineTweet',
        tweet_results: { result: entry.result },
        tweetDisplayType: 'Tweet',
      },
    },
  };
  return {
    data: {
      threaded_conversation_with_injections_v2: {
        instructions: [{ type: 'TimelineAddEntries', entries: [tweetEntry] }, { type: 'TimelineTerminateTimeline', direction: 'Top' }],
      },
    },
  };
}
