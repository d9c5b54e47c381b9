-- Creates or replaces jobs of one topic (all keys share the topic's hash tag).
-- KEYS[1] due zset (local handlers), KEYS[2] in-flight zset, KEYS[3] dead zset, KEYS[4] due zset (HTTP callbacks)
-- ARGV[1] job key prefix, ARGV[2] now (ms), ARGV[3] mode: 'replace' or 'nx', ARGV[4] wake channel, ARGV[5] topic,
-- ARGV[6] job count, then per job: id, due (ms), lane ('local' or 'http'), field-pair count, field, value, ...
-- Returns per job: 1 created, 2 replaced a pending job, 3 replaced an in-flight job (its delivery's outcome is
-- ignored from now on), 4 replaced a dead job, 0 left an existing job alone (mode 'nx').
-- Announces on the wake channel "topic due lane" when a job becomes the earliest of its lane.
local prefix, now, mode, channel, topic = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local lanes = { ['local'] = { key = KEYS[1] }, http = { key = KEYS[4] } }
for _, lane in pairs(lanes) do
  local head = redis.call('ZRANGE', lane.key, 0, 0, 'WITHSCORES')
  lane.head = head[2] and tonumber(head[2]) or nil
end
local results = {}
local i = 7
for j = 1, tonumber(ARGV[6]) do
  local id, due, lane_name, count = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local lane = lanes[lane_name]
  local key = prefix .. id
  local state = redis.call('HGET', key, 'state')
  local code
  if not state then code = 1
  elseif mode == 'nx' then code = 0
  elseif state == 'pending' then code = 2
  elseif state == 'inflight' then code = 3
  else code = 4 end
  if code ~= 0 then
    local created = now
    if code ~= 1 then
      created = redis.call('HGET', key, 'created') or now
      redis.call('DEL', key)
      redis.call('ZREM', KEYS[1], id)
      redis.call('ZREM', KEYS[2], id)
      redis.call('ZREM', KEYS[3], id)
      redis.call('ZREM', KEYS[4], id)
    end
    -- the id is in the key, attempts start absent (0), updated is absent while it equals created: less memory per job
    local fields = { 'state', 'pending', 'due', due, 'created', created }
    if created ~= now then
      fields[#fields + 1] = 'updated'
      fields[#fields + 1] = now
    end
    for f = 1, count do
      fields[#fields + 1] = ARGV[i + 2 + 2 * f]
      fields[#fields + 1] = ARGV[i + 3 + 2 * f]
    end
    redis.call('HSET', key, unpack(fields))
    redis.call('ZADD', lane.key, due, id)
    local d = tonumber(due)
    if not lane.min or d < lane.min then lane.min = d end
  end
  results[j] = code
  i = i + 4 + 2 * count
end
for name, lane in pairs(lanes) do
  if lane.min and (not lane.head or lane.min < lane.head) then
    redis.call('PUBLISH', channel, topic .. ' ' .. string.format('%d', lane.min) .. ' ' .. name)
  end
end
return results
