-- Deletes jobs whose delivery succeeded, when the caller still holds their lease token.
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset,
-- then each job's hash
-- ARGV pairs: id, token
-- Returns the ids whose token no longer matched (cancelled, replaced, or claimed again after the lease ran out).
-- include: jobs, sets
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local bad = checkJobKeys(#ARGV / 2)
if bad then return bad end
local stale = {}
for n = 1, #ARGV / 2 do
  local id, token = ARGV[2 * n - 1], ARGV[2 * n]
  local key = jobKey(n)
  if redis.call('HGET', key, 'token') == token then
    -- HGET twice, not HMGET: the commands a script sends are the ACL line docs/redis.md gives for delayqueue's user
    local state = redis.call('HGET', key, 'state')
    redis.call('DEL', key)
    if state == 'inflight' then
      -- under its lease: in the in-flight set only (every write that puts a job in a due set makes it pending)
      redis.call('ZREM', inflightKey, id)
    else
      -- a job whose lease ran out waits in a due set again, token kept: a late success still completes it
      -- (a dead job has no token: fail.lua drops it, so the dead set needs no ZREM here)
      removeFromSets(id, inflightKey, dueKey, httpDueKey)
    end
  else
    stale[#stale + 1] = id
  end
end
return stale
