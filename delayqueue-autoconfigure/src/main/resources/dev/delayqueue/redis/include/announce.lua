-- Include "announce": wakes sleeping workers. The message "topic dueMillis lane" on the wake channel says a job of the
-- topic's lane is due at dueMillis, earlier than any they knew of.
-- The earliest due time (ms) in a due set, or nil when the set is empty.
local function earliestDue(dueSetKey)
  local head = redis.call('ZRANGE', dueSetKey, 0, 0, 'WITHSCORES')
  return head[2] and tonumber(head[2]) or nil
end

local function announce(channel, topic, lane, due)
  redis.call('PUBLISH', channel, topic .. ' ' .. string.format('%d', due) .. ' ' .. lane)
end

-- Announces due when it is earlier than earliest, the lane's earliest due time read before the script changed the
-- due set (nil when it was empty). Nothing to announce when due is nil.
local function announceIfEarliest(channel, topic, lane, due, earliest)
  if due and (not earliest or due < earliest) then
    announce(channel, topic, lane, due)
  end
end
