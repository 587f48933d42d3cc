package dev.mlportfolio.server.tasks.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.StreamConsumersInfo;

/**
 * The queue's background chores, on one daemon thread: heartbeats for the tasks this replica runs
 * (every third of the visibility timeout, so a live claim never looks abandoned), a ping that keeps
 * the queue's health current, and removal of consumers that replicas long gone left in the group.
 */
final class RedisClaimKeeper implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RedisClaimKeeper.class.getName());
    /** A consumer with nothing pending and idle this long belongs to a replica that is gone. */
    private static final Duration GONE_AFTER = Duration.ofHours(1);
    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(5);

    private final RedisConnection connection;
    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final String consumer;
    private final Duration heartbeatEvery;
    private final Map<String, RedisTaskQueue.Token> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread;
    private long lastCleanup;
    private long lastBeat;

    RedisClaimKeeper(RedisConnection connection, RedisKeys keys, String consumer, Duration visibilityTimeout) {
        this.connection = connection;
        this.redis = connection.client();
        this.keys = keys;
        this.consumer = consumer;
        this.heartbeatEvery = visibilityTimeout.dividedBy(3);
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("redis-task-keeper").factory());
        this.lastCleanup = System.nanoTime();
    }

    void start() {
        long every = Math.min(1000, heartbeatEvery.toMillis());
        thread.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    void hold(String taskId, RedisTaskQueue.Token token) {
        held.put(taskId, token);
    }

    boolean holds(String taskId) {
        return held.containsKey(taskId);
    }

    /** Whether a task this replica runs was claimed through this stream entry (one per running task: few). */
    boolean holdsEntry(StreamEntryID entry) {
        for (RedisTaskQueue.Token token : held.values()) {
            if (token.entry().equals(entry)) {
                return true;
            }
        }
        return false;
    }

    void release(String taskId) {
        held.remove(taskId);
    }

    private void tick() {
        if (!connection.ping()) {
            return;
        }
        try {
            long now = System.nanoTime();
            if (now - lastBeat >= heartbeatEvery.toNanos() * 9 / 10) {
                beat();
                lastBeat = now;
            }
            if (now - lastCleanup >= CLEANUP_EVERY.toNanos()) {
                removeGoneConsumers();
                lastCleanup = now;
            }
        } catch (JedisException e) {
            connection.failed(e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "task queue upkeep failed", e);
        }
    }

    private void beat() {
        for (Map.Entry<String, RedisTaskQueue.Token> claim : held.entrySet()) {
            RedisTaskQueue.Token token = claim.getValue();
            Object alive = RedisScripts.HEARTBEAT.eval(redis, List.of(keys.task(claim.getKey()), keys.stream()),
                    List.of(RedisScripts.bytes(token.attempt()), RedisKeys.group(), RedisScripts.bytes(consumer),
                            RedisScripts.bytes(token.entry())));
            if (!Long.valueOf(1).equals(alive)) {
                held.remove(claim.getKey(), token);
                LOG.warning("task " + claim.getKey() + " was taken over by another replica while it ran here "
                        + "(heartbeats came too late); only the new owner's result will count");
            }
        }
    }

    private void removeGoneConsumers() {
        List<StreamConsumersInfo> consumers = redis.xinfoConsumers(keys.streamName(), RedisKeys.GROUP);
        for (StreamConsumersInfo info : consumers) {
            if (!info.getName().equals(consumer) && info.getPending() == 0 && info.getIdle() > GONE_AFTER.toMillis()) {
                redis.xgroupDelConsumer(keys.streamName(), RedisKeys.GROUP, info.getName());
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
