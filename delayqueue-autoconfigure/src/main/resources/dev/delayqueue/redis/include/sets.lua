-- Include "sets": taking an id out of the topic's sorted sets.
local function removeFromSets(id, ...)
  for _, setKey in ipairs({ ... }) do
    redis.call('ZREM', setKey, id)
  end
end

-- Both due sets, the in-flight set and the dead set: KEYS[1] to KEYS[4] of every script.
local function removeFromEverySet(id)
  removeFromSets(id, KEYS[1], KEYS[2], KEYS[3], KEYS[4])
end
