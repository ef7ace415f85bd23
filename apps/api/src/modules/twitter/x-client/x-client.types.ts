import type { KvStore } from '../../../lib/kv/kv-store';

export type { LogSink as Logger } from '../../../lib/logger/logger';

export { systemClock, type Clock } from '../../../lib/time/clock';

/** The Redis commands we use; an ioredis `Redis` satisfies it, and so does the in-memory store. */
export type RedisCommands = KvStore;
export { COMPARE_AND_DELETE_LUA } from '../../../lib/kv/kv-store';

/**
 * Internal: why an X call could not produce an answer. The client turns it into
 * `upstream_unavailable` (503) or `upstream_bad_response` (502) after its fallbacks.
 */
export class UpstreamFailure extends Error {
  constructor(
    readonly kind: 'unavailable' | 'bad_response',
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'UpstreamFailure';
  }
}
