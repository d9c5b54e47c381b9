-- Deletes a job in any state. A delivery already running is not interrupted; its outcome is ignored.
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset,
-- KEYS[5] the job's hash
-- ARGV[1] id
-- Returns the state the job was in, or false when there was no such job.
-- include: jobs, sets
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local bad = checkJobKeys(1)
if bad then return bad end
local id, key = ARGV[1], jobKey(1)
local state = redis.call('HGET', key, 'state')
if not state then return false end
redis.call('DEL', key)
removeFromEverySet(id)
return state
