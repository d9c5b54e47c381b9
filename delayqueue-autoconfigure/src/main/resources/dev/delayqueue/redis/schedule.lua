-- Creates or replaces jobs of one topic (all keys share the topic's hash tag).
-- KEYS[1] due zset, KEYS[2] in-flight zset, KEYS[3] dead zset
-- ARGV[1] job key prefix, ARGV[2] now (ms), ARGV[3] mode: 'replace' or 'nx', ARGV[4] wake channel, ARGV[5] topic,
-- ARGV[6] job count, then per job: id, due (ms), field-pair count, field, value, ...
-- Returns per job: 1 created, 2 replaced a pending job, 3 replaced an in-flight job (its delivery's outcome is
-- ignored from now on), 4 replaced a dead job, 0 left an existing job alone (mode 'nx').
local prefix, now, mode, channel, topic = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local head_due = head[2] and tonumber(head[2]) or nil
local min_due = nil
local results = {}
local i = 7
for j = 1, tonumber(ARGV[6]) do
  local id, due, pairs = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
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
      redis.call('ZREM', KEYS[2], id)
      redis.call('ZREM', KEYS[3], id)
    end
    local fields = { 'id', id, 'state', 'pending', 'due', due, 'attempts', 0, 'created', created, 'updated', now }
    for f = 1, pairs do
      fields[#fields + 1] = ARGV[i + 1 + 2 * f]
      fields[#fields + 1] = ARGV[i + 2 + 2 * f]
    end
    redis.call('HSET', key, unpack(fields))
    redis.call('ZADD', KEYS[1], due, id)
    local d = tonumber(due)
    if not min_due or d < min_due then min_due = d end
  end
  results[j] = code
  i = i + 3 + 2 * pairs
end
if min_due and (not head_due or min_due < head_due) then
  redis.call('PUBLISH', channel, topic .. ' ' .. string.format('%d', min_due))
end
return results
