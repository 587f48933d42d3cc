-- Keeps a running task's stream entry from looking abandoned (resets its idle time), if the
-- caller's attempt is still the current one; 0 tells the caller another replica took it over.
-- KEYS: 1 task (hash), 2 stream   ARGV: 1 attempt, 2 group, 3 consumer, 4 entry id
if redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[1] then
  return 0
end
redis.call('XCLAIM', KEYS[2], ARGV[2], ARGV[3], 0, ARGV[4], 'JUSTID')
return 1
