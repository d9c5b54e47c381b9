-- Deletes jobs whose delivery succeeded, when the caller still holds their lease token.
-- KEYS[1] in-flight zset, KEYS[2] due zset (local handlers), KEYS[3] due zset (HTTP callbacks)
-- ARGV[1] job key prefix, then pairs: id, token
-- Returns the ids whose token no longer matched (cancelled, replaced, or claimed again after the lease ran out).
local prefix = ARGV[1]
local stale = {}
for i = 2, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local key = prefix .. id
  if redis.call('HGET', key, 'token') == token then
    redis.call('DEL', key)
    redis.call('ZREM', KEYS[1], id)
    -- a job whose lease ran out waits in a due set again, token kept: a late success still completes it
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
  else
    stale[#stale + 1] = id
  end
end
return stale
