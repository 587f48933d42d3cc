package dev.mlportfolio.server.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.detect.DetectorException;
import dev.mlportfolio.core.rag.generate.PromptTooLongException;
import dev.mlportfolio.server.http.ApiException;
import dev.mlportfolio.server.http.ClientText;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs queued tasks on virtual threads: at most {@code workers} at once on this replica, at most
 * {@code queueCapacity} waiting in the {@link TaskQueue} (across replicas when the queue is shared).
 * Records move queued → processing → completed/failed; finished records expire after {@code resultTtl}.
 *
 * <p>Work is data (a kind and a {@link TaskPayload}), run by the {@link TaskHandler} registered for
 * its kind, so a task submitted on one replica can run on another.
 *
 * <p>Shutdown stops taking work and waits for it within a grace period. With a local queue, queued
 * tasks still run then and whatever is left is marked failed; with a shared queue, this replica
 * stops claiming at once and hands back what it could not finish, so another replica runs it.
 */
public final class TaskManager implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TaskManager.class.getName());
    private static final long MAX_RETRY_AFTER_SECONDS = 300;
    private static final Duration CLAIM_WAIT = Duration.ofMillis(500);
    private static final Duration OUTAGE_BACKOFF = Duration.ofSeconds(1);

    /** Hears about submissions and endings, e.g. to count them in metrics. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void submitted(String kind, String outcome) {
        }

        default void finished(String kind, TaskStatus status, Duration runTime) {
        }

        /** A worker here started a task; {@code attempt} above 1 means another replica had it before. */
        default void claimed(String kind, int attempt) {
        }

        /** A draining worker here gave a started task back to the queue. */
        default void handedBack(String kind) {
        }

        /** A task's handler threw; the task is recorded as failed. */
        default void failed(TaskRecord task, Throwable error) {
        }
    }

    /**
     * @param workers       how many tasks run at once on this replica
     * @param queueCapacity how many accepted tasks may wait for a worker
     * @param resultTtl     how long finished records are kept
     * @param sweepInterval how often expired records are removed (local queues)
     * @param maxAttempts   how many times a task is started before it is failed (a replica dying mid-task is an attempt)
     */
    public record Settings(int workers, int queueCapacity, Duration resultTtl, Duration sweepInterval, int maxAttempts) {
        public Settings {
            if (workers < 1 || queueCapacity < 1 || maxAttempts < 1) {
                throw new IllegalArgumentException("workers, queueCapacity and maxAttempts must be at least 1");
            }
        }

        public Settings(int workers, int queueCapacity, Duration resultTtl, Duration sweepInterval) {
            this(workers, queueCapacity, resultTtl, sweepInterval, TaskSettings.DEFAULT_MAX_ATTEMPTS);
        }
    }

    private final TaskQueue queue;
    private final Settings settings;
    private final Clock clock;
    private final Listener listener;
    private final Map<String, TaskHandler> handlers = new ConcurrentHashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger runningHere = new AtomicInteger();
    private final LongAdder finishedCount = new LongAdder();
    private final LongAdder finishedNanos = new LongAdder();
    private final LongAdder claimedHere = new LongAdder();
    private final LongAdder takenOverHere = new LongAdder();
    private final ReentrantLock admission = new ReentrantLock();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean outageLogged = new AtomicBoolean();
    private final ScheduledExecutorService sweeper;
    private volatile boolean accepting = true;
    private volatile boolean claiming = true;
    private volatile boolean stopped;

    public TaskManager(TaskQueue queue, Settings settings, Clock clock, Listener listener) {
        this.queue = queue;
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("task-sweeper").factory());
        long every = Math.max(1, settings.sweepInterval().toMillis());
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** Registers what runs tasks of {@code kind}; call before {@link #start()}. */
    public TaskManager handle(String kind, TaskHandler handler) {
        handlers.put(kind, handler);
        return this;
    }

    /** Starts the workers (once; later calls do nothing). Handlers are registered first, so no claimed task finds none. */
    public TaskManager start() {
        if (started.compareAndSet(false, true)) {
            for (int i = 0; i < settings.workers(); i++) {
                workers.add(Thread.ofVirtual().name("task-worker-" + i).start(this::workLoop));
            }
        }
        return this;
    }

    /**
     * Accepts a task or refuses it at once.
     *
     * @throws TaskRejectedException         when the queue is full or the manager is shutting down
     * @throws TaskQueueUnavailableException when a shared queue cannot be reached
     */
    public TaskRecord submit(String kind, String requestId, TaskPayload payload) throws TaskRejectedException {
        return submit(kind, requestId, null, payload);
    }

    /** As {@link #submit(String, String, TaskPayload)}, for a caller named by its API key, who alone may read the result. */
    public TaskRecord submit(String kind, String requestId, String owner, TaskPayload payload) throws TaskRejectedException {
        if (!handlers.containsKey(kind)) {
            throw new IllegalArgumentException("no handler for tasks of kind " + kind);
        }
        admission.lock();
        try {
            if (!accepting) {
                listener.submitted(kind, "rejected_shutdown");
                throw new TaskRejectedException(TaskRejectedException.Reason.SHUTTING_DOWN, 0,
                        "the server is shutting down and takes no new tasks");
            }
            TaskRecord record = TaskRecord.queued(UUID.randomUUID().toString(), kind, requestId, owner, clock.instant());
            boolean taken;
            try {
                taken = queue.offer(record, payload, settings.queueCapacity());
            } catch (TaskQueueUnavailableException e) {
                listener.submitted(kind, "rejected_unavailable");
                throw e;
            }
            if (!taken) {
                listener.submitted(kind, "rejected_full");
                throw new TaskRejectedException(TaskRejectedException.Reason.QUEUE_FULL, retryAfterSeconds(),
                        "the task queue is full (" + settings.queueCapacity() + " waiting)");
            }
            listener.submitted(kind, "accepted");
            return record;
        } finally {
            admission.unlock();
        }
    }

    public Optional<TaskRecord> get(String taskId) {
        return queue.get(taskId);
    }

    /** Tasks waiting, as the queue sees them (every replica's when it is shared). */
    public int queued() {
        return queue.queued();
    }

    /** Tasks running, as the queue sees them (every replica's when it is shared). */
    public int running() {
        return queue.running();
    }

    /** Tasks running on this replica's workers. */
    public int runningHere() {
        return runningHere.get();
    }

    /** Tasks this replica's workers started. */
    public long claimedHere() {
        return claimedHere.sum();
    }

    /** Of those, the ones another worker had started before (its replica stopped before finishing). */
    public long takenOverHere() {
        return takenOverHere.sum();
    }

    public Settings settings() {
        return settings;
    }

    public TaskQueue queue() {
        return queue;
    }

    public boolean accepting() {
        return accepting;
    }

    /** Removes records that finished longer than the result TTL ago; returns how many. */
    public int sweepExpired() {
        return queue.removeFinishedBefore(clock.instant().minus(settings.resultTtl()));
    }

    /**
     * Stops taking tasks and waits up to {@code grace} for this replica's work to finish. Tasks
     * still running then are interrupted: handed back to a shared queue, or marked failed.
     *
     * @return true when everything finished within the grace period
     */
    public boolean shutdown(Duration grace) {
        admission.lock();
        try {
            if (!accepting) {
                return runningHere.get() == 0 && (queue.shared() || queue.queued() + queue.running() == 0);
            }
            accepting = false;
        } finally {
            admission.unlock();
        }
        if (queue.shared()) {
            claiming = false; // other replicas take what is queued
        }
        long deadline = System.nanoTime() + grace.toNanos();
        boolean drained = waitUntilIdle(deadline);
        claiming = false;
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
        List<TaskQueue.Claim> left = queue.takeUnstarted();
        for (TaskQueue.Claim claim : left) {
            settle(claim, claim.record().failed("the server shut down before this task started", clock.instant()), 0);
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
        queue.close();
    }

    /** Local queue: until nothing is queued or running. Shared queue: until every worker here has left its loop. */
    private boolean waitUntilIdle(long deadlineNanos) {
        while (queue.shared() ? workers.stream().anyMatch(Thread::isAlive) : queue.queued() + queue.running() > 0) {
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
        while (claiming && !stopped) {
            try {
                Optional<TaskQueue.Claim> claim = queue.claim(CLAIM_WAIT);
                outageLogged.set(false);
                if (claim.isPresent()) {
                    runningHere.incrementAndGet();
                    try {
                        if (!claiming && queue.shared()) {
                            queue.handBack(claim.get()); // claimed just as the drain began
                            listener.handedBack(claim.get().record().kind());
                        } else {
                            execute(claim.get());
                        }
                    } finally {
                        runningHere.decrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (TaskQueueUnavailableException e) {
                if (outageLogged.compareAndSet(false, true)) {
                    LOG.warning("the task queue is unavailable, workers retry every " + OUTAGE_BACKOFF.toSeconds()
                            + " s: " + e.getMessage());
                }
                if (!pause(OUTAGE_BACKOFF)) {
                    return;
                }
            }
            Thread.interrupted(); // an interrupt aimed at the finished task must not end this worker
        }
    }

    private void execute(TaskQueue.Claim claim) {
        TaskRecord processing = claim.record();
        String kind = processing.kind();
        claimedHere.increment();
        if (claim.attempt() > 1) {
            takenOverHere.increment();
        }
        listener.claimed(kind, claim.attempt());
        if (claim.attempt() > settings.maxAttempts()) {
            settle(claim, processing.failed("the task was started " + (claim.attempt() - 1)
                    + " times and the replica running it stopped each time before it finished", clock.instant()), 0);
            return;
        }
        TaskHandler handler = handlers.get(kind);
        if (handler == null) {
            settle(claim, processing.failed("this server cannot run tasks of kind " + kind, clock.instant()), 0);
            return;
        }
        long start = System.nanoTime();
        try {
            JsonNode result = handler.run(processing, claim.payload());
            settle(claim, processing.completed(result, clock.instant()), System.nanoTime() - start);
        } catch (InterruptedException e) {
            interrupted(claim, processing, System.nanoTime() - start);
        } catch (Exception | Error e) {
            if (stopped && queue.shared()) {
                interrupted(claim, processing, System.nanoTime() - start); // the interrupt surfaced as another exception
                return;
            }
            LOG.log(Level.WARNING, "task " + processing.taskId() + " (" + kind + ") failed", e);
            listener.failed(processing, e);
            settle(claim, processing.failed(clientMessage(e), clock.instant()), System.nanoTime() - start);
        }
    }

    // What the task's owner reads: the words of errors meant for clients and of the models' own
    // failures, never the text of an unexpected exception (which may name classes or paths).
    private static String clientMessage(Throwable e) {
        if (e instanceof ApiException || e instanceof DetectorException || e instanceof PromptTooLongException) {
            return e.getMessage() == null || e.getMessage().isBlank() ? "the task failed" : ClientText.scrub(e.getMessage());
        }
        return "the task failed with an unexpected error; it is logged with the task id";
    }

    private void interrupted(TaskQueue.Claim claim, TaskRecord processing, long nanos) {
        if (queue.shared()) {
            // A pending interrupt would fail the socket call that hands the task back (a virtual
            // thread's blocking I/O ends at an interrupt); this worker is stopping anyway.
            Thread.interrupted();
            try {
                queue.handBack(claim);
                listener.handedBack(processing.kind());
            } catch (TaskQueueUnavailableException e) {
                LOG.warning("could not hand back task " + processing.taskId() + " (" + e.getMessage()
                        + "); another replica takes it over after the visibility timeout");
            }
            return;
        }
        settle(claim, processing.failed("the task was interrupted by server shutdown", clock.instant()), nanos);
    }

    /** Writes the final record, retrying while a shared queue is unreachable: a result in hand is not given up lightly. */
    private void settle(TaskQueue.Claim claim, TaskRecord done, long nanos) {
        while (true) {
            try {
                if (queue.finish(claim, done, settings.resultTtl())) {
                    finishedCount.increment();
                    finishedNanos.add(nanos);
                    listener.finished(done.kind(), done.status(), Duration.ofNanos(nanos));
                } else {
                    LOG.info("task " + done.taskId() + " was taken over by another replica; this result is dropped");
                }
                return;
            } catch (TaskQueueUnavailableException e) {
                // Stopping (the shutdown interrupts the pause): the claim stays unsettled in the
                // queue, and another replica runs the task again after the visibility timeout.
                if (stopped || !pause(OUTAGE_BACKOFF)) {
                    LOG.warning("task " + done.taskId() + " finished but the queue is unreachable at shutdown; "
                            + "another replica runs it again after the visibility timeout");
                    return;
                }
            }
        }
    }

    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private long retryAfterSeconds() {
        long count = finishedCount.sum();
        double meanSeconds = count == 0 ? 1.0 : finishedNanos.sum() / 1e9 / count;
        double waitSeconds = meanSeconds * (queue.queued() / (double) settings.workers() + 1);
        return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, (long) Math.ceil(waitSeconds)));
    }

    private void sweepQuietly() {
        try {
            int removed = sweepExpired();
            if (removed > 0) {
                LOG.fine("swept " + removed + " expired task record(s)");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "sweeping expired task records failed", e);
        }
    }
}
