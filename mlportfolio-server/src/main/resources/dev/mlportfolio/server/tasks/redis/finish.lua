-- Settles a task with its final record, if the caller's attempt is still the current one: a replica
-- thought dead whose task was taken over cannot overwrite the new owner's result.
-- KEYS: 1 task (hash), 2 running (zset), 3 stream
-- ARGV: 1 task id, 2 attempt, 3 record JSON, 4 status, 5 result TTL (ms), 6 group, 7 entry id
local attempt = redis.call('HGET', KEYS[1], 'attempt')
if attempt and attempt ~= ARGV[2] then
  return 0
end
if attempt then
  redis.call('HSET', KEYS[1], 'record', ARGV[3], 'status', ARGV[4])
  redis.call('HDEL', KEYS[1], 'payload')
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('XACK', KEYS[3], ARGV[6], ARGV[7])
redis.call('XDEL', KEYS[3], ARGV[7])
return 1
