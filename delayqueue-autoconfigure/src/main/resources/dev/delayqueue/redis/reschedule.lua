-- Moves an existing job to a new due time, keeping its body. A pending job keeps its attempt count; an in-flight
-- job becomes pending (the running delivery's outcome is ignored); a dead job is revived with its attempts reset.
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset,
-- KEYS[5] the job's hash, and for a request made once (the outbox's relay) KEYS[6] the request's marker
-- ARGV[1] wake channel, ARGV[2] its publish command, ARGV[3] topic, ARGV[4] partition, ARGV[5] now (ms), ARGV[6] id,
-- ARGV[7] new due (ms), ARGV[8] required state ('' for any); with a marker ARGV[9] how long it lives (ms) and
-- ARGV[10] '1' to set it even when there is no job here
-- Returns the state the job was in, false when there was no such job (or it was not in the required state), or
-- 'applied' when the marker says the request was made before (nothing changed).
-- include: jobs, lanes, sets, announce
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, id, due, requiredState = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
if not tonumber(due) then return redis.error_reply('ERR new due time is not a number') end
local marker, ttl = KEYS[6], tonumber(ARGV[9])
local bad = checkJobKeys(marker and 2 or 1) or checkAnnounce()
if bad then return bad end
if marker and not (ttl and ttl > 0) then return redis.error_reply('ERR a marker needs its time to live') end
local key = jobKey(1)
if marker and redis.call('EXISTS', marker) == 1 then return 'applied' end
local state = redis.call('HGET', key, 'state')
local found = state and (requiredState == '' or state == requiredState)
if marker and (found or ARGV[10] == '1') then redis.call('SET', marker, '1', 'PX', ttl) end
if not found then return false end
local lane = laneOf(key)
local laneKey = laneDueKey(lane)
local earliest = earliestDue(laneKey)
removeFromSets(id, inflightKey, deadKey)
redis.call('ZADD', laneKey, due, id)
redis.call('HSET', key, 'state', 'pending', 'due', due, 'updated', now)
-- always: a pending job may still carry the token of an attempt whose lease ran out, and that attempt's late
-- outcome must not end the rescheduled job
redis.call('HDEL', key, 'token', 'lease')
if state == 'dead' then redis.call('HSET', key, 'attempts', 0) end
announceIfEarliest(lane, tonumber(due), earliest)
return state
