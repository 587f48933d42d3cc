-- Starts a task whose stream entry this consumer was just given (new, or taken over from a dead one).
-- Returns nil for a stale entry (its task expired or was settled), else {attempt, record JSON, payload}.
-- KEYS: 1 task (hash), 2 queued (zset), 3 running (zset), 4 stream
-- ARGV: 1 task id, 2 now (ms), 3 group, 4 entry id
local status = redis.call('HGET', KEYS[1], 'status')
if (not status) or status == 'completed' or status == 'failed' then
  redis.call('XACK', KEYS[4], ARGV[3], ARGV[4])
  redis.call('XDEL', KEYS[4], ARGV[4])
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
  return false
end
local attempt = redis.call('HINCRBY', KEYS[1], 'attempt', 1)
redis.call('HSET', KEYS[1], 'status', 'processing')
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
local fields = redis.call('HMGET', KEYS[1], 'record', 'payload')
return {attempt, fields[1], fields[2]}
