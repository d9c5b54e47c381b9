-- Claims due jobs of one topic and lane under a lease, after making jobs whose lease ran out due again.
-- KEYS[1] due zset of the claiming lane, KEYS[2] in-flight zset (shared by both lanes),
-- KEYS[3] due zset (local handlers), KEYS[4] due zset (HTTP callbacks)
-- ARGV[1] job key prefix, ARGV[2] now (ms), ARGV[3] most jobs to claim (and to recover), ARGV[4] lease (ms),
-- ARGV[5] token base (unique per call; each job's token is base:n), ARGV[6] wake channel, ARGV[7] topic
-- Returns { ids whose lease expired, claimed jobs as id and HGETALL list pairs, next due (ms) or -1,
-- next lease end (ms) or -1 }
local prefix, now, limit, lease, token_base = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
local other_lane = nil
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  local key = prefix .. id
  local due = redis.call('HGET', key, 'due')
  if due then
    -- The attempt stays counted. The token stays too: a late success of that attempt still completes the job
    -- as long as no other worker has claimed it again.
    local target = (redis.call('HEXISTS', key, 'cb_url') == 1) and KEYS[4] or KEYS[3]
    redis.call('HSET', key, 'state', 'pending', 'updated', now)
    redis.call('HDEL', key, 'lease')
    redis.call('ZADD', target, due, id)
    if target ~= KEYS[1] then other_lane = (target == KEYS[4]) and 'http' or 'local' end
  end
end
if other_lane then
  redis.call('PUBLISH', ARGV[6], ARGV[7] .. ' ' .. string.format('%d', now) .. ' ' .. other_lane)
end
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
local jobs = {}
local deadline = now + lease
for n, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local key = prefix .. id
  -- Claim only a pending job of this lane; a stray id (no job, or a job tracked elsewhere) is dropped, a job of
  -- the other lane is moved there.
  if redis.call('HGET', key, 'state') == 'pending' then
    local lane_key = (redis.call('HEXISTS', key, 'cb_url') == 1) and KEYS[4] or KEYS[3]
    if lane_key == KEYS[1] then
      redis.call('ZADD', KEYS[2], deadline, id)
      redis.call('HINCRBY', key, 'attempts', 1)
      redis.call('HSET', key, 'state', 'inflight', 'token', token_base .. ':' .. n, 'lease', deadline, 'updated', now)
      jobs[#jobs + 1] = id
      jobs[#jobs + 1] = redis.call('HGETALL', key)
    else
      redis.call('ZADD', lane_key, redis.call('HGET', key, 'due'), id)
    end
  end
end
local next_due = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2] or -1
local next_lease = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2] or -1
return { expired, jobs, next_due, next_lease }
