-- Records failed (or released) deliveries: the job becomes pending at its next attempt time, or dead.
-- KEYS[1] due zset of the jobs' lane, KEYS[2] in-flight zset, KEYS[3] dead zset
-- ARGV[1] job key prefix, ARGV[2] now (ms), ARGV[3] wake channel, ARGV[4] topic, ARGV[5] lane,
-- then per job: id, token, next due (ms, or -1 for dead), attempt refund (0 or 1), error text
-- Returns the ids whose token no longer matched; those jobs are left as they are.
local prefix, now, channel, topic, lane = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local head_due = head[2] and tonumber(head[2]) or nil
local min_due = nil
local stale = {}
for i = 6, #ARGV, 5 do
  local id, token, next_due, refund, err = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3], ARGV[i + 4]
  local key = prefix .. id
  if redis.call('HGET', key, 'token') == token then
    redis.call('ZREM', KEYS[2], id)
    redis.call('HDEL', key, 'lease')
    if refund == '1' then redis.call('HINCRBY', key, 'attempts', -1) end
    if err ~= '' then redis.call('HSET', key, 'error', err) end
    if next_due < 0 then
      redis.call('ZREM', KEYS[1], id)
      redis.call('ZADD', KEYS[3], now, id)
      redis.call('HSET', key, 'state', 'dead', 'updated', now)
    else
      redis.call('ZADD', KEYS[1], next_due, id)
      redis.call('HSET', key, 'state', 'pending', 'due', next_due, 'updated', now)
      if not min_due or next_due < min_due then min_due = next_due end
    end
  else
    stale[#stale + 1] = id
  end
end
if min_due and (not head_due or min_due < head_due) then
  redis.call('PUBLISH', channel, topic .. ' ' .. string.format('%d', min_due) .. ' ' .. lane)
end
return stale
