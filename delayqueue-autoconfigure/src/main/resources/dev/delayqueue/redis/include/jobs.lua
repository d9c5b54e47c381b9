-- Include "jobs": the keys of the jobs a script touches. Every script takes the four sorted sets of one topic
-- partition as KEYS[1] to KEYS[4], then the hash of each job it names, in the order the jobs come in ARGV: the n-th
-- job's hash is KEYS[4 + n]. Declaring every key lets Redis Cluster refuse a whole script (MOVED, ASK, TRYAGAIN)
-- while a slot moves, where a key built inside the script would fail it halfway, keeping its first writes.
local function jobKey(n)
  return KEYS[4 + n]
end

-- An error reply unless the script was given exactly count job keys; checked before the first write.
local function checkJobKeys(count)
  if #KEYS ~= 4 + count then
    return redis.error_reply('ERR expected ' .. (4 + count) .. ' keys (4 sets and ' .. count .. ' jobs), got ' .. #KEYS)
  end
  return nil
end
