package dev.mlportfolio.server.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs submitted work on virtual threads: at most {@code workers} at once, at most
 * {@code queueCapacity} waiting. Records move queued → processing → completed/failed in a
 * {@link TaskStore}; finished records are swept after {@code resultTtl}.
 *
 * <p>Shutdown stops taking work, lets queued and running tasks finish within a grace period, and
 * marks whatever is left as failed so no accepted task silently vanishes.
 */
public final class TaskManager implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TaskManager.class.getName());
    private static final long MAX_RETRY_AFTER_SECONDS = 300;

    /** Hears about submissions and endings, e.g. to count them in metrics. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void submitted(String kind, String outcome) {
        }

        default void finished(String kind, TaskStatus status, Duration runTime) {
        }
    }

    /**
     * @param workers       how many tasks run at once
     * @param queueCapacity how many accepted tasks may wait for a worker
     * @param resultTtl     how long finished records are kept
     * @param sweepInterval how often expired records are removed
     */
    public record Settings(int workers, int queueCapacity, Duration resultTtl, Duration sweepInterval) {
        public Settings {
            if (workers < 1 || queueCapacity < 1) {
                throw new IllegalArgumentException("workers and queueCapacity must be at least 1");
            }
        }
    }

    private record Job(String taskId, String kind, TaskWork work) {
    }

    private final TaskStore store;
    private final Settings settings;
    private final Clock clock;
    private final Listener listener;
    private final BlockingQueue<Job> queue;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final LongAdder finishedCount = new LongAdder();
    private final LongAdder finishedNanos = new LongAdder();
    private final ReentrantLock admission = new ReentrantLock();
    private final ScheduledExecutorService sweeper;
    private volatile boolean accepting = true;
    private volatile boolean stopped;

    public TaskManager(TaskStore store, Settings settings, Clock clock, Listener listener) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        for (int i = 0; i < settings.workers(); i++) {
            workers.add(Thread.ofVirtual().name("task-worker-" + i).start(this::workLoop));
        }
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("task-sweeper").factory());
        long every = Math.max(1, settings.sweepInterval().toMillis());
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Accepts a task or refuses it at once.
     *
     * @throws TaskRejectedException when the queue is full or the manager is shutting down
     */
    public TaskRecord submit(String kind, String requestId, TaskWork work) throws TaskRejectedException {
        return submitWithId(kind, requestId, taskId -> work);
    }

    /** Like {@link #submit}, for work that needs its own task id (e.g. to tag what it logs). */
    public TaskRecord submitWithId(String kind, String requestId, Function<String, TaskWork> workForId)
            throws TaskRejectedException {
        admission.lock();
        try {
            if (!accepting) {
                listener.submitted(kind, "rejected_shutdown");
                throw new TaskRejectedException(TaskRejectedException.Reason.SHUTTING_DOWN, 0,
                        "the server is shutting down and takes no new tasks");
            }
            // Only workers take from the queue, so room seen under the admission lock is still there below.
            if (queue.remainingCapacity() == 0) {
                listener.submitted(kind, "rejected_full");
                throw new TaskRejectedException(TaskRejectedException.Reason.QUEUE_FULL, retryAfterSeconds(),
                        "the task queue is full (" + settings.queueCapacity() + " waiting)");
            }
            TaskRecord record = TaskRecord.queued(UUID.randomUUID().toString(), kind, requestId, clock.instant());
            listener.submitted(kind, "accepted");
            store.put(record);
            queue.add(new Job(record.taskId(), kind, workForId.apply(record.taskId())));
            return record;
        } finally {
            admission.unlock();
        }
    }

    public Optional<TaskRecord> get(String taskId) {
        return store.get(taskId);
    }

    public int queued() {
        return queue.size();
    }

    public int running() {
        return running.get();
    }

    public Settings settings() {
        return settings;
    }

    public boolean accepting() {
        return accepting;
    }

    /** Removes records that finished longer than the result TTL ago; returns how many. */
    public int sweepExpired() {
        return store.removeFinishedBefore(clock.instant().minus(settings.resultTtl()));
    }

    /**
     * Stops taking tasks and waits up to {@code grace} for queued and running ones to finish.
     * Tasks still unfinished then are interrupted and marked failed.
     *
     * @return true when everything finished within the grace period
     */
    public boolean shutdown(Duration grace) {
        admission.lock();
        try {
            if (!accepting) {
                return queue.isEmpty() && running.get() == 0;
            }
            accepting = false;
        } finally {
            admission.unlock();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        boolean drained = waitUntilIdle(deadline);
        stopped = true;
        workers.forEach(Thread::interrupt);
        for (Thread worker : workers) {
            try {
                worker.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Job> left = new ArrayList<>();
        queue.drainTo(left);
        for (Job job : left) {
            finish(job, store.get(job.taskId()).orElse(null), null, "the server shut down before this task started", 0);
        }
        sweeper.shutdownNow();
        if (!drained) {
            LOG.warning("shutdown grace period of " + grace.toSeconds() + "s ran out; " + left.size()
                    + " queued task(s) marked failed");
        }
        return drained;
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    private boolean waitUntilIdle(long deadlineNanos) {
        while (!queue.isEmpty() || running.get() > 0) {
            if (System.nanoTime() >= deadlineNanos) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void workLoop() {
        while (true) {
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            running.incrementAndGet();
            try {
                execute(job);
            } finally {
                running.decrementAndGet();
            }
            if (stopped) {
                return;
            }
            Thread.interrupted(); // an interrupt aimed at the finished task must not end this worker
        }
    }

    private void execute(Job job) {
        TaskRecord record = store.get(job.taskId()).orElse(null);
        if (record == null) {
            return;
        }
        TaskRecord processing = record.processing(clock.instant());
        store.put(processing);
        long start = System.nanoTime();
        try {
            JsonNode result = job.work().run();
            finish(job, processing, result, null, System.nanoTime() - start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(job, processing, null, "the task was interrupted by server shutdown", System.nanoTime() - start);
        } catch (Exception | Error e) {
            LOG.log(Level.WARNING, "task " + job.taskId() + " (" + job.kind() + ") failed", e);
            String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
            finish(job, processing, null, message, System.nanoTime() - start);
        }
    }

    private void finish(Job job, TaskRecord current, JsonNode result, String error, long nanos) {
        if (current == null) {
            return;
        }
        Instant now = clock.instant();
        TaskRecord done = error == null ? current.completed(result, now) : current.failed(error, now);
        store.put(done);
        finishedCount.increment();
        finishedNanos.add(nanos);
        listener.finished(job.kind(), done.status(), Duration.ofNanos(nanos));
    }

    private long retryAfterSeconds() {
        long count = finishedCount.sum();
        double meanSeconds = count == 0 ? 1.0 : finishedNanos.sum() / 1e9 / count;
        double waitSeconds = meanSeconds * (queue.size() / (double) settings.workers() + 1);
        return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, (long) Math.ceil(waitSeconds)));
    }

    private void sweepQuietly() {
        try {
            int removed = sweepExpired();
            if (removed > 0) {
                LOG.fine("swept " + removed + " expired task record(s)");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "sweeping expired task records failed", e);
        }
    }
}
