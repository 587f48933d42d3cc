-- Queues a task unless the cluster-wide queue is full, atomically.
-- KEYS: 1 queued (zset), 2 task (hash), 3 stream
-- ARGV: 1 task id, 2 created at (ms), 3 capacity, 4 record JSON, 5 payload
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('HSET', KEYS[2], 'record', ARGV[4], 'status', 'queued', 'attempt', 0, 'payload', ARGV[5])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('XADD', KEYS[3], '*', 'task', ARGV[1])
return 1
