-- Include "pending": writing a job whole as pending, as scheduling does.

-- What scheduling does to a job in a state (nil: there is none) under a mode ('replace' or 'nx'): 1 creates it, 2
-- replaces a pending job, 3 an in-flight one (its delivery's outcome is ignored from then on), 4 a dead one, 0 leaves
-- an existing job alone.
local function scheduleCode(state, mode)
  if not state then return 1 end
  if mode == 'nx' then return 0 end
  if state == 'pending' then return 2 end
  if state == 'inflight' then return 3 end
  return 4
end

-- Writes the job (key, id) as pending at due and puts it in dueSetKey. An existing job (exists) is replaced whole: it
-- keeps when it was first created and leaves every set first (KEYS[1] to KEYS[4], as every script takes them). Its other fields are the count field-value pairs of
-- ARGV from index fieldsAt. The id is in the key, attempts start absent (0), updated is absent while it equals
-- created: less memory per job.
local function putPending(key, id, dueSetKey, due, now, exists, fieldsAt, count)
  local created = now
  if exists then
    created = redis.call('HGET', key, 'created') or now
    redis.call('DEL', key)
    for s = 1, 4 do
      redis.call('ZREM', KEYS[s], id) -- both due sets, the in-flight set, the dead set
    end
  end
  local fields = { 'state', 'pending', 'due', due, 'created', created }
  if created ~= now then
    fields[#fields + 1] = 'updated'
    fields[#fields + 1] = now
  end
  for f = 0, count - 1 do
    fields[#fields + 1] = ARGV[fieldsAt + 2 * f]
    fields[#fields + 1] = ARGV[fieldsAt + 1 + 2 * f]
  end
  redis.call('HSET', key, unpack(fields))
  redis.call('ZADD', dueSetKey, due, id)
end
