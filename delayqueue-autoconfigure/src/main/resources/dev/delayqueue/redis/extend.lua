-- Extends the lease of jobs a live worker still holds (heartbeat), when the token still matches.
-- KEYS[1] in-flight zset
-- ARGV[1] job key prefix, ARGV[2] new lease end (ms), then pairs: id, token
-- Returns the ids whose token no longer matched.
local prefix, deadline = ARGV[1], ARGV[2]
local stale = {}
for i = 3, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local key = prefix .. id
  if redis.call('HGET', key, 'token') == token and redis.call('ZSCORE', KEYS[1], id) then
    redis.call('ZADD', KEYS[1], deadline, id)
    redis.call('HSET', key, 'lease', deadline)
  else
    stale[#stale + 1] = id
  end
end
return stale
