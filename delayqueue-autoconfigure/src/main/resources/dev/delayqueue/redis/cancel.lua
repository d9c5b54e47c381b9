-- Deletes a job in any state. A delivery already running is not interrupted; its outcome is ignored.
-- KEYS[1] due zset, KEYS[2] in-flight zset, KEYS[3] dead zset, KEYS[4] job hash,
-- KEYS[5] due zset (HTTP callbacks)
-- ARGV[1] id
-- Returns the state the job was in, or false when there was no such job.
local state = redis.call('HGET', KEYS[4], 'state')
if not state then return false end
redis.call('DEL', KEYS[4])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
return state
