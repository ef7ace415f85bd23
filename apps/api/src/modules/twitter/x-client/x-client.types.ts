import type { KvStore } from '../../../lib/kv/kv-store';

/** The slice of a pino logger the X client and extraction service use. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

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
