package dev.mlportfolio.server.tasks.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mlportfolio.core.testing.SkipEachTest;
import dev.mlportfolio.server.tasks.TaskManager;
import dev.mlportfolio.server.tasks.TaskManagerContract;
import dev.mlportfolio.server.tasks.TaskPayload;
import dev.mlportfolio.server.tasks.TaskQueue;
import dev.mlportfolio.server.tasks.TaskQueueUnavailableException;
import dev.mlportfolio.server.tasks.TaskRecord;
import dev.mlportfolio.server.tasks.TaskRejectedException;
import dev.mlportfolio.server.tasks.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/**
 * The contract on the Redis queue against a real redis-server, plus what only a shared queue does:
 * several managers (replicas) on one queue, take-over of a dead replica's task, the attempt limit,
 * hand-back on drain, expiry by Redis, and a Redis outage.
 */
@ExtendWith(SkipEachTest.class)
class RedisTaskManagerTest extends TaskManagerContract {
    private static final Duration VISIBILITY = Duration.ofMillis(900);
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static RedisProcess redis;
    private static RedisClient inspect;
    private final List<TaskQueue> rawQueues = new ArrayList<>();
    private String prefix = nextPrefix();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisProcess.start();
        inspect = RedisClient.create(redis.uri());
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (inspect != null) {
            inspect.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Each test gets its own key prefix, shared by every manager (replica) the test makes. */
    @Override
    protected TaskQueue newQueue(Clock clock) {
        return queue(prefix, "replica-" + PREFIXES.incrementAndGet(), clock);
    }

    private RedisTaskQueue queue(String keyPrefix, String consumer, Clock clock) {
        return new RedisTaskQueue(new RedisTaskQueue.Settings(redis.uri(), keyPrefix, VISIBILITY, 16, consumer), clock);
    }

    private static String nextPrefix() {
        return "test" + PREFIXES.incrementAndGet() + ":";
    }

    @Test
    void anyReplicaAnswersForATaskAnotherAccepted() throws Exception {
        TaskManager a = manager(1, 10, Duration.ofHours(1));
        TaskManager b = manager(1, 10, Duration.ofHours(1));
        TaskRecord queued = submit(a, "t", "r", () -> TextNode.valueOf("done"));
        assertTrue(b.get(queued.taskId()).isPresent(), "the other replica sees the record at once");
        awaitAll(b, List.of(queued.taskId()));
        assertEquals("done", b.get(queued.taskId()).orElseThrow().result().asText());
        assertEquals(a.get(queued.taskId()), b.get(queued.taskId()), "the same record, whoever asks");
    }

    @Test
    void eachTaskRunsOnceAcrossReplicas() throws Exception {
        List<TaskManager> replicas = List.of(manager(2, 500, Duration.ofHours(1)), manager(2, 500, Duration.ofHours(1)),
                manager(2, 500, Duration.ofHours(1)));
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        Map<String, Boolean> threads = new ConcurrentHashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            int n = i;
            runs.put(n, new AtomicInteger());
            ids.add(submit(replicas.get(i % 3), "t", "r", () -> {
                runs.get(n).incrementAndGet();
                threads.put(Thread.currentThread().getName() + "@" + System.identityHashCode(Thread.currentThread()), true);
                Thread.sleep(2);
                return IntNode.valueOf(n);
            }).taskId());
        }
        awaitAll(replicas.get(0), ids, Duration.ofSeconds(60));
        runs.forEach((n, count) -> assertEquals(1, count.get(), "task " + n + " ran once"));
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(i, replicas.get(1).get(ids.get(i)).orElseThrow().result().asInt());
        }
        long working = replicas.stream().filter(r -> r.claimedHere() > 0).count();
        assertEquals(3, working, "every replica took some of the work");
        assertEquals(0, replicas.get(2).queued());
        assertEquals(0, replicas.get(2).running());
    }

    @Test
    void theQueueBoundHoldsAcrossReplicas() throws Exception {
        TaskManager a = manager(1, 2, Duration.ofHours(1));
        TaskManager b = manager(1, 2, Duration.ofHours(1));
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch twoRunning = new CountDownLatch(2);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ids.add(submit(a, "t", "r", () -> {
                twoRunning.countDown();
                gate.await();
                return TextNode.valueOf("ran");
            }).taskId());
        }
        assertTrue(twoRunning.await(10, TimeUnit.SECONDS), "one task runs on each replica");
        ids.add(submit(a, "t", "r", () -> TextNode.valueOf("q")).taskId());
        ids.add(submit(b, "t", "r", () -> TextNode.valueOf("q")).taskId());
        assertEquals(2, a.queued());
        assertEquals(2, b.running());
        TaskRejectedException full = assertThrows(TaskRejectedException.class,
                () -> submit(b, "t", "r", () -> TextNode.valueOf("x")));
        assertEquals(TaskRejectedException.Reason.QUEUE_FULL, full.reason());
        gate.countDown();
        awaitAll(a, ids);
    }

    @Test
    void aTaskWhoseReplicaDiedIsTakenOverAndCompletesOnce() throws Exception {
        RedisTaskQueue dead = queue(prefix, "dead-replica", Clock.systemUTC());
        // Queued through a bare queue (no manager's worker may take it first), then claimed by the "dead" replica.
        RedisTaskQueue front = queue(prefix, "front", Clock.systemUTC());
        rawQueues.add(front);
        TaskRecord record = TaskRecord.queued(java.util.UUID.randomUUID().toString(), "t", "r", Clock.systemUTC().instant());
        AtomicInteger runs = new AtomicInteger();
        int work = registerWork(() -> {
            runs.incrementAndGet();
            return TextNode.valueOf("second try");
        });
        assertTrue(front.offer(record, payloadFor(work), 10));
        TaskQueue.Claim lost = dead.claim(Duration.ofSeconds(2)).orElseThrow();
        assertEquals(1, lost.attempt());
        dead.close(); // no heartbeats, no result: as if killed with SIGKILL

        AtomicInteger redelivered = new AtomicInteger();
        TaskManager taker = manager(new TaskManager.Settings(1, 10, Duration.ofHours(1), Duration.ofHours(1)),
                new TaskManager.Listener() {
                    @Override
                    public void claimed(String kind, int attempt) {
                        if (attempt > 1) {
                            redelivered.incrementAndGet();
                        }
                    }
                });
        awaitAll(taker, List.of(record.taskId()), Duration.ofSeconds(30));
        TaskRecord done = taker.get(record.taskId()).orElseThrow();
        assertEquals(TaskStatus.COMPLETED, done.status());
        assertEquals(2, done.attempts());
        assertEquals("second try", done.result().asText());
        assertEquals(1, runs.get());
        assertEquals(1, redelivered.get());
        assertEquals(1, taker.takenOverHere());

        // The replica thought dead comes back with its old claim: its result does not count.
        RedisTaskQueue late = queue(prefix, "dead-replica", Clock.systemUTC());
        rawQueues.add(late);
        assertFalse(late.finish(lost, lost.record().completed(TextNode.valueOf("stale"), Clock.systemUTC().instant()),
                Duration.ofHours(1)));
        assertEquals("second try", taker.get(record.taskId()).orElseThrow().result().asText());
        assertEquals(0, taker.running());
    }

    /**
     * After an outage every worker of a replica looks for entries delivered to it whose start never
     * reached Redis. Many workers looking at once must start such an orphan once: each start counts
     * an attempt, and ReplicasIT once saw one replica's workers spend all of a task's attempts on
     * one orphan within 14 ms ("started 4 times"), failing a task nothing had ever run.
     */
    @Test
    void workersLookingForOrphansAfterAnOutageStartEachOnce() throws Exception {
        RedisTaskQueue front = queue(prefix, "front", Clock.systemUTC());
        rawQueues.add(front);
        RedisTaskQueue replica = queue(prefix, "replica-with-orphans", Clock.systemUTC());
        rawQueues.add(replica);
        TaskRecord record = TaskRecord.queued(java.util.UUID.randomUUID().toString(), "t", "r", Clock.systemUTC().instant());
        assertTrue(front.offer(record, payloadFor(registerWork(() -> TextNode.valueOf("x"))), 10));
        // Delivered to the replica's consumer, as a read whose answer was lost when Redis went away.
        // (A client of its own: the shared one's pooled connection would not survive the stop.)
        try (RedisClient lost = RedisClient.create(redis.uri())) {
            lost.xreadGroup(RedisKeys.GROUP, "replica-with-orphans", XReadGroupParams.xReadGroupParams().count(1),
                    Map.of(new RedisKeys(prefix).streamName(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        }
        redis.stop();
        try {
            assertThrows(TaskQueueUnavailableException.class, () -> replica.claim(Duration.ofMillis(100)));
        } finally {
            redis.restart();
            inspect.close(); // its pooled connections died with the stop
            inspect = RedisClient.create(redis.uri());
        }
        int workers = 8;
        List<TaskQueue.Claim> claims = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (System.nanoTime() < deadline) {
                        try {
                            replica.claim(Duration.ofMillis(50)).ifPresent(claims::add);
                        } catch (TaskQueueUnavailableException e) {
                            Thread.sleep(50); // the pool's first calls after the restart
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, claims.size(), "the orphan is started by one worker: " + claims);
        assertEquals(1, claims.get(0).attempt(), "and its first start is attempt 1");
        assertEquals(record.taskId(), claims.get(0).record().taskId());
    }

    @Test
    void aTaskThatKeepsKillingItsReplicaEndsFailedWithTheAttemptCount() throws Exception {
        RedisTaskQueue front = queue(prefix, "front", Clock.systemUTC());
        rawQueues.add(front);
        TaskRecord record = TaskRecord.queued(java.util.UUID.randomUUID().toString(), "t", "r", Clock.systemUTC().instant());
        assertTrue(front.offer(record, payloadFor(registerWork(() -> TextNode.valueOf("never"))), 10));
        for (int attempt = 1; attempt <= 2; attempt++) {
            RedisTaskQueue dying = queue(prefix, "dying-" + attempt, Clock.systemUTC());
            TaskQueue.Claim claim = awaitClaim(dying);
            assertEquals(attempt, claim.attempt());
            dying.close();
        }
        TaskManager last = manager(new TaskManager.Settings(1, 10, Duration.ofHours(1), Duration.ofHours(1), 2),
                TaskManager.Listener.NONE);
        awaitAll(last, List.of(record.taskId()), Duration.ofSeconds(30));
        TaskRecord failed = last.get(record.taskId()).orElseThrow();
        assertEquals(TaskStatus.FAILED, failed.status());
        assertTrue(failed.error().contains("started 2 times"), failed.error());
        assertEquals(3, failed.attempts());
    }

    @Test
    void aDrainingReplicaHandsBackWhatItCannotFinish() throws Exception {
        TaskManager draining = manager(1, 10, Duration.ofHours(1));
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        String id = submit(draining, "t", "r", () -> {
            if (runs.incrementAndGet() == 1) {
                started.countDown();
                Thread.sleep(60_000); // interrupted by the drain
            }
            return TextNode.valueOf("finished elsewhere");
        }).taskId();
        String queuedBehind = submit(draining, "t", "r", () -> TextNode.valueOf("also elsewhere")).taskId();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertFalse(draining.shutdown(Duration.ofMillis(300)), "the running task did not finish in the grace period");
        TaskRecord back = draining.get(id).orElseThrow();
        assertEquals(TaskStatus.QUEUED, back.status(), "handed back, not failed");
        assertEquals(0, back.attempts(), "the given-up attempt does not count");
        assertEquals(TaskStatus.QUEUED, draining.get(queuedBehind).orElseThrow().status(), "not claimed by the drainer");

        TaskManager other = manager(1, 10, Duration.ofHours(1));
        awaitAll(other, List.of(id, queuedBehind));
        TaskRecord done = other.get(id).orElseThrow();
        assertEquals("finished elsewhere", done.result().asText());
        assertEquals(1, done.attempts());
        assertEquals(2, runs.get());
    }

    @Test
    void finishedRecordsExpireInRedisAndDropTheirPayload() throws Exception {
        TaskManager tasks = manager(1, 10, Duration.ofSeconds(1));
        String id = submit(tasks, "t", "r", () -> TextNode.valueOf("x")).taskId();
        byte[] key = (prefix + "task:" + id).getBytes(StandardCharsets.UTF_8);
        awaitAll(tasks, List.of(id));
        assertNull(inspect.hget(key, "payload".getBytes(StandardCharsets.UTF_8)), "the payload went with the result");
        assertTrue(inspect.pttl(key) > 0 && inspect.pttl(key) <= 1000, "expires within the TTL: " + inspect.pttl(key));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (tasks.get(id).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(tasks.get(id).isEmpty(), "gone after the TTL");
    }

    @Test
    void theUploadTravelsWithTheTaskByteForByte() throws Exception {
        TaskManager a = manager(1, 10, Duration.ofHours(1));
        byte[] data = new byte[3 << 20];
        new java.util.Random(7).nextBytes(data);
        a.handle("echo", (task, payload) -> IntNode.valueOf(java.util.Arrays.hashCode(payload.data())
                + payload.params().get("salt").asInt()));
        String id = a.submit("echo", "r", new TaskPayload(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("salt", 5), data)).taskId();
        awaitAll(a, List.of(id));
        assertEquals(java.util.Arrays.hashCode(data) + 5, a.get(id).orElseThrow().result().asInt());
    }

    @Test
    void redisDownRefusesNewTasksAndLosesNoneAcceptedBefore() throws Exception {
        TaskManager tasks = manager(1, 10, Duration.ofHours(1));
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        List<String> ids = new ArrayList<>();
        ids.add(submit(tasks, "t", "r", () -> {
            started.countDown();
            gate.await();
            return TextNode.valueOf("ran through the outage");
        }).taskId());
        for (int i = 0; i < 3; i++) {
            ids.add(submit(tasks, "t", "r", () -> TextNode.valueOf("queued before")).taskId());
        }
        assertTrue(started.await(10, TimeUnit.SECONDS));
        redis.stop();
        try {
            assertThrows(TaskQueueUnavailableException.class, () -> submit(tasks, "t", "r", () -> TextNode.valueOf("x")));
            assertThrows(TaskQueueUnavailableException.class, () -> tasks.get(ids.get(0)));
            Optional<String> problem = tasks.queue().problem();
            assertTrue(problem.isPresent() && problem.get().contains("127.0.0.1:" + redis.port()), String.valueOf(problem));
            gate.countDown(); // finishes while Redis is away: the worker keeps the result and retries
            Thread.sleep(1500);
        } finally {
            redis.restart();
        }
        awaitAll(tasks, ids, Duration.ofSeconds(30));
        assertEquals("ran through the outage", tasks.get(ids.get(0)).orElseThrow().result().asText());
        ids.forEach(id -> assertEquals(TaskStatus.COMPLETED, tasks.get(id).orElseThrow().status()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (tasks.queue().problem().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(tasks.queue().problem().isEmpty(), "healthy again");
    }

    @Override
    @org.junit.jupiter.api.AfterEach
    protected void closeAll() {
        super.closeAll();
        rawQueues.forEach(TaskQueue::close);
        prefix = nextPrefix();
    }

    private TaskQueue.Claim awaitClaim(RedisTaskQueue queue) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Optional<TaskQueue.Claim> claim = queue.claim(Duration.ofMillis(200));
            if (claim.isPresent()) {
                return claim.get();
            }
        }
        throw new AssertionError("nothing to claim");
    }
}
