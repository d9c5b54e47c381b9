-- Claims due jobs of one topic under a lease, after making jobs whose lease ran out due again.
-- KEYS[1] due zset, KEYS[2] in-flight zset
-- ARGV[1] job key prefix, ARGV[2] now (ms), ARGV[3] most jobs to claim (and to recover), ARGV[4] lease (ms),
-- ARGV[5] token base (unique per call; each job's token is base:n)
-- Returns { ids whose lease expired, claimed jobs as HGETALL lists, next due (ms) or -1, next lease end (ms) or -1 }
local prefix, now, limit, lease, token_base = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  local key = prefix .. id
  local due = redis.call('HGET', key, 'due')
  if due then
    -- The attempt stays counted. The token stays too: a late success of that attempt still completes the job
    -- as long as no other worker has claimed it again.
    redis.call('HSET', key, 'state', 'pending', 'updated', now)
    redis.call('HDEL', key, 'lease')
    redis.call('ZADD', KEYS[1], due, id)
  end
end
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
local jobs = {}
local deadline = now + lease
for n, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local key = prefix .. id
  if redis.call('EXISTS', key) == 1 then
    redis.call('ZADD', KEYS[2], deadline, id)
    redis.call('HINCRBY', key, 'attempts', 1)
    redis.call('HSET', key, 'state', 'inflight', 'token', token_base .. ':' .. n, 'lease', deadline, 'updated', now)
    jobs[#jobs + 1] = redis.call('HGETALL', key)
  end
end
local next_due = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2] or -1
local next_lease = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2] or -1
return { expired, jobs, next_due, next_lease }
