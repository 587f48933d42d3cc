package dev.mlportfolio.server.tasks.redis;

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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

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
    /** How long an entry of this replica's own pending list must have waited to count as an orphan. */
    private static final Duration ORPHAN_MIN_IDLE = Duration.ofSeconds(1);

    private final Settings settings;
    private final Clock clock;
    private final RedisConnection connection;
    private final RedisClient redis;
    private final RedisKeys keys;
    private final RedisClaimKeeper keeper;
    private volatile long lastTakeOverScan;
    /** Set after an outage: entries delivered to this replica whose start never reached Redis wait in its own pending list. */
    private volatile boolean checkOwnPending;
    /**
     * Entries a worker of this replica was just given and is starting: in the pending list already,
     * not yet held by the keeper. The orphan scan must not start them a second time (each start
     * counts an attempt; a scan racing the other workers once spent all of a task's attempts in 14 ms).
     */
    private final Set<StreamEntryID> starting = ConcurrentHashMap.newKeySet();
    /** One orphan scan and its start at a time, so two workers never start the same orphan. */
    private final ReentrantLock orphanScan = new ReentrantLock();
    /** The last counts read, for gauges and health while Redis cannot be reached. */
    private volatile int queuedCount;
    private volatile int runningCount;

    public RedisTaskQueue(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.keys = new RedisKeys(settings.keyPrefix());
        this.connection = new RedisConnection(settings.uri(), settings.connections(), this::ensureGroupQuietly);
        this.redis = connection.client();
        this.keeper = new RedisClaimKeeper(connection, keys, settings.consumer(), settings.visibilityTimeout());
        try {
            ensureGroup();
        } catch (JedisException e) {
            connection.failed(e); // the server starts anyway; the keeper's pings notice when Redis is back
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
        return connection.location();
    }

    @Override
    public boolean offer(TaskRecord record, TaskPayload payload, int capacity) {
        return connection.call(() -> {
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
                Optional<Claim> orphan = startOwnOrphan();
                if (orphan.isPresent()) {
                    return connection.succeeded(orphan);
                }
            }
            if (entry.isEmpty()) {
                entry = readNew(wait);
            }
            return connection.succeeded(entry.isEmpty() ? Optional.empty() : startGiven(entry.get()));
        } catch (JedisDataException e) {
            if (RedisConnection.lostGroup(e)) {
                ensureGroupQuietly(); // Redis lost its data (restarted without persistence); start a new group
                return Optional.empty();
            }
            throw connection.failed(e);
        } catch (JedisException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for a task");
            }
            checkOwnPending = true;
            throw connection.failed(e);
        }
    }

    @Override
    public boolean finish(Claim claim, TaskRecord done, Duration resultTtl) {
        Token token = (Token) claim.token();
        boolean settled = connection.call(() -> Long.valueOf(1).equals(RedisScripts.FINISH.eval(redis,
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
        connection.call(() -> RedisScripts.HAND_BACK.eval(redis,
                List.of(keys.task(back.taskId()), keys.running(), keys.queued(), keys.stream()),
                List.of(bytes(back.taskId()), bytes(token.attempt()), Json.bytes(back),
                        bytes(back.createdAt().toEpochMilli()), RedisKeys.group(), bytes(token.entry()))));
        keeper.release(back.taskId());
    }

    @Override
    public Optional<TaskRecord> get(String taskId) {
        byte[] json = connection.call(() -> redis.hget(keys.task(taskId), RECORD));
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
        return connection.problem();
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
        connection.close();
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
                starting.add(found.getValue().get(0).getID());
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

    /** Starts an entry this worker was given by a read or a take-over (marked as starting since it arrived). */
    private Optional<Claim> startGiven(StreamEntry entry) {
        try {
            return start(entry);
        } finally {
            starting.remove(entry.getID());
        }
    }

    /**
     * Starts an entry in this replica's own pending list that none of its workers holds or is
     * starting: delivered just as Redis went away, so its start never happened. Without this it
     * would wait for the visibility timeout like a dead replica's. Only entries idle for a while
     * count: one delivered a moment ago may still be on its way to the worker it was given to.
     */
    private Optional<Claim> startOwnOrphan() {
        orphanScan.lock();
        try {
            long minIdle = Math.min(ORPHAN_MIN_IDLE.toMillis(), settings.visibilityTimeout().toMillis() / 4);
            boolean youngOnes = false;
            List<StreamPendingEntry> pending = redis.xpending(keys.streamName(), RedisKeys.GROUP,
                    XPendingParams.xPendingParams().start(StreamEntryID.MINIMUM_ID).end(StreamEntryID.MAXIMUM_ID)
                            .count(100).consumer(settings.consumer()));
            for (StreamPendingEntry candidate : pending) {
                // Skipped from what XPENDING says, before fetching the entry: usually every pending
                // entry is one a worker here runs.
                if (starting.contains(candidate.getID()) || keeper.holdsEntry(candidate.getID())) {
                    continue;
                }
                List<StreamEntry> found = redis.xrange(keys.streamName(), candidate.getID(), candidate.getID());
                StreamEntry entry = found.isEmpty() ? new StreamEntry(candidate.getID(), null) : found.get(0);
                String taskId = entry.getFields() == null ? null : entry.getFields().get("task");
                if (taskId != null && keeper.holds(taskId)) {
                    continue;
                }
                if (candidate.getIdleTime() < minIdle) {
                    youngOnes = true;
                    continue;
                }
                Optional<Claim> claim = start(entry);
                if (claim.isPresent()) {
                    return claim;
                }
            }
            checkOwnPending = youngOnes;
            return Optional.empty();
        } finally {
            orphanScan.unlock();
        }
    }

    private Optional<StreamEntry> readNew(Duration wait) {
        List<Map.Entry<String, List<StreamEntry>>> read = redis.xreadGroup(RedisKeys.GROUP, settings.consumer(),
                XReadGroupParams.xReadGroupParams().count(1).block((int) Math.max(1, wait.toMillis())),
                Map.of(keys.streamName(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        if (read == null || read.isEmpty() || read.get(0).getValue().isEmpty()) {
            return Optional.empty();
        }
        starting.add(read.get(0).getValue().get(0).getID());
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

    private void ensureGroupQuietly() {
        try {
            ensureGroup();
        } catch (JedisException e) {
            // still unreachable: the next ping or call tries again
        }
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
            connection.failed(e); // health says why the count is stale
            return lastKnown;
        }
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
