package dev.mlportfolio.server.tasks.redis;

import dev.mlportfolio.core.Uris;
import dev.mlportfolio.server.http.Json;
import dev.mlportfolio.server.tasks.TaskPayload;
import dev.mlportfolio.server.tasks.TaskQueue;
import dev.mlportfolio.server.tasks.TaskQueueUnavailableException;
import dev.mlportfolio.server.tasks.TaskRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Tasks shared by every replica through Redis: one stream with one consumer group, so each task
 * runs on one replica; records and results in hashes that every replica reads; the queue bound
 * checked in the same script that queues (see {@link RedisKeys} and the scripts beside this class).
 *
 * <p>Delivery is at least once. A worker keeps its claim alive with heartbeats
 * ({@link RedisClaimKeeper}); a claim whose replica stopped sending them for the visibility timeout
 * is taken over by the next replica that looks for work, and its attempt counter goes up. Only
 * the current attempt can settle a task, so a task is never completed twice with different results.
 */
public final class RedisTaskQueue implements TaskQueue {
    /**
     * @param uri               {@code redis://[user:password@]host:port/db} or {@code rediss://} for TLS
     * @param keyPrefix         prefix of every key the queue uses
     * @param visibilityTimeout how long a claim may go without a heartbeat before another replica takes the task over
     * @param connections       pool size: a blocking read per worker, plus room for requests and heartbeats
     * @param consumer          this replica's name in the consumer group, unique per process
     */
    public record Settings(URI uri, String keyPrefix, Duration visibilityTimeout, int connections, String consumer) {
        public Settings {
            if (visibilityTimeout.toMillis() < 300) {
                throw new IllegalArgumentException("visibilityTimeout must be at least 300 ms");
            }
        }
    }

    /** What settles a claim: its stream entry and the attempt it was given. */
    record Token(StreamEntryID entry, int attempt) {
    }

    private static final byte[] RECORD = RedisScripts.bytes("record");

    private final Settings settings;
    private final Clock clock;
    private final RedisClient redis;
    private final RedisKeys keys;
    private final RedisClaimKeeper keeper;
    private volatile String problem;
    private volatile long lastTakeOverScan;
    /** Set after an outage: entries delivered to this replica whose start never reached Redis wait in its own pending list. */
    private volatile boolean checkOwnPending;
    /** The last counts read, for gauges and health while Redis cannot be reached. */
    private volatile int queuedCount;
    private volatile int runningCount;

    public RedisTaskQueue(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(settings.connections());
        pool.setMaxIdle(settings.connections());
        pool.setMaxWait(Duration.ofSeconds(2)); // a request waits this long for a connection, then answers 503
        pool.setTestWhileIdle(true);
        this.redis = RedisClient.builder().fromURI(settings.uri()).poolConfig(pool).build();
        this.keys = new RedisKeys(settings.keyPrefix());
        this.keeper = new RedisClaimKeeper(redis, keys, settings.consumer(), settings.visibilityTimeout(), this::reachable);
        try {
            ensureGroup();
        } catch (JedisException e) {
            problem = unreachable(e); // the server starts anyway; the keeper's pings notice when Redis is back
        }
        keeper.start();
    }

