/**
 * The key-value commands the X client (guest tokens) and the extraction cache use, and nothing
 * more. An ioredis `Redis` satisfies it; without Redis, createMemoryStore() does.
 */
export interface KvStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<'OK' | null>;
  set(key: string, value: string, mode: 'PX', milliseconds: number, condition: 'NX'): Promise<'OK' | null>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/** Lua: delete KEYS[1] only if it still holds ARGV[1] (compare-and-delete); returns 1 or 0. */
export const COMPARE_AND_DELETE_LUA =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
