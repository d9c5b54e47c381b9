-- Moves an existing job to a new due time, keeping its body. A pending job keeps its attempt count; an in-flight
-- job becomes pending (the running delivery's outcome is ignored); a dead job is revived with its attempts reset.
-- KEYS[1] due zset (local handlers), KEYS[2] in-flight zset, KEYS[3] dead zset, KEYS[4] job hash,
-- KEYS[5] due zset (HTTP callbacks)
-- ARGV[1] id, ARGV[2] new due (ms), ARGV[3] now (ms), ARGV[4] wake channel, ARGV[5] topic,
-- ARGV[6] required state ('' for any)
-- Returns the state the job was in, or false when there was no such job (or it was not in the required state).
local id, due, now = ARGV[1], ARGV[2], ARGV[3]
local state = redis.call('HGET', KEYS[4], 'state')
if not state or (ARGV[6] ~= '' and state ~= ARGV[6]) then return false end
local lane, target = 'local', KEYS[1]
if redis.call('HEXISTS', KEYS[4], 'cb_url') == 1 then lane, target = 'http', KEYS[5] end
local head = redis.call('ZRANGE', target, 0, 0, 'WITHSCORES')
redis.call('ZREM', KEYS[2], id)
redis.call('ZREM', KEYS[3], id)
redis.call('ZADD', target, due, id)
redis.call('HSET', KEYS[4], 'state', 'pending', 'due', due, 'updated', now)
if state ~= 'pending' then redis.call('HDEL', KEYS[4], 'token', 'lease') end
if state == 'dead' then redis.call('HSET', KEYS[4], 'attempts', 0) end
if not head[2] or tonumber(due) < tonumber(head[2]) then
  redis.call('PUBLISH', ARGV[4], ARGV[5] .. ' ' .. due .. ' ' .. lane)
end
return state
