-- Deletes dead jobs of one topic.
-- KEYS[1] dead zset
-- ARGV[1] job key prefix, then ids
-- Returns how many dead jobs were deleted (ids that are not dead are left alone).
local prefix = ARGV[1]
local purged = 0
for i = 2, #ARGV do
  local key = prefix .. ARGV[i]
  if redis.call('HGET', key, 'state') == 'dead' then
    redis.call('DEL', key)
    redis.call('ZREM', KEYS[1], ARGV[i])
    purged = purged + 1
  end
end
return purged
