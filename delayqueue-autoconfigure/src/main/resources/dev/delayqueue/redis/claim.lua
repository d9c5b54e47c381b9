-- Claims due jobs of one topic partition and lane under a lease, after making jobs whose lease ran out due again.
-- The caller names the candidates, read earlier (by the previous claim's look-ahead, or by a claim without
-- candidates), so that their hashes are declared keys; each is checked again here, so a candidate another worker
-- took meanwhile, or one not yet due, is skipped.
-- With a rate limit, the partition's token bucket (a hash: tokens, at) lets through at most ARGV[11] claims a second,
-- ARGV[12] at once; a missing bucket is full.
-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), KEYS[3] in-flight zset, KEYS[4] dead zset,
-- then the hash of each candidate, in ARGV order, then with a rate limit the bucket
-- ARGV[1] wake channel, ARGV[2] its publish command, ARGV[3] topic, ARGV[4] partition, ARGV[5] now (ms),
-- ARGV[6] most jobs to claim (and to look ahead at), ARGV[7] lease (ms), ARGV[8] token base (unique per call; each
-- job's token is base:n), ARGV[9] lane to claim from ('local' or 'http'), ARGV[10] count E of the expired-lease
-- candidates, ARGV[11] rate limit (claims a second; 0 for none), ARGV[12] burst (most claims at once, at least 1),
-- then E ids of jobs whose lease may have run out, then ids of jobs that may be due
-- Returns { ids whose lease expired, claimed jobs as id and HGETALL list pairs, next due (ms) or -1,
-- next lease end (ms) or -1, look-ahead: ids due by a second after the next due time (at most ARGV[6]),
-- look-ahead: ids whose lease ran out, when the rate limit lets the next claim through (ms) or -1 }
-- include: jobs, lanes, announce
local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, limit, lease, tokenBase, lane = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], ARGV[9]
local expiredCount, rate, burst = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local firstId = 13
-- Checked before the first write: Redis keeps what a script wrote before it failed.
if not (now and limit and lease and expiredCount and rate and burst and rate >= 0 and burst >= 1
    and (lane == 'local' or lane == 'http')) then
  return redis.error_reply('ERR malformed claim arguments')
