-- Include "jobs": the key of a job's hash. ARGV[1] of every script is the topic's job key prefix
-- ('{prefix}:{topic}:job:'); a job's key is that prefix followed by the id.
local function jobKey(id)
  return ARGV[1] .. id
end
