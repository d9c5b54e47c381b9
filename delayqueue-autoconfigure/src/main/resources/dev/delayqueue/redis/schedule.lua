-- Creates or replaces jobs of one topic partition (all keys share the partition's hash tag).
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset,
-- then each job's hash
-- ARGV[1] wake channel, ARGV[2] its publish command, ARGV[3] topic, ARGV[4] partition, ARGV[5] now (ms),
-- ARGV[6] mode: 'replace' or 'nx', ARGV[7] job count, then per job: id, due (ms), lane ('local' or 'http'),
-- field-pair count, field, value, ...
-- Returns per job: 1 created, 2 replaced a pending job, 3 replaced an in-flight job (its delivery's outcome is
-- ignored from now on), 4 replaced a dead job, 0 left an existing job alone (mode 'nx').
-- Announces on the wake channel when a job becomes the earliest of its lane.
-- include: jobs, lanes, pending, announce
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, mode, jobCount = ARGV[5], ARGV[6], tonumber(ARGV[7])
-- Checked before the first write: Redis keeps what a script wrote before it failed.
if not jobCount then return redis.error_reply('ERR job count is not a number') end
local bad = checkJobKeys(jobCount) or checkAnnounce()
if bad then return bad end
local i = 8
for j = 1, jobCount do
  local due, laneName, count = tonumber(ARGV[i + 1]), ARGV[i + 2], tonumber(ARGV[i + 3])
  if not (due and (laneName == 'local' or laneName == 'http') and count and count >= 0 and ARGV[i + 3 + 2 * count]) then
    return redis.error_reply('ERR malformed job ' .. j .. ' at ARGV[' .. i .. ']')
  end
  i = i + 4 + 2 * count
end
local lanes = { ['local'] = { key = laneDueKey('local') }, http = { key = laneDueKey('http') } }
for _, lane in pairs(lanes) do
  lane.earliest = earliestDue(lane.key)
end
local results = {}
i = 8
for j = 1, jobCount do
  local id, due, laneName, count = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local lane = lanes[laneName]
  local key = jobKey(j)
  local code = scheduleCode(redis.call('HGET', key, 'state'), mode)
  if code ~= 0 then
    putPending(key, id, lane.key, due, now, code ~= 1, i + 4, count)
    local d = tonumber(due)
    if not lane.min or d < lane.min then lane.min = d end
  end
  results[j] = code
  i = i + 4 + 2 * count
end
for name, lane in pairs(lanes) do
  announceIfEarliest(name, lane.min, lane.earliest)
end
return results
