import type { Result } from 'ioredis';
import type { Redis } from '../../lib/redis/redis';

/**
 * The three windows of one account in ONE Redis round trip, atomically (a Lua script, sent as
 * EVALSHA by ioredis' defineCommand, which falls back to EVAL after a script flush/restart).
 *
 * KEYS: one counter per window, hash-tagged on the account (`…:{<accountId>}:minute`) so the
 * windows of one account live in one Redis Cluster slot.
 * ARGV[1]  the windows, `limit:seconds,limit:seconds,…` (one precomputed string: fewer arguments
 *          to encode per call on the hot path)
 * ARGV[2]  1 = count a request, 0 = only read the standing
 * ARGV[3]  optional, what this process knows of the windows, `seen:local:end,…`: the count it
 *          last saw in Redis, the requests it admitted on its own while Redis was unreachable,
 *          and the end (unix ms) of the window those figures belong to (0 = none). Sent only
 *          after a reconnection or an outage, when Redis may have lost or missed something.
 *
 * Fixed windows that end on a whole second (so X-RateLimit-Reset, unix seconds, is the same on
 * every answer of one window; a window is never longer than its length). Before counting, the
 * process's own knowledge is merged in: requests admitted during an outage are added to the
 * window they belong to, and a window
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
local limits, seconds = {}, {}
for l, s in string.gmatch(ARGV[1], '(%d+):(%d+)') do
  limits[#limits + 1] = tonumber(l)
  seconds[#seconds + 1] = tonumber(s)
end
local knowledge = {}
if ARGV[3] then
  for a, b, e in string.gmatch(ARGV[3], '(%d+):(%d+):(%d+)') do
    knowledge[#knowledge + 1] = { tonumber(a), tonumber(b), tonumber(e) }
  end
end
local counts, ttls = {}, {}
local admitted = 1
for i = 1, n do
  local key = KEYS[i]
  local limit = limits[i]
  local k = knowledge[i] or { 0, 0, 0 }
  local known, localAdds, knownEnd = k[1], k[2], k[3]
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
if admitted == 1 and ARGV[2] == '1' then
  for i = 1, n do
    counts[i] = redis.call('INCR', KEYS[i])
    if ttls[i] < 0 then
      local ends = math.floor((now + seconds[i] * 1000) / 1000) * 1000
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
