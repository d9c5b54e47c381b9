-- Include "announce": wakes sleeping workers. Scripts that announce take ARGV[1] the wake channel, ARGV[2] the
-- command that publishes on it ('PUBLISH', or 'SPUBLISH' for a shard channel of the partition's slot on a cluster),
-- ARGV[3] the topic and ARGV[4] the partition. The message "topic dueMillis lane partition" says a job of that
-- lane is due at dueMillis, earlier than any they knew of.

-- An error reply unless ARGV[2] names a publish command; checked before the first write.
local function checkAnnounce()
  if ARGV[2] ~= 'PUBLISH' and ARGV[2] ~= 'SPUBLISH' then
    return redis.error_reply('ERR ARGV[2] must be PUBLISH or SPUBLISH, was ' .. tostring(ARGV[2]))
  end
  return nil
end

-- The earliest due time (ms) in a due set, or nil when the set is empty.
local function earliestDue(dueSetKey)
  local head = redis.call('ZRANGE', dueSetKey, 0, 0, 'WITHSCORES')
  return head[2] and tonumber(head[2]) or nil
end

local function announce(lane, due)
  redis.call(ARGV[2], ARGV[1], ARGV[3] .. ' ' .. string.format('%d', due) .. ' ' .. lane .. ' ' .. ARGV[4])
end

-- Announces due when it is earlier than earliest, the lane's earliest due time read before the script changed the
-- due set (nil when it was empty). Nothing to announce when due is nil.
local function announceIfEarliest(lane, due, earliest)
  if due and (not earliest or due < earliest) then
    announce(lane, due)
  end
end
