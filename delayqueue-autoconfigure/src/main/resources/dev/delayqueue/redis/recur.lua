-- Ends deliveries of recurring jobs' occurrences and stores each one's next occurrence in the same step, when the
-- caller still holds the lease token: so a crash at any point neither skips nor doubles an occurrence. A succeeded
-- (or skipped) occurrence is replaced by the next; a dead one is first copied to a dead job of its own,
-- "name@occurrence ms" (keeping 'occ', the time it is for, but not the schedule's other fields, so redriving it runs
-- that occurrence once, as a one-off job), so it never stops
-- later occurrences. With no next occurrence (the schedule was removed) the occurrence is deleted.
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset,
-- then for each outcome the occurrence's hash and the hash of its dead copy
-- ARGV[1] wake channel, ARGV[2] its publish command, ARGV[3] topic, ARGV[4] partition, ARGV[5] now (ms),
-- ARGV[6] outcome count, then per outcome: id, token, dead copy id ('' unless dead), attempt refund (0 or 1),
-- error text, next due (ms, or -1 for none), next lane ('local' or 'http'), field-pair count, field, value, ...
-- Returns the ids whose token no longer matched; those jobs are left as they are.
-- include: announce
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, count = ARGV[5], tonumber(ARGV[6])
-- Checked before the first write: Redis keeps what a script wrote before it failed.
local bad = checkAnnounce()
if bad then return bad end
if not count or #KEYS ~= 4 + 2 * count then
  return redis.error_reply('ERR expected 4 sets and 2 keys per outcome, got ' .. #KEYS .. ' keys')
end
local i = 7
for n = 1, count do
  local nextDue, nextLane, fieldCount = tonumber(ARGV[i + 5]), ARGV[i + 6], tonumber(ARGV[i + 7])
  if not (nextDue and (nextLane == 'local' or nextLane == 'http') and fieldCount and ARGV[i + 7 + 2 * fieldCount]) then
    return redis.error_reply('ERR malformed outcome ' .. n .. ' at ARGV[' .. i .. ']')
  end
  i = i + 8 + 2 * fieldCount
end
local skipped = { rec = true, rec_v = true, rec_skip = true, token = true, lease = true, state = true,
  updated = true, error = true }
local lanes = { ['local'] = { key = KEYS[1] }, http = { key = KEYS[2] } }
for _, lane in pairs(lanes) do
  lane.earliest = earliestDue(lane.key)
end
local stale = {}
i = 7
for n = 1, count do
  local id, token, deadId, refund, err = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local nextDue, nextLane, fieldCount = tonumber(ARGV[i + 5]), ARGV[i + 6], tonumber(ARGV[i + 7])
  local key, deadCopyKey = KEYS[3 + 2 * n], KEYS[4 + 2 * n]
  if redis.call('HGET', key, 'token') == token then
    local created = redis.call('HGET', key, 'created') or now
    if deadId ~= '' then
      local flat = redis.call('HGETALL', key)
      local copy = { 'state', 'dead', 'updated', now, 'error', err }
      for f = 1, #flat, 2 do
        if not skipped[flat[f]] then
          copy[#copy + 1] = flat[f]
          copy[#copy + 1] = flat[f + 1]
        end
      end
      redis.call('DEL', deadCopyKey)
      redis.call('HSET', deadCopyKey, unpack(copy))
      if refund == '1' then redis.call('HINCRBY', deadCopyKey, 'attempts', -1) end
      redis.call('ZREM', KEYS[1], deadId)
      redis.call('ZREM', KEYS[2], deadId)
      redis.call('ZREM', inflightKey, deadId)
      redis.call('ZADD', deadKey, now, deadId)
    end
    redis.call('DEL', key)
    redis.call('ZREM', inflightKey, id)
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    if nextDue >= 0 then
      local fields = { 'state', 'pending', 'due', ARGV[i + 5], 'created', created, 'updated', now }
      for f = 1, fieldCount do
        fields[#fields + 1] = ARGV[i + 6 + 2 * f]
        fields[#fields + 1] = ARGV[i + 7 + 2 * f]
      end
      redis.call('HSET', key, unpack(fields))
      local lane = lanes[nextLane]
      redis.call('ZADD', lane.key, nextDue, id)
      if not lane.min or nextDue < lane.min then lane.min = nextDue end
    end
  else
    stale[#stale + 1] = id
  end
  i = i + 8 + 2 * fieldCount
end
for name, lane in pairs(lanes) do
  announceIfEarliest(name, lane.min, lane.earliest)
end
return stale
