-- Puts a started task back in the queue (a draining replica), if the caller's attempt is current.
-- The given-up attempt does not count; the task goes to the end of the stream.
-- KEYS: 1 task (hash), 2 running (zset), 3 queued (zset), 4 stream
-- ARGV: 1 task id, 2 attempt, 3 record JSON (queued), 4 created at (ms), 5 group, 6 entry id
if redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], 'record', ARGV[3], 'status', 'queued')
redis.call('HINCRBY', KEYS[1], 'attempt', -1)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
redis.call('XACK', KEYS[4], ARGV[5], ARGV[6])
redis.call('XDEL', KEYS[4], ARGV[6])
redis.call('XADD', KEYS[4], '*', 'task', ARGV[1])
return 1
