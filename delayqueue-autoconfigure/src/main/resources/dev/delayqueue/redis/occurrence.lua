-- Stores the pending occurrence of a recurring job, idempotently: every instance declaring the same schedule at
-- startup calls it, and only the first one writes. The occurrence is the job (topic, schedule name); its hash carries
-- the schedule's name ('rec'), the schedule version it was planned with ('rec_v'), its occurrence time ('occ', which
-- retries do not move) and, for a schedule that skips missed occurrences, how late it may start ('rec_skip', ms).
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset,
-- KEYS[5] the occurrence's hash
-- ARGV[1] wake channel, ARGV[2] its publish command, ARGV[3] topic, ARGV[4] partition, ARGV[5] now (ms), ARGV[6] id,
-- ARGV[7] schedule name, ARGV[8] schedule version, ARGV[9] occurrence time (ms), ARGV[10] lane ('local' or 'http'),
-- ARGV[11] field-pair count, then field, value, ... (the 'rec' fields included)
-- Returns { code, due, state }: code 1 created; 2 moved (a pending occurrence of another version that had not started,
-- or one dead under its own id, was replaced); 0 unchanged (the same version); 3 kept (another version's occurrence is being delivered or retried:
-- the next one follows the new version); 4 conflict (a job that is not an occurrence of this schedule has the id,
-- left alone). due is the stored occurrence's due time, state its state.
-- include: jobs, lanes, pending, announce
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, id, name, version, due, laneName, count = ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10],
  tonumber(ARGV[11])
-- Checked before the first write: Redis keeps what a script wrote before it failed.
local bad = checkJobKeys(1) or checkAnnounce()
if bad then return bad end
if not (tonumber(due) and (laneName == 'local' or laneName == 'http') and count and #ARGV == 11 + 2 * count) then
  return redis.error_reply('ERR malformed occurrence arguments')
end
local key = jobKey(1)
local state = redis.call('HGET', key, 'state')
if state then
  if redis.call('HGET', key, 'rec') ~= name then
    return { 4, redis.call('HGET', key, 'due'), state }
  end
  -- an occurrence dead under its own id (never left so by recur.lua) is replaced: it must not stop the schedule
  if state ~= 'dead' and redis.call('HGET', key, 'rec_v') == version then
    return { 0, redis.call('HGET', key, 'due'), state }
  end
  if state == 'inflight' or (state == 'pending' and redis.call('HEXISTS', key, 'attempts') == 1) then
    return { 3, redis.call('HGET', key, 'due'), state }
  end
end
local laneKey = laneDueKey(laneName)
local earliest = earliestDue(laneKey)
putPending(key, id, laneKey, due, now, state ~= false, 12, count)
announceIfEarliest(laneName, tonumber(due), earliest)
if state then return { 2, due, 'pending' } end
return { 1, due, 'pending' }
