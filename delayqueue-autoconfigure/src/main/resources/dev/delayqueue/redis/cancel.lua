-- Deletes a job in any state. A delivery already running is not interrupted; its outcome is ignored.
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset,
-- KEYS[5] the job's hash, and for a request made once (the outbox's relay) KEYS[6] the request's marker
-- ARGV[1] id; with a marker ARGV[2] how long it lives (ms) and ARGV[3] '1' to set it even when there is no job here
-- Returns the state the job was in, false when there was no such job, or 'applied' when the marker says the request
-- was made before (nothing changed).
-- include: jobs, sets
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local marker, ttl = KEYS[6], tonumber(ARGV[2])
-- Checked before the first write: Redis keeps what a script wrote before it failed.
local bad = checkJobKeys(marker and 2 or 1)
if bad then return bad end
if marker and not (ttl and ttl > 0) then return redis.error_reply('ERR a marker needs its time to live') end
local id, key = ARGV[1], jobKey(1)
if marker and redis.call('EXISTS', marker) == 1 then return 'applied' end
local state = redis.call('HGET', key, 'state')
if marker and (state or ARGV[3] == '1') then redis.call('SET', marker, '1', 'PX', ttl) end
if not state then return false end
redis.call('DEL', key)
removeFromEverySet(id)
return state