    /** A consumer name that no other process has: host name, process id and a random part. */
    public static String uniqueConsumerName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "unknown";
        }
        return host + "-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffL);
    }

    /** The Redis URL without credentials, for logs and {@code /health}. */
    public String location() {
        return Uris.withoutCredentials(settings.uri());
    }

    @Override
    public boolean offer(TaskRecord record, TaskPayload payload, int capacity) {
        return checked(() -> {
            Object taken = RedisScripts.OFFER.eval(redis,
                    List.of(keys.queued(), keys.task(record.taskId()), keys.stream()),
                    List.of(bytes(record.taskId()), bytes(record.createdAt().toEpochMilli()), bytes(capacity),
                            Json.bytes(record), payload.encode()));
            return Long.valueOf(1).equals(taken);
        });
    }

    @Override
    public Optional<Claim> claim(Duration wait) throws InterruptedException {
        try {
            Optional<StreamEntry> entry = takeOverAbandoned();
            if (entry.isEmpty() && checkOwnPending) {
                entry = ownOrphan();
            }
            if (entry.isEmpty()) {
                entry = readNew(wait);
            }
            problem = null;
            return entry.isEmpty() ? Optional.empty() : start(entry.get());
        } catch (JedisDataException e) {
            if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                ensureGroup(); // Redis lost its data (restarted without persistence); start a new group
                return Optional.empty();
            }
            throw unavailable(e);
        } catch (JedisException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for a task");
            }
            dropIdleConnections(e);
            checkOwnPending = true;
            throw unavailable(e);
        }
    }

    @Override
    public boolean finish(Claim claim, TaskRecord done, Duration resultTtl) {
        Token token = (Token) claim.token();
        boolean settled = checked(() -> Long.valueOf(1).equals(RedisScripts.FINISH.eval(redis,
                List.of(keys.task(done.taskId()), keys.running(), keys.stream()),
                List.of(bytes(done.taskId()), bytes(token.attempt()), Json.bytes(done), bytes(done.status().id()),
                        bytes(Math.max(1, resultTtl.toMillis())), RedisKeys.group(), bytes(token.entry())))));
        keeper.release(done.taskId());
        return settled;
    }

    @Override
    public void handBack(Claim claim) {
        Token token = (Token) claim.token();
        TaskRecord back = claim.record().requeued(token.attempt() - 1);
        checked(() -> RedisScripts.HAND_BACK.eval(redis,
                List.of(keys.task(back.taskId()), keys.running(), keys.queued(), keys.stream()),
                List.of(bytes(back.taskId()), bytes(token.attempt()), Json.bytes(back),
                        bytes(back.createdAt().toEpochMilli()), RedisKeys.group(), bytes(token.entry()))));
        keeper.release(back.taskId());
    }

    @Override
    public Optional<TaskRecord> get(String taskId) {
        byte[] json = checked(() -> redis.hget(keys.task(taskId), RECORD));
        return json == null ? Optional.empty() : Optional.of(parse(json));
    }

    @Override
    public int queued() {
        queuedCount = count(keys.queued(), queuedCount);
        return queuedCount;
    }

    @Override
    public int running() {
        runningCount = count(keys.running(), runningCount);
        return runningCount;
    }

    @Override
    public int removeFinishedBefore(Instant cutoff) {
        return 0; // finished records carry a Redis TTL
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public List<Claim> takeUnstarted() {
        return List.of(); // what waits in Redis stays there for the other replicas
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backend", "redis");
        details.put("redis", location());
        details.put("consumer", settings.consumer());
        details.put("visibility_timeout_seconds", settings.visibilityTimeout().toMillis() / 1000.0);
        return details;
    }

    @Override
    public void close() {
        keeper.close();
        redis.close();
    }

    /** Entries another consumer received but stopped heart-beating for the visibility timeout. Scanned at most every quarter timeout. */
    private Optional<StreamEntry> takeOverAbandoned() {
        long now = System.nanoTime();
        if (now - lastTakeOverScan < settings.visibilityTimeout().toNanos() / 4) {
            return Optional.empty();
        }
        StreamEntryID cursor = new StreamEntryID(0, 0);
        for (int page = 0; page < 100; page++) {
            Map.Entry<StreamEntryID, List<StreamEntry>> found = redis.xautoclaim(keys.streamName(), RedisKeys.GROUP,
                    settings.consumer(), settings.visibilityTimeout().toMillis(), cursor,
                    XAutoClaimParams.xAutoClaimParams().count(1));
            if (!found.getValue().isEmpty()) {
                return Optional.of(found.getValue().get(0)); // more may wait: scan again on the next claim
            }
            cursor = found.getKey();
            if (cursor.getTime() == 0 && cursor.getSequence() == 0) {
                break;
            }
        }
        lastTakeOverScan = now;
        return Optional.empty();
    }

    /**
     * An entry in this replica's own pending list that none of its workers holds: delivered just as
     * Redis went away, so its start never happened. Without this it would wait for the visibility
     * timeout like a dead replica's.
     */
    private Optional<StreamEntry> ownOrphan() {
        List<Map.Entry<String, List<StreamEntry>>> read = redis.xreadGroup(RedisKeys.GROUP, settings.consumer(),
                XReadGroupParams.xReadGroupParams().count(100), Map.of(keys.streamName(), new StreamEntryID(0, 0)));
        if (read != null && !read.isEmpty()) {
            for (StreamEntry entry : read.get(0).getValue()) {
                String taskId = entry.getFields() == null ? null : entry.getFields().get("task");
                if (taskId == null || !keeper.holds(taskId)) {
                    return Optional.of(entry);
                }
            }
        }
        checkOwnPending = false;
        return Optional.empty();
    }

    private Optional<StreamEntry> readNew(Duration wait) {
        List<Map.Entry<String, List<StreamEntry>>> read = redis.xreadGroup(RedisKeys.GROUP, settings.consumer(),
                XReadGroupParams.xReadGroupParams().count(1).block((int) Math.max(1, wait.toMillis())),
                Map.of(keys.streamName(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        if (read == null || read.isEmpty() || read.get(0).getValue().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(read.get(0).getValue().get(0));
    }

    private Optional<Claim> start(StreamEntry entry) {
        String taskId = entry.getFields() == null ? null : entry.getFields().get("task");
        if (taskId == null) {
            redis.xack(keys.streamName(), RedisKeys.GROUP, entry.getID()); // an entry deleted under us
            return Optional.empty();
        }
        Object started = RedisScripts.START.eval(redis,
                List.of(keys.task(taskId), keys.queued(), keys.running(), keys.stream()),
                List.of(bytes(taskId), bytes(clock.millis()), RedisKeys.group(), bytes(entry.getID())));
        if (!(started instanceof List<?> fields)) {
            return Optional.empty(); // stale: the task expired or was settled already
        }
        int attempt = ((Long) fields.get(0)).intValue();
        TaskRecord processing = parse((byte[]) fields.get(1)).processing(clock.instant(), attempt);
        TaskPayload payload = TaskPayload.decode((byte[]) fields.get(2));
        Object marked = RedisScripts.MARK.eval(redis, List.of(keys.task(taskId)), List.of(bytes(attempt), Json.bytes(processing)));
        if (!Long.valueOf(1).equals(marked)) {
            return Optional.empty();
        }
        Token token = new Token(entry.getID(), attempt);
        keeper.hold(taskId, token);
        return Optional.of(new Claim(processing, payload, attempt, token));
    }

    private void ensureGroup() {
        try {
            redis.xgroupCreate(keys.streamName(), RedisKeys.GROUP, new StreamEntryID(0, 0), true);
        } catch (JedisDataException e) {
            if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
                throw e;
            }
        }
    }

    private int count(byte[] set, int lastKnown) {
        try {
            return (int) redis.zcard(set);
        } catch (JedisException e) {
            problem = unreachable(e); // health says why the count is stale
            return lastKnown;
        }
    }

    /**
     * Runs a Redis call, turning a connection failure into {@link TaskQueueUnavailableException}
     * and recording it for health. A connection failure is tried once more on fresh connections:
     * after Redis restarts, every pooled connection is dead, and the first request should not be
     * the one that finds out.
     */
    private <T> T checked(Supplier<T> call) {
        try {
            return reached(call.get());
        } catch (JedisConnectionException e) {
            dropIdleConnections(e);
            try {
                return reached(call.get());
            } catch (JedisException again) {
                throw unavailable(again);
            }
        } catch (JedisDataException e) {
            if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                ensureGroup();
            }
            throw unavailable(e);
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    private <T> T reached(T value) {
        if (problem != null) {
            problem = null;
        }
        return value;
    }

    private void dropIdleConnections(JedisException cause) {
        if (cause instanceof JedisConnectionException) {
            try {
                redis.getPool().clear();
            } catch (RuntimeException e) {
                // the pool may be closing; the next call finds out
            }
        }
    }

    /** What the keeper's pings found; a Redis that is back gets its consumer group again if it lost it. */
    private void reachable(boolean yes, JedisException cause) {
        if (yes) {
            if (problem != null) {
                try {
                    ensureGroup();
                } catch (JedisException e) {
                    return;
                }
            }
            problem = null;
        } else {
            problem = unreachable(cause);
            dropIdleConnections(cause);
        }
    }

    private TaskQueueUnavailableException unavailable(JedisException e) {
        problem = unreachable(e);
        return new TaskQueueUnavailableException(problem, e);
    }

    private String unreachable(JedisException e) {
        return "Redis at " + location() + " cannot be used: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }

    private static TaskRecord parse(byte[] json) {
        try {
            return Json.MAPPER.readValue(json, TaskRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("a task record in Redis is not JSON the server wrote", e);
        }
    }

    private static byte[] bytes(Object value) {
        return RedisScripts.bytes(value);
    }
}
