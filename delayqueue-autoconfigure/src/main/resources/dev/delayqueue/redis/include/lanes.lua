-- Include "lanes": the due set a job waits in. A job with a callback (field 'cb_url') is delivered over HTTP and
-- waits in the topic's HTTP due set, KEYS[2]; any other job in the local due set, KEYS[1] (every script takes the
-- topic's keys in that order).
local function laneOf(key)
  if redis.call('HEXISTS', key, 'cb_url') == 1 then return 'http' end
  return 'local'
end

-- The same, for a job whose hash the script has read already: at maps each field name to its value's index.
local function laneOfFields(at)
  if at.cb_url then return 'http' end
  return 'local'
end

local function laneDueKey(lane)
  if lane == 'http' then return KEYS[2] end
  return KEYS[1]
end
