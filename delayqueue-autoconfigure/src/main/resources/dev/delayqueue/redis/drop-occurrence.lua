-- Deletes the occurrence of a recurring job, in any state, when the job (topic, id) is an occurrence of that schedule.
-- A delivery already running is not interrupted; its outcome is ignored, so no next occurrence follows it.
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset,
-- KEYS[5] the occurrence's hash
-- ARGV[1] id, ARGV[2] schedule name
-- Returns the state the occurrence was in, or false when there was none.
-- include: jobs, sets
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local bad = checkJobKeys(1)
if bad then return bad end
local id, name, key = ARGV[1], ARGV[2], jobKey(1)
if redis.call('HGET', key, 'rec') ~= name then return false end
local state = redis.call('HGET', key, 'state')
redis.call('DEL', key)
removeFromEverySet(id)
return state
