-- Replaces the record of a running task, if the caller's attempt is still the current one.
-- KEYS: 1 task (hash)   ARGV: 1 attempt, 2 record JSON
if redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'record', ARGV[2])
return 1
