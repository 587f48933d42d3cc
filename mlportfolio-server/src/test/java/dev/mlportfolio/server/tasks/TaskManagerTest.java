package dev.mlportfolio.server.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskManagerTest {
    private final List<TaskManager> managers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        managers.forEach(TaskManager::close);
    }

    @Test
    void neverRunsMoreThanTheWorkerCountAtOnce() throws Exception {
        TaskManager tasks = manager(3, 100, Duration.ofHours(1), Clock.systemUTC());
        AtomicInteger now = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(tasks.submit("t", "r", () -> {
                int running = now.incrementAndGet();
                peak.accumulateAndGet(running, Math::max);
                Thread.sleep(5);
                now.decrementAndGet();
                return IntNode.valueOf(running);
            }).taskId());
        }
        awaitAll(tasks, ids);
        assertEquals(3, peak.get(), "three workers were all busy at some point, and never more");
        ids.forEach(id -> assertEquals(TaskStatus.COMPLETED, tasks.get(id).orElseThrow().status()));
    }

    @Test
    void refusesWhenTheQueueIsFullAndTakesWorkAgainAfterwards() throws Exception {
        TaskManager tasks = manager(1, 2, Duration.ofHours(1), Clock.systemUTC());
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        String running = tasks.submit("t", "r", () -> {
            started.countDown();
            gate.await();
            return TextNode.valueOf("done");
        }).taskId();
        assertTrue(started.await(5, TimeUnit.SECONDS));
        String q1 = tasks.submit("t", "r", () -> TextNode.valueOf("q1")).taskId();
        String q2 = tasks.submit("t", "r", () -> TextNode.valueOf("q2")).taskId();
        assertEquals(2, tasks.queued());
        TaskRejectedException full = assertThrows(TaskRejectedException.class,
                () -> tasks.submit("t", "r", () -> TextNode.valueOf("x")));
        assertEquals(TaskRejectedException.Reason.QUEUE_FULL, full.reason());
        assertTrue(full.retryAfterSeconds() >= 1);
        assertEquals(TaskStatus.PROCESSING, tasks.get(running).orElseThrow().status());
        assertEquals(TaskStatus.QUEUED, tasks.get(q1).orElseThrow().status());

        gate.countDown();
        awaitAll(tasks, List.of(running, q1, q2));
        assertEquals("q2", tasks.get(q2).orElseThrow().result().asText());
        String later = tasks.submit("t", "r", () -> TextNode.valueOf("later")).taskId();
        awaitAll(tasks, List.of(later));
    }

    @Test
    void recordsTheFailureOfWorkThatThrows() throws Exception {
        TaskManager tasks = manager(1, 10, Duration.ofHours(1), Clock.systemUTC());
        String id = tasks.submit("t", "req-7", () -> {
            throw new IllegalStateException("model exploded");
        }).taskId();
        awaitAll(tasks, List.of(id));
        TaskRecord record = tasks.get(id).orElseThrow();
        assertEquals(TaskStatus.FAILED, record.status());
        assertEquals("model exploded", record.error());
        assertEquals("req-7", record.requestId());
        assertTrue(record.result() == null);
        assertFalse(record.finishedAt().isBefore(record.startedAt()));
    }

    @Test
    void finishedResultsExpireAfterTheirTtl() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        TaskManager tasks = manager(1, 10, Duration.ofMinutes(10), clock);
        String id = tasks.submit("t", "r", () -> TextNode.valueOf("x")).taskId();
        awaitAll(tasks, List.of(id));

        clock.advance(Duration.ofMinutes(9));
        assertEquals(0, tasks.sweepExpired());
        assertTrue(tasks.get(id).isPresent(), "kept within the TTL");
        clock.advance(Duration.ofMinutes(2));
        assertEquals(1, tasks.sweepExpired());
        assertTrue(tasks.get(id).isEmpty(), "gone after the TTL");
    }

    @Test
    void unfinishedTasksNeverExpire() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        TaskManager tasks = manager(1, 10, Duration.ofSeconds(1), clock);
        CountDownLatch gate = new CountDownLatch(1);
        String id = tasks.submit("t", "r", () -> {
            gate.await();
            return TextNode.valueOf("x");
        }).taskId();
        clock.advance(Duration.ofDays(1));
        assertEquals(0, tasks.sweepExpired());
        assertTrue(tasks.get(id).isPresent());
        gate.countDown();
        awaitAll(tasks, List.of(id));
    }

    @Test
    void theScheduledSweepRemovesExpiredResultsOnItsOwn() throws Exception {
        TaskManager tasks = new TaskManager(new InMemoryTaskStore(),
                new TaskManager.Settings(1, 10, Duration.ofMillis(50), Duration.ofMillis(20)), Clock.systemUTC(),
                TaskManager.Listener.NONE);
        managers.add(tasks);
        String id = tasks.submit("t", "r", () -> TextNode.valueOf("x")).taskId();
        awaitAll(tasks, List.of(id));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (tasks.get(id).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(tasks.get(id).isEmpty(), "swept without anyone asking");
    }

    @Test
    void shutdownLetsQueuedAndRunningTasksFinish() throws Exception {
        TaskManager tasks = manager(2, 10, Duration.ofHours(1), Clock.systemUTC());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(tasks.submit("t", "r", () -> {
                Thread.sleep(50);
                return TextNode.valueOf("ok");
            }).taskId());
        }
        assertTrue(tasks.shutdown(Duration.ofSeconds(10)), "drained within the grace period");
        ids.forEach(id -> assertEquals(TaskStatus.COMPLETED, tasks.get(id).orElseThrow().status()));
        TaskRejectedException refused = assertThrows(TaskRejectedException.class,
                () -> tasks.submit("t", "r", () -> TextNode.valueOf("late")));
        assertEquals(TaskRejectedException.Reason.SHUTTING_DOWN, refused.reason());
        assertFalse(tasks.accepting());
    }

    @Test
    void shutdownMarksWhatDidNotFinishInTheGracePeriodAsFailed() throws Exception {
        TaskManager tasks = manager(1, 10, Duration.ofHours(1), Clock.systemUTC());
        CountDownLatch started = new CountDownLatch(1);
        String stuck = tasks.submit("t", "r", () -> {
            started.countDown();
            Thread.sleep(60_000);
            return TextNode.valueOf("never");
        }).taskId();
        String waiting = tasks.submit("t", "r", () -> TextNode.valueOf("never ran")).taskId();
        assertTrue(started.await(5, TimeUnit.SECONDS));

        assertFalse(tasks.shutdown(Duration.ofMillis(100)));
        TaskRecord interrupted = tasks.get(stuck).orElseThrow();
        assertEquals(TaskStatus.FAILED, interrupted.status());
        assertTrue(interrupted.error().contains("shutdown"), interrupted.error());
        TaskRecord neverStarted = tasks.get(waiting).orElseThrow();
        assertEquals(TaskStatus.FAILED, neverStarted.status());
        assertTrue(neverStarted.error().contains("before this task started"), neverStarted.error());
    }

    @Test
    void listenerHearsSubmissionsAndEndings() throws Exception {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        TaskManager tasks = new TaskManager(new InMemoryTaskStore(),
                new TaskManager.Settings(1, 1, Duration.ofHours(1), Duration.ofMinutes(1)), Clock.systemUTC(),
                new TaskManager.Listener() {
                    @Override
                    public void submitted(String kind, String outcome) {
                        events.add("submitted " + kind + " " + outcome);
                    }

                    @Override
                    public void finished(String kind, TaskStatus status, Duration runTime) {
                        events.add("finished " + kind + " " + status.id());
                    }
                });
        managers.add(tasks);
        String id = tasks.submit("image", "r", () -> TextNode.valueOf("x")).taskId();
        awaitAll(tasks, List.of(id));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (events.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertEquals(List.of("submitted image accepted", "finished image completed"), events);
    }

    private TaskManager manager(int workers, int queue, Duration ttl, Clock clock) {
        TaskManager tasks = new TaskManager(new InMemoryTaskStore(), new TaskManager.Settings(workers, queue, ttl,
                Duration.ofHours(1)), clock, TaskManager.Listener.NONE);
        managers.add(tasks);
        return tasks;
    }

    private static void awaitAll(TaskManager tasks, List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (String id : ids) {
            while (!tasks.get(id).orElseThrow().status().finished()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("task " + id + " did not finish: " + tasks.get(id));
                }
                Thread.sleep(2);
            }
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
