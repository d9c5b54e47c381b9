-- Extends the lease of jobs a live worker still holds (heartbeat), when the token still matches.
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset,
-- then each job's hash
-- ARGV[1] new lease end (ms), then pairs: id, token
-- Returns the ids whose token no longer matched.
-- include: jobs
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local deadline = ARGV[1]
if not tonumber(deadline) then return redis.error_reply('ERR lease end is not a number') end
local bad = checkJobKeys((#ARGV - 1) / 2)
if bad then return bad end
local stale = {}
for n = 1, (#ARGV - 1) / 2 do
  local id, token = ARGV[2 * n], ARGV[2 * n + 1]
  local key = jobKey(n)
  if redis.call('HGET', key, 'token') == token and redis.call('ZSCORE', inflightKey, id) then
    -- HDEL first: Redis refuses a script on a full Redis (maxmemory, noeviction) only at its first write, and only
    -- when that write may grow memory, so a heartbeat that drops and rewrites one field keeps leases alive on a full
    -- Redis (a refused heartbeat would let every lease run out and every running job be delivered twice)
    redis.call('HDEL', key, 'lease')
    redis.call('ZADD', inflightKey, deadline, id)
    redis.call('HSET', key, 'lease', deadline)
  else
    stale[#stale + 1] = id
  end
end
return stale
