-- Deletes dead jobs of one topic partition.
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset,
-- then each job's hash
-- ARGV ids
-- Returns how many dead jobs were deleted (ids that are not dead are left alone).
-- include: jobs
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local bad = checkJobKeys(#ARGV)
if bad then return bad end
local purged = 0
for n = 1, #ARGV do
  local id, key = ARGV[n], jobKey(n)
  if redis.call('HGET', key, 'state') == 'dead' then
    redis.call('DEL', key)
    redis.call('ZREM', deadKey, id)
    purged = purged + 1
  end
end
return purged
