-- Claims due jobs of one topic and lane under a lease, after making jobs whose lease ran out due again.
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset
-- ARGV[1] job key prefix, ARGV[2] now (ms), ARGV[3] most jobs to claim (and to recover), ARGV[4] lease (ms),
-- ARGV[5] token base (unique per call; each job's token is base:n), ARGV[6] wake channel, ARGV[7] topic,
-- ARGV[8] lane to claim from ('local' or 'http')
-- Returns { ids whose lease expired, claimed jobs as id and HGETALL list pairs, next due (ms) or -1,
-- next lease end (ms) or -1 }
-- include: jobs, lanes, announce
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, limit, lease, tokenBase = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local channel, topic, lane = ARGV[6], ARGV[7], ARGV[8]
local claimKey = laneDueKey(lane)
local expired = redis.call('ZRANGEBYSCORE', inflightKey, '-inf', now, 'LIMIT', 0, limit)
local otherLane = nil
for _, id in ipairs(expired) do
  local key = jobKey(id)
  local due = redis.call('HGET', key, 'due')
  redis.call('ZREM', inflightKey, id)
  if due then
    -- The attempt stays counted. The token stays too: a late success of that attempt still completes the job
    -- as long as no other worker has claimed it again.
    local jobLane = laneOf(key)
    redis.call('HSET', key, 'state', 'pending', 'updated', now)
    redis.call('HDEL', key, 'lease')
    redis.call('ZADD', laneDueKey(jobLane), due, id)
    if jobLane ~= lane then otherLane = jobLane end
  end
end
if otherLane then announce(channel, topic, otherLane, now) end
-- Read after the recovery above: a recovered job that is due can be claimed by this very call.
local ids = redis.call('ZRANGEBYSCORE', claimKey, '-inf', now, 'LIMIT', 0, limit)
local jobs = {}
local deadline = now + lease
for n, id in ipairs(ids) do
  redis.call('ZREM', claimKey, id)
  local key = jobKey(id)
  -- Claim only a pending job of this lane; a stray id (no job, or a job tracked elsewhere) is dropped, a job of
  -- the other lane is moved there.
  if redis.call('HGET', key, 'state') == 'pending' then
    local jobLane = laneOf(key)
    if jobLane == lane then
      redis.call('ZADD', inflightKey, deadline, id)
      redis.call('HINCRBY', key, 'attempts', 1)
      redis.call('HSET', key, 'state', 'inflight', 'token', tokenBase .. ':' .. n, 'lease', deadline, 'updated', now)
      jobs[#jobs + 1] = id
      jobs[#jobs + 1] = redis.call('HGETALL', key)
    else
      redis.call('ZADD', laneDueKey(jobLane), redis.call('HGET', key, 'due'), id)
    end
  end
end
local nextDue = redis.call('ZRANGE', claimKey, 0, 0, 'WITHSCORES')[2] or -1
local nextLease = redis.call('ZRANGE', inflightKey, 0, 0, 'WITHSCORES')[2] or -1
return { expired, jobs, nextDue, nextLease }
