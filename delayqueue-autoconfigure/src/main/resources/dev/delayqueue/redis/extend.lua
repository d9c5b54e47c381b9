-- Extends the lease of jobs a live worker still holds (heartbeat), when the token still matches.
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset
-- ARGV[1] job key prefix, ARGV[2] new lease end (ms), then pairs: id, token
-- Returns the ids whose token no longer matched.
-- include: jobs
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local deadline = ARGV[2]
if not tonumber(deadline) then return redis.error_reply('ERR lease end is not a number') end
local stale = {}
for i = 3, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local key = jobKey(id)
  if redis.call('HGET', key, 'token') == token and redis.call('ZSCORE', inflightKey, id) then
    redis.call('ZADD', inflightKey, deadline, id)
    redis.call('HSET', key, 'lease', deadline)
  else
    stale[#stale + 1] = id
  end
end
return stale
