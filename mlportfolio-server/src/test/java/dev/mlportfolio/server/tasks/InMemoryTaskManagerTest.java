package dev.mlportfolio.server.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The contract on the in-memory queue, plus what only a local queue does: sweeping by the clock, and shutdown that runs the queue dry. */
class InMemoryTaskManagerTest extends TaskManagerContract {
    @Override
    protected TaskQueue newQueue(Clock clock) {
        return new InMemoryTaskQueue(clock);
    }

    @Test
    void finishedResultsExpireAfterTheirTtl() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        TaskManager tasks = manager(1, 10, Duration.ofMinutes(10), clock);
        String id = submit(tasks, "t", "r", () -> TextNode.valueOf("x")).taskId();
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
        String id = submit(tasks, "t", "r", () -> {
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
        TaskManager tasks = manager(new TaskManager.Settings(1, 10, Duration.ofMillis(50), Duration.ofMillis(20)),
                TaskManager.Listener.NONE);
        String id = submit(tasks, "t", "r", () -> TextNode.valueOf("x")).taskId();
        awaitAll(tasks, List.of(id));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (tasks.get(id).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(tasks.get(id).isEmpty(), "swept without anyone asking");
    }

    @Test
    void shutdownLetsQueuedAndRunningTasksFinish() throws Exception {
        TaskManager tasks = manager(2, 10, Duration.ofHours(1));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(submit(tasks, "t", "r", () -> {
                Thread.sleep(50);
                return TextNode.valueOf("ok");
            }).taskId());
        }
        assertTrue(tasks.shutdown(Duration.ofSeconds(10)), "drained within the grace period");
        ids.forEach(id -> assertEquals(TaskStatus.COMPLETED, tasks.get(id).orElseThrow().status()));
        assertEquals(0, tasks.running());
    }

    @Test
    void shutdownMarksWhatDidNotFinishInTheGracePeriodAsFailed() throws Exception {
        TaskManager tasks = manager(1, 10, Duration.ofHours(1));
        CountDownLatch started = new CountDownLatch(1);
        String stuck = submit(tasks, "t", "r", () -> {
            started.countDown();
            Thread.sleep(60_000);
            return TextNode.valueOf("never");
        }).taskId();
        String waiting = submit(tasks, "t", "r", () -> TextNode.valueOf("never ran")).taskId();
        assertTrue(started.await(5, TimeUnit.SECONDS));

        assertFalse(tasks.shutdown(Duration.ofMillis(100)));
        TaskRecord interrupted = tasks.get(stuck).orElseThrow();
        assertEquals(TaskStatus.FAILED, interrupted.status());
        assertTrue(interrupted.error().contains("shutdown"), interrupted.error());
        TaskRecord neverStarted = tasks.get(waiting).orElseThrow();
        assertEquals(TaskStatus.FAILED, neverStarted.status());
        assertTrue(neverStarted.error().contains("before this task started"), neverStarted.error());
        assertEquals(0, tasks.queued());
        assertEquals(0, tasks.running());
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
