import type { Result } from 'ioredis';
import type { Redis } from '../../lib/redis/redis';

/**
 * The three windows of one account in ONE Redis round trip, atomically (a Lua script, sent as
 * EVALSHA by ioredis' defineCommand, which falls back to EVAL after a script flush/restart).
 *
 * KEYS: one counter per window, hash-tagged on the account (`…:{<accountId>}:minute`) so the
 * windows of one account live in one Redis Cluster slot.
 * ARGV (n = number of windows), per window i:
 *   ARGV[i]        limit
 *   ARGV[n+i]      window length in seconds
 *   ARGV[2n+i]     count this process last saw in Redis for the window (0 if none)
 *   ARGV[3n+i]     requests this process admitted on its own while Redis was unreachable
 *   ARGV[4n+i]     end (unix ms) of the window those two figures belong to (0 if none)
 *   ARGV[5n+1]     1 = count a request, 0 = only read the standing
 *
 * Fixed windows that end on a whole second (so X-RateLimit-Reset, unix seconds, is the same on
 * every answer of one window; a window is never longer than its length). Before counting, the process's own knowledge is merged in:
 * requests admitted during an outage are added to the window they belong to, and a window
 * Redis lost (restart without persistence) is restored with at least the count this process had
 * seen, ending when it would have ended. A request is counted in every window or in none: a
 * refused request uses up nothing (the refund happens inside the script, atomically).
 *
 * Returns { admitted (1/0), Redis time (ms), count_1..n, ms-to-reset_1..n }.
 */
const SCRIPT = `
local n = #KEYS
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local counts, ttls = {}, {}
local admitted = 1
for i = 1, n do
  local key = KEYS[i]
  local limit = tonumber(ARGV[i])
  local known, localAdds, knownEnd = tonumber(ARGV[2*n+i]), tonumber(ARGV[3*n+i]), tonumber(ARGV[4*n+i])
  local c = tonumber(redis.call('GET', key) or '0')
  local ttl = redis.call('PTTL', key)
  if knownEnd > now and (known + localAdds) > 0 then
    if ttl >= 0 and math.abs(now + ttl - knownEnd) < 1000 then
      if localAdds > 0 then c = redis.call('INCRBY', key, localAdds) end
    elseif ttl < 0 or now + ttl > knownEnd then
      -- Redis lost this window (or restarted it later): restore what this process knew of it
      c = math.max(c, known) + localAdds
      redis.call('SET', key, c)
      redis.call('PEXPIREAT', key, knownEnd)
      ttl = knownEnd - now
    end
  end
  if ttl < 0 then
    -- no window running (a counter without expiry would be a bug: start it over)
    if ttl == -1 then redis.call('DEL', key) end
    c = 0
  end
  counts[i] = c
  ttls[i] = ttl
  if c >= limit then admitted = 0 end
end
if admitted == 1 and ARGV[5*n+1] == '1' then
  for i = 1, n do
    counts[i] = redis.call('INCR', KEYS[i])
    if ttls[i] < 0 then
      local ends = math.floor((now + tonumber(ARGV[n+i]) * 1000) / 1000) * 1000
      redis.call('PEXPIREAT', KEYS[i], ends)
      ttls[i] = ends - now
    end
  end
end
local out = { admitted, now }
for i = 1, n do out[2+i] = counts[i] end
for i = 1, n do out[2+n+i] = ttls[i] end
return out
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    twdownRateWindows(...keysAndArgs: Array<string | number>): Result<number[], Context>;
  }
}

/** Registers the script on a client (idempotent); returns how to call it. */
export function defineRateWindowsScript(redis: Redis, windowCount: number) {
  redis.defineCommand('twdownRateWindows', { numberOfKeys: windowCount, lua: SCRIPT });
  return (keysAndArgs: Array<string | number>): Promise<number[]> => redis.twdownRateWindows(...keysAndArgs);
}
