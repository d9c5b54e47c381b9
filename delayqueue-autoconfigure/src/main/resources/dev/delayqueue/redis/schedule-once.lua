-- Creates or replaces one job unless the request that asks for it was applied before: the outbox's relay, which may
-- send a row again when it died between writing the job and deleting the row. A marker key per request, in the
-- job's slot, remembers for a while that it was applied.
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset,
-- KEYS[5] the job's hash, KEYS[6] the request's marker
-- ARGV[1] wake channel, ARGV[2] its publish command, ARGV[3] topic, ARGV[4] partition, ARGV[5] now (ms),
-- ARGV[6] mode: 'replace' or 'nx', ARGV[7] how long the marker lives (ms), ARGV[8] id, ARGV[9] due (ms),
-- ARGV[10] lane ('local' or 'http'), ARGV[11] field-pair count, field, value, ...
-- Returns -1 when the request was applied before (nothing changed), else what schedule.lua returns for a job: 1
-- created, 2 replaced a pending job, 3 replaced an in-flight job, 4 replaced a dead job, 0 left an existing job alone.
-- include: pending, announce
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, mode, ttl, id, due, laneName, count = ARGV[5], ARGV[6], tonumber(ARGV[7]), ARGV[8], ARGV[9], ARGV[10],
  tonumber(ARGV[11])
-- Checked before the first write: Redis keeps what a script wrote before it failed.
if #KEYS ~= 6 then return redis.error_reply('ERR expected 6 keys (4 sets, the job, the marker), got ' .. #KEYS) end
local bad = checkAnnounce()
if bad then return bad end
if not (ttl and ttl > 0 and tonumber(due) and (laneName == 'local' or laneName == 'http') and count
    and #ARGV == 11 + 2 * count and (mode == 'replace' or mode == 'nx')) then
  return redis.error_reply('ERR malformed schedule-once arguments')
end
local key, marker = KEYS[5], KEYS[6]
if redis.call('EXISTS', marker) == 1 then return -1 end
local laneKey = (laneName == 'http') and httpDueKey or dueKey
local earliest = earliestDue(laneKey)
local code = scheduleCode(redis.call('HGET', key, 'state'), mode)
redis.call('SET', marker, '1', 'PX', ttl)
if code == 0 then return 0 end
putPending(key, id, laneKey, due, now, code ~= 1, 12, count)
announceIfEarliest(laneName, tonumber(due), earliest)
return code
