-- Records failed (or released) deliveries: the job becomes pending at its next attempt time, or dead.
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset,
-- then each job's hash
-- ARGV[1] wake channel, ARGV[2] its publish command, ARGV[3] topic, ARGV[4] partition, ARGV[5] now (ms),
-- ARGV[6] lane of the jobs, then per job: id, token, next due (ms, or -1 for dead), attempt refund (0 or 1),
-- error text
-- Returns the ids whose token no longer matched; those jobs are left as they are. The token is dropped with the
-- outcome, so the same outcome sent again (a reply lost, the batch retried) matches nothing and changes nothing.
-- include: jobs, lanes, announce
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, lane = ARGV[5], ARGV[6]
local laneKey = laneDueKey(lane)
-- Checked before the first write: Redis keeps what a script wrote before it failed.
local bad = checkJobKeys((#ARGV - 6) / 5) or checkAnnounce()
if bad then return bad end
for i = 7, #ARGV, 5 do
  if not tonumber(ARGV[i + 2]) or not ARGV[i + 4] then
    return redis.error_reply('ERR malformed outcome at ARGV[' .. i .. ']')
  end
end
local earliest = earliestDue(laneKey)
local minDue = nil
local stale = {}
local n = 0
for i = 7, #ARGV, 5 do
  n = n + 1
  local id, token, nextDue, refund, err = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3], ARGV[i + 4]
  local key = jobKey(n)
  if redis.call('HGET', key, 'token') == token then
    redis.call('ZREM', inflightKey, id)
    redis.call('HDEL', key, 'lease', 'token')
    if refund == '1' then redis.call('HINCRBY', key, 'attempts', -1) end
    if err ~= '' then redis.call('HSET', key, 'error', err) end
    if nextDue < 0 then
      redis.call('ZREM', laneKey, id)
      redis.call('ZADD', deadKey, now, id)
      redis.call('HSET', key, 'state', 'dead', 'updated', now)
    else
      redis.call('ZADD', laneKey, nextDue, id)
      redis.call('HSET', key, 'state', 'pending', 'due', nextDue, 'updated', now)
      if not minDue or nextDue < minDue then minDue = nextDue end
    end
  else
    stale[#stale + 1] = id
  end
end
announceIfEarliest(lane, minDue, earliest)
return stale
