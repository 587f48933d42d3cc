package dev.mlportfolio.server.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every task queue must do under the {@link TaskManager}, run once per backend by the
 * subclasses. The work is a closure kept in this JVM and named by a number in the payload, so the
 * tests can hold and release it; the payload itself still goes through the queue as data.
 */
public abstract class TaskManagerContract {
    private final List<TaskManager> managers = new ArrayList<>();
    private final Map<Integer, Callable<JsonNode>> works = new ConcurrentHashMap<>();
    private final AtomicInteger nextWork = new AtomicInteger();

    /** A fresh, empty queue. */
    protected abstract TaskQueue newQueue(Clock clock);

    @AfterEach
    protected void closeAll() {
        managers.forEach(TaskManager::close);
    }

    @Test
    void neverRunsMoreThanTheWorkerCountAtOnce() throws Exception {
        TaskManager tasks = manager(3, 100, Duration.ofHours(1));
        AtomicInteger now = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch threeRunning = new CountDownLatch(3);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(submit(tasks, "t", "r", () -> {
                int running = now.incrementAndGet();
                peak.accumulateAndGet(running, Math::max);
                threeRunning.countDown();
                threeRunning.await(10, TimeUnit.SECONDS); // the first three wait for each other
                Thread.sleep(5);
                now.decrementAndGet();
                return IntNode.valueOf(running);
            }).taskId());
        }
        awaitAll(tasks, ids);
        assertEquals(3, peak.get(), "three workers were all busy at once, and never more");
        ids.forEach(id -> assertEquals(TaskStatus.COMPLETED, tasks.get(id).orElseThrow().status()));
    }

    @Test
    void refusesWhenTheQueueIsFullAndTakesWorkAgainAfterwards() throws Exception {
        TaskManager tasks = manager(1, 2, Duration.ofHours(1));
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        String running = submit(tasks, "t", "r", () -> {
            started.countDown();
            gate.await();
            return TextNode.valueOf("done");
        }).taskId();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        String q1 = submit(tasks, "t", "r", () -> TextNode.valueOf("q1")).taskId();
        String q2 = submit(tasks, "t", "r", () -> TextNode.valueOf("q2")).taskId();
        assertEquals(2, tasks.queued());
        TaskRejectedException full = assertThrows(TaskRejectedException.class,
                () -> submit(tasks, "t", "r", () -> TextNode.valueOf("x")));
        assertEquals(TaskRejectedException.Reason.QUEUE_FULL, full.reason());
        assertTrue(full.retryAfterSeconds() >= 1);
        assertEquals(TaskStatus.PROCESSING, tasks.get(running).orElseThrow().status());
        assertEquals(1, tasks.get(running).orElseThrow().attempts());
        assertEquals(TaskStatus.QUEUED, tasks.get(q1).orElseThrow().status());
        assertEquals(1, tasks.running());

        gate.countDown();
        awaitAll(tasks, List.of(running, q1, q2));
        assertEquals("q2", tasks.get(q2).orElseThrow().result().asText());
        assertEquals(0, tasks.queued());
        String later = submit(tasks, "t", "r", () -> TextNode.valueOf("later")).taskId();
        awaitAll(tasks, List.of(later));
    }

    @Test
    void recordsTheFailureOfWorkThatThrows() throws Exception {
        TaskManager tasks = manager(1, 10, Duration.ofHours(1));
        String id = submit(tasks, "t", "req-7", () -> {
            throw new IllegalStateException("model exploded");
        }).taskId();
        awaitAll(tasks, List.of(id));
        TaskRecord record = tasks.get(id).orElseThrow();
        assertEquals(TaskStatus.FAILED, record.status());
        assertFalse(record.error().contains("exploded") || record.error().contains("IllegalState"),
                "the text of an unexpected exception stays in the log: " + record.error());
        assertTrue(record.error().contains("unexpected error"), record.error());
        assertEquals("req-7", record.requestId());
        assertNull(record.result());
        assertFalse(record.finishedAt().isBefore(record.startedAt()));
    }

    @Test
    void theResultKeepsTheRecordsFields() throws Exception {
        TaskManager tasks = manager(1, 10, Duration.ofHours(1));
        TaskRecord queued = submit(tasks, "image", "req-9", () -> JsonNodeFactory.instance.objectNode().put("n", 3));
        awaitAll(tasks, List.of(queued.taskId()));
        TaskRecord done = tasks.get(queued.taskId()).orElseThrow();
        assertEquals("image", done.kind());
        assertEquals("req-9", done.requestId());
        assertEquals(queued.createdAt(), done.createdAt());
        assertEquals(3, done.result().get("n").asInt());
        assertFalse(done.startedAt().isBefore(done.createdAt()));
    }

    @Test
    void unknownTasksAreEmpty() {
        TaskManager tasks = manager(1, 10, Duration.ofHours(1));
        assertTrue(tasks.get("00000000-0000-0000-0000-000000000000").isEmpty());
    }

    @Test
    void aKindWithoutAHandlerIsAProgrammingError() {
        TaskManager tasks = manager(1, 10, Duration.ofHours(1));
        assertThrows(IllegalArgumentException.class, () -> tasks.submit("nobody", "r", TaskPayload.of(null)));
    }

    @Test
    void listenerHearsSubmissionsClaimsAndEndings() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        TaskManager tasks = manager(new TaskManager.Settings(1, 1, Duration.ofHours(1), Duration.ofMinutes(1)),
                new TaskManager.Listener() {
                    @Override
                    public void submitted(String kind, String outcome) {
                        events.add("submitted " + kind + " " + outcome);
                    }

                    @Override
                    public void claimed(String kind, int attempt) {
                        events.add("claimed " + kind + " " + attempt);
                    }

                    @Override
                    public void finished(String kind, TaskStatus status, Duration runTime) {
                        events.add("finished " + kind + " " + status.id());
                    }
                });
        String id = submit(tasks, "image", "r", () -> TextNode.valueOf("x")).taskId();
        awaitAll(tasks, List.of(id));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (events.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        // "accepted" is told once the queue took the task, so a fast worker may be heard first.
        assertEquals(java.util.Set.of("submitted image accepted", "claimed image 1", "finished image completed"),
                java.util.Set.copyOf(events));
        assertEquals(3, events.size());
        assertTrue(events.indexOf("claimed image 1") < events.indexOf("finished image completed"), events.toString());
    }

    @Test
    void refusesNewTasksOnceShutdownBegins() throws Exception {
        TaskManager tasks = manager(1, 10, Duration.ofHours(1));
        String id = submit(tasks, "t", "r", () -> TextNode.valueOf("ok")).taskId();
        awaitAll(tasks, List.of(id));
        assertTrue(tasks.shutdown(Duration.ofSeconds(10)));
        TaskRejectedException refused = assertThrows(TaskRejectedException.class,
                () -> submit(tasks, "t", "r", () -> TextNode.valueOf("late")));
        assertEquals(TaskRejectedException.Reason.SHUTTING_DOWN, refused.reason());
        assertFalse(tasks.accepting());
    }

    protected TaskManager manager(int workers, int queue, Duration ttl) {
        return manager(workers, queue, ttl, Clock.systemUTC());
    }

    protected TaskManager manager(int workers, int queue, Duration ttl, Clock clock) {
        return manager(new TaskManager.Settings(workers, queue, ttl, Duration.ofHours(1)), clock, TaskManager.Listener.NONE);
    }

    protected TaskManager manager(TaskManager.Settings settings, TaskManager.Listener listener) {
        return manager(settings, Clock.systemUTC(), listener);
    }

    /** A started manager on a new queue; its kinds "t" and "image" run the closure the payload names. */
    protected TaskManager manager(TaskManager.Settings settings, Clock clock, TaskManager.Listener listener) {
        return manager(newQueue(clock), settings, clock, listener);
    }

    protected TaskManager manager(TaskQueue queue, TaskManager.Settings settings, Clock clock, TaskManager.Listener listener) {
        TaskManager tasks = new TaskManager(queue, settings, clock, listener);
        TaskHandler byNumber = (task, payload) -> works.get(payload.params().get("work").asInt()).call();
        tasks.handle("t", byNumber).handle("image", byNumber).start();
        managers.add(tasks);
        return tasks;
    }

    protected TaskRecord submit(TaskManager tasks, String kind, String requestId, Callable<JsonNode> work)
            throws TaskRejectedException {
        return tasks.submit(kind, requestId, payloadFor(registerWork(work)));
    }

    /** Keeps {@code work} for the handlers of "t" and "image"; returns the number a payload names it by. */
    protected int registerWork(Callable<JsonNode> work) {
        int number = nextWork.incrementAndGet();
        works.put(number, work);
        return number;
    }

    protected static TaskPayload payloadFor(int work) {
        return TaskPayload.of(JsonNodeFactory.instance.objectNode().put("work", work));
    }

    protected static void awaitAll(TaskManager tasks, List<String> ids) throws InterruptedException {
        awaitAll(tasks, ids, Duration.ofSeconds(20));
    }

    protected static void awaitAll(TaskManager tasks, List<String> ids, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (String id : ids) {
            while (!tasks.get(id).orElseThrow().status().finished()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("task " + id + " did not finish: " + tasks.get(id));
                }
                Thread.sleep(2);
            }
        }
    }
}
