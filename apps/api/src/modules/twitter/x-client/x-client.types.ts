import type { Redis } from 'ioredis';

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

/** The Redis commands we use; an ioredis `Redis` satisfies it. */
export type RedisCommands = Pick<Redis, 'get' | 'set' | 'eval'>;

/** Lua: delete KEYS[1] only if it still holds ARGV[1] (compare-and-delete). */
export const COMPARE_AND_DELETE_LUA =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

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
