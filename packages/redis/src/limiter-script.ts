/**
 * The whole acquire decision as one Lua script: Redis runs a script atomically, so instances that
 * acquire at the same moment never both take the last slot. Time is Redis's own (TIME), so
 * instances with skewed clocks still count in one window.
 *
 * KEYS[1] success log (sorted set: permit id -> grant time ms)
 * KEYS[2] failure log (same)
 * KEYS[3] pause flag (its PTTL is the time left)
 * ARGV[1] success limit, ARGV[2] failure limit, ARGV[3] window ms, ARGV[4] permit id,
 * ARGV[5] pacing interval ms, ARGV[6] grants allowed per pacing interval (see RATE_PACE_MS in core)
 * Returns {1, now} when granted, {0, waitMs} otherwise.
 */
export const ACQUIRE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pause = redis.call('PTTL', KEYS[3])
if pause > 0 then return {0, pause} end
local sLimit = tonumber(ARGV[1])
local fLimit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
local s = redis.call('ZCARD', KEYS[1])
local f = redis.call('ZCARD', KEYS[2])
local paceMs = tonumber(ARGV[5])
local pace = tonumber(ARGV[6])
local recent = redis.call('ZCOUNT', KEYS[1], '(' .. (now - paceMs), '+inf')
if s < sLimit and f < fLimit and recent < pace then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return {1, now}
end
local wait = 1
if recent >= pace then
  local pacer = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - paceMs), '+inf', 'WITHSCORES', 'LIMIT', recent - pace, 1)
  wait = math.max(wait, tonumber(pacer[2]) + paceMs - now)
end
if s >= sLimit then
  local oldest = redis.call('ZRANGE', KEYS[1], s - sLimit, s - sLimit, 'WITHSCORES')
  wait = math.max(wait, tonumber(oldest[2]) + window - now)
end
if f >= fLimit then
  local oldest = redis.call('ZRANGE', KEYS[2], f - fLimit, f - fLimit, 'WITHSCORES')
  wait = math.max(wait, tonumber(oldest[2]) + window - now)
end
return {0, wait}
`;

/**
 * Records a call's outcome. KEYS[1] success log, KEYS[2] failure log; ARGV[1] permit id,
 * ARGV[2] grant time ms, ARGV[3] "failure" (move to the failure log) or "unknown" (count in both),
 * ARGV[4] window ms.
 */
export const COMPLETE_SCRIPT = `
if ARGV[3] == 'failure' then redis.call('ZREM', KEYS[1], ARGV[1]) end
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]) * 2)
return 1
`;

/** Extends a pause, never shortens it. KEYS[1] pause flag; ARGV[1] ms. */
export const PAUSE_SCRIPT = `
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`;
