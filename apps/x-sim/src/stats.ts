export interface SimStats {
  activations: number;
  graphqlCalls: number;
  graphqlCallsByTweetId: Record<string, number>;
  syndicationCalls: number;
  /** `1.1/broadcasts/show.json` and `1.1/live_video_stream/status` calls (broadcast replays). */
  broadcastCalls: number;
  mediaRequests: number;
  /** Every 429 served, whether from a spent budget or an injected fault. */
  rateLimited: number;
  /** Every answer replaced by an injected fault (latency excluded). */
  faultsInjected: number;
  /** Requests held by the `hang` fault that the client gave up on (closed its socket). */
  hangsClosedByClient: number;
  /** Requests the `hang` fault holds right now. */
  hanging: number;
  validTokens: number;
}

export type Counters = Omit<SimStats, 'validTokens' | 'graphqlCallsByTweetId' | 'hanging'> & {
  graphqlCallsByTweetId: Map<string, number>;
};

export function createCounters(): Counters {
  return {
    activations: 0,
    graphqlCalls: 0,
    graphqlCallsByTweetId: new Map(),
    syndicationCalls: 0,
    broadcastCalls: 0,
    mediaRequests: 0,
    rateLimited: 0,
    faultsInjected: 0,
    hangsClosedByClient: 0,
  };
}

export function resetCounters(counters: Counters): void {
  Object.assign(counters, createCounters());
}