end
local bad = checkAnnounce()
if bad then return bad end
local jobCount = #ARGV - (firstId - 1)
local bucketKey = nil
if rate > 0 then
  if #KEYS ~= 5 + jobCount then
    return redis.error_reply('ERR expected ' .. (5 + jobCount) .. ' keys (4 sets, ' .. jobCount .. ' jobs, the bucket), got ' .. #KEYS)
  end
  bucketKey = KEYS[#KEYS]
else
  bad = checkJobKeys(jobCount)
  if bad then return bad end
end
-- The bucket, refilled for the time since it was last written; a clock behind it refills nothing.
local tokens, bucketAt = nil, now
local claimLimit = limit
if bucketKey then
  tokens = tonumber(redis.call('HGET', bucketKey, 'tokens'))
  local at = tonumber(redis.call('HGET', bucketKey, 'at'))
  if not tokens or not at then
    tokens = burst
  elseif now > at then
    tokens = math.min(burst, tokens + (now - at) * rate / 1000)
  else
    bucketAt = at
  end
  claimLimit = math.min(limit, math.floor(tokens))
end
local claimKey = laneDueKey(lane)
local expired = {}
-- candidates to claim: { n = index of the job's key, id = id }
local candidates = {}
local seen = {}
local otherLane = nil
for n = 1, expiredCount do
  local id, key = ARGV[firstId - 1 + n], jobKey(n)
  local leaseEnd = redis.call('ZSCORE', inflightKey, id)
  if leaseEnd and tonumber(leaseEnd) <= now then
    expired[#expired + 1] = id
    redis.call('ZREM', inflightKey, id)
    local due = redis.call('HGET', key, 'due')
    if due then
      -- The attempt stays counted. The token stays too: a late success of that attempt still completes the job
      -- as long as no other worker has claimed it again.
      local jobLane = laneOf(key)
      redis.call('HSET', key, 'state', 'pending', 'updated', now)
      redis.call('HDEL', key, 'lease')
      redis.call('ZADD', laneDueKey(jobLane), due, id)
      if jobLane ~= lane then
        otherLane = jobLane
      elseif tonumber(due) <= now then
        -- a recovered job that is due can be claimed by this very call
        candidates[#candidates + 1] = { n = n, id = id }
        seen[id] = true
      end
    end
  end
end
if otherLane then announce(otherLane, now) end
for n = expiredCount + 1, jobCount do
  local id = ARGV[firstId - 1 + n]
  if not seen[id] then
    candidates[#candidates + 1] = { n = n, id = id }
    seen[id] = true
  end
end
local jobs = {}
local claimed = 0
local deadline = now + lease
for _, candidate in ipairs(candidates) do
  if claimed >= claimLimit then break end
  local id, key = candidate.id, jobKey(candidate.n)
  local due = redis.call('ZSCORE', claimKey, id)
  if due and tonumber(due) <= now then
    redis.call('ZREM', claimKey, id)
    -- Claim only a pending job of this lane; a stray id (no job, or a job tracked elsewhere) is dropped, a job of
    -- the other lane is moved there. One HGETALL reads what the checks need and becomes the reply, patched with
    -- the fields written here: a call per field would cost more than the job's whole claim otherwise does.
    local fields = redis.call('HGETALL', key)
    local at = {}
    for i = 1, #fields, 2 do at[fields[i]] = i + 1 end
    if at.state and fields[at.state] == 'pending' then
      local jobLane = laneOfFields(at)
      if jobLane == lane then
        claimed = claimed + 1
        local attempts = (at.attempts and tonumber(fields[at.attempts]) or 0) + 1
        -- '%.0f': the whole number a double holds, with no cast to a C long (32 bits on some builds)
        local written = { 'attempts', string.format('%.0f', attempts), 'state', 'inflight',
          'token', tokenBase .. ':' .. claimed, 'lease', string.format('%.0f', deadline),
          'updated', string.format('%.0f', now) }
        redis.call('ZADD', inflightKey, deadline, id)
        redis.call('HSET', key, unpack(written))
        for i = 1, #written, 2 do
          local slot = at[written[i]]
          if slot then
            fields[slot] = written[i + 1]
          else
            fields[#fields + 1] = written[i]
            fields[#fields + 1] = written[i + 1]
          end
        end
        jobs[#jobs + 1] = id
        jobs[#jobs + 1] = fields
      else
        redis.call('ZADD', laneDueKey(jobLane), fields[at.due], id)
      end
    end
  end
end
local nextDue = redis.call('ZRANGE', claimKey, 0, 0, 'WITHSCORES')[2] or -1
local allowedAt = -1
if bucketKey then
  tokens = tokens - claimed
  redis.call('HSET', bucketKey, 'tokens', string.format('%.6f', tokens), 'at', string.format('%d', bucketAt))
  -- a bucket left alone refills; once full it may as well be gone
  redis.call('PEXPIRE', bucketKey, math.ceil(burst * 1000 / rate) + 60000)
  if tokens < 1 then
    allowedAt = bucketAt + math.ceil((1 - tokens) * 1000 / rate)
  end
end
local nextLease = redis.call('ZRANGE', inflightKey, 0, 0, 'WITHSCORES')[2] or -1
-- The look-ahead reaches past now, so that the claim made when those jobs fall due already names them.
local lookAheadMillis = 1000
local dueNow, expiredNow = {}, {}
if nextDue ~= -1 then
  dueNow = redis.call('ZRANGEBYSCORE', claimKey, '-inf', math.max(now, tonumber(nextDue)) + lookAheadMillis,
    'LIMIT', 0, limit)
end
if nextLease ~= -1 and tonumber(nextLease) <= now then
  expiredNow = redis.call('ZRANGEBYSCORE', inflightKey, '-inf', now, 'LIMIT', 0, limit)
end
return { expired, jobs, nextDue, nextLease, dueNow, expiredNow, allowedAt }
