package dev.mlportfolio.core.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link Tracker} that writes from background threads. Runs wait in a backlog that is taken
 * round-robin across experiments, so one busy kind of run cannot starve another: in memory and
 * bounded (when full, the oldest run of the busiest experiment is dropped and counted), or, with a
 * {@link SpoolSettings spool}, journaled on disk, which keeps them through outages, shutdowns and
 * killed processes. A failed write is retried with exponential backoff from the step that failed (a
 * run already created is not created again); a run the server refuses for good is ended
 * {@code FAILED} with the reason. Registrations go first and are never dropped.
 */
public final class AsyncTracker implements Tracker {
    private static final Logger LOG = Logger.getLogger(AsyncTracker.class.getName());

    /**
     * How the tracker queues and writes.
     *
     * @param queueCapacity    runs that may wait; more push out the oldest
     * @param maxArtifactBytes artifact bytes that may wait; more strip the oldest runs' artifacts (the runs stay)
     * @param degradedBacklog  a backlog from which the state is {@code DEGRADED}
     * @param initialBackoff   the first wait after a failed write, doubled per failure
     * @param maxBackoff       the longest wait between retries
     * @param pingInterval     how often an idle writer checks that the server still answers
     * @param writers          runs written at the same time (each run is a few calls, each waits on the server)
     * @param spool            where runs wait on disk, or null to keep them in memory
     */
    public record Settings(int queueCapacity, long maxArtifactBytes, int degradedBacklog, Duration initialBackoff,
                           Duration maxBackoff, Duration pingInterval, int writers, SpoolSettings spool) {
        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException when a capacity, the backlog or the writers are not positive
         */
        public Settings {
            if (queueCapacity < 1 || maxArtifactBytes < 0 || degradedBacklog < 1 || writers < 1) {
                throw new IllegalArgumentException("queueCapacity, degradedBacklog and writers must be positive, "
                        + "maxArtifactBytes not negative");
            }
        }

        /**
         * In memory, 10,000 runs and 256 MiB of artifacts at most, 4 writers.
         *
         * @return the default settings
         */
        public static Settings defaults() {
            return new Settings(10_000, 256L << 20, 1_000, Duration.ofMillis(250), Duration.ofSeconds(30),
                    Duration.ofSeconds(15), 4, null);
        }

        /**
         * A copy with another queue capacity (the degraded backlog is lowered to it if higher).
         *
         * @param value the new value
         * @return the new settings
         */
        public Settings withQueueCapacity(int value) {
            return new Settings(value, maxArtifactBytes, Math.min(degradedBacklog, value), initialBackoff, maxBackoff,
                    pingInterval, writers, spool);
        }

        /**
         * A copy with another artifact budget, in bytes.
         *
         * @param value the new value
         * @return the new settings
         */
        public Settings withMaxArtifactBytes(long value) {
            return new Settings(queueCapacity, value, degradedBacklog, initialBackoff, maxBackoff, pingInterval, writers, spool);
        }

        /**
         * A copy with another backlog from which the state is degraded.
         *
         * @param value the new value
         * @return the new settings
         */
        public Settings withDegradedBacklog(int value) {
            return new Settings(queueCapacity, maxArtifactBytes, value, initialBackoff, maxBackoff, pingInterval, writers, spool);
        }

        /**
         * A copy with another retry backoff.
         *
         * @param initial the first wait after a failed write
         * @param max     the longest wait
         * @return the new settings
         */
        public Settings withBackoff(Duration initial, Duration max) {
            return new Settings(queueCapacity, maxArtifactBytes, degradedBacklog, initial, max, pingInterval, writers, spool);
        }

        /**
         * A copy with another ping interval.
         *
         * @param value the new value
         * @return the new settings
         */
        public Settings withPingInterval(Duration value) {
            return new Settings(queueCapacity, maxArtifactBytes, degradedBacklog, initialBackoff, maxBackoff, value, writers,
                    spool);
        }

        /**
         * A copy with another number of writers.
         *
         * @param value the new value
         * @return the new settings
         */
        public Settings withWriters(int value) {
            return new Settings(queueCapacity, maxArtifactBytes, degradedBacklog, initialBackoff, maxBackoff, pingInterval,
                    value, spool);
        }

        /**
         * Runs wait in a journal on disk instead of memory; the queue capacity and artifact budget then do not apply.
         *
         * @param value the spool's folder and limits, or null for memory
         * @return the new settings
         */
        public Settings withSpool(SpoolSettings value) {
            return new Settings(queueCapacity, maxArtifactBytes, degradedBacklog, initialBackoff, maxBackoff, pingInterval,
                    writers, value);
        }
    }

    /** What the writer did, for meters. Called on the writer thread or the caller's; keep it cheap. */
    public interface Listener {
        /** Does nothing. */
        Listener NONE = new Listener() {
        };

        /**
         * A run was written.
         *
         * @param run       the run
         * @param writeTime how long writing it took
         */
        default void logged(RunRecord run, Duration writeTime) {
        }

        /**
         * Runs were dropped before they were written.
         *
         * @param reason {@code queue_full}, {@code spool_full}, {@code shutdown} or {@code closed}
         * @param runs   how many
         */
        default void dropped(String reason, int runs) {
        }

        /**
         * Artifacts were dropped (their runs are kept).
         *
         * @param reason    {@code memory} (the queue's byte budget) or {@code rejected} (the server refused it)
         * @param artifacts how many
         */
        default void artifactsDropped(String reason, int artifacts) {
        }

        /**
         * The server refused a run for good; it is ended failed with the reason.
         *
         * @param run   the run
         * @param error what the server said
         */
        default void rejected(RunRecord run, TrackingException error) {
        }

        /**
         * A write failed and will be retried.
         *
         * @param error what went wrong
         */
        default void failedAttempt(TrackingException error) {
        }
    }

    final TrackingBackend backend;
    private final Settings settings;
    final Listener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final RunBacklog backlog;
    private final Deque<TrackerJobs.RegisterJob> registrations = new ArrayDeque<>();
    private final List<Thread> writers = new ArrayList<>();
    final AtomicLong logged = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong artifactsDropped = new AtomicLong();

    // Guarded by lock.
    private int runsInFlight;
    private boolean registering;
    private boolean closing;
    private boolean abandoned;
    private long closeDeadline;

    private volatile boolean failing;
    private volatile String lastError;
    private volatile Instant lastSuccess;

    /**
     * Starts the writers.
     *
     * @param backend  where runs are written, for example {@link MlflowBackend#connect}
     * @param settings queue, retry and writer settings
     * @param listener told what the writers did (for meters); {@link Listener#NONE} for nothing
     * @throws java.io.UncheckedIOException when the settings name a spool that cannot be opened (a
     *         folder that cannot be written, or one another process uses)
     */
    public AsyncTracker(TrackingBackend backend, Settings settings, Listener listener) {
        this.backend = backend;
        this.settings = settings;
        this.listener = listener;
        if (settings.spool() == null) {
            this.backlog = new MemoryBacklog(settings.queueCapacity(), settings.maxArtifactBytes());
        } else {
            try {
                this.backlog = RunSpool.open(settings.spool());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        for (int i = 0; i < settings.writers(); i++) {
            // The first writer checks the server at once, so the state is known before anything is logged.
            Runnable body = i == 0 ? () -> {
                ping();
                runWriter();
            } : this::runWriter;
            Thread writer = Thread.ofPlatform().name("tracking-writer-" + i).daemon().unstarted(body);
            writers.add(writer);
            writer.start();
        }
    }

    @Override
    public void log(RunRecord run) {
        if (closing) {
            dropped.incrementAndGet();
            listener.dropped("closed", 1);
            return;
        }
        RunBacklog.Admission admission;
        try {
            admission = backlog.add(java.util.UUID.randomUUID().toString(), run);
        } catch (java.io.UncheckedIOException e) {
            LOG.log(Level.WARNING, "a tracking run could not be journaled and is lost", e);
            admission = new RunBacklog.Admission(false, 1, 0, "spool_error");
        }
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (admission.pushedOut() > 0) {
            if (dropped.getAndAdd(admission.pushedOut()) == 0 && admission.reason().equals("queue_full")) {
                LOG.warning("tracking queue is full (" + settings.queueCapacity() + " runs): dropping the oldest of the "
                        + "busiest experiment; the server at " + backend.location() + " is too slow or down");
            }
            listener.dropped(admission.reason(), admission.pushedOut());
        }
        if (admission.stripped() > 0) {
            artifactsDropped.addAndGet(admission.stripped());
            listener.artifactsDropped("memory", admission.stripped());
        }
    }

    @Override
    public CompletableFuture<RegisteredModelVersion> register(ModelRegistration model) {
        TrackerJobs.RegisterJob job = new TrackerJobs.RegisterJob(model);
        lock.lock();
        try {
            if (closing) {
                job.result.completeExceptionally(new IllegalStateException("the tracker is closed"));
            } else {
                registrations.addLast(job);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        return job.result;
    }

    @Override
    public TrackerStatus status() {
        int backlog;
        long bytes = this.backlog.bytes();
        lock.lock();
        try {
            backlog = this.backlog.size() + runsInFlight;
        } finally {
            lock.unlock();
        }
        TrackerStatus.State state = failing ? TrackerStatus.State.DOWN
                : backlog >= settings.degradedBacklog() ? TrackerStatus.State.DEGRADED : TrackerStatus.State.UP;
        return new TrackerStatus(state, backend.location(), backlog, bytes, logged.get(), dropped.get(), rejected.get(),
                artifactsDropped.get(), lastError, lastSuccess, this.backlog.durable());
    }

    @Override
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (backlog.size() > 0 || !registrations.isEmpty() || runsInFlight > 0 || registering) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || writers.stream().noneMatch(Thread::isAlive)) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean close(Duration grace) {
        lock.lock();
        try {
            if (!closing) {
                closing = true;
                closeDeadline = System.nanoTime() + grace.toNanos();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        boolean clean = true;
        long joinDeadline = System.nanoTime() + grace.plusMillis(100).toNanos();
        try {
            for (Thread writer : writers) {
                writer.join(Duration.ofNanos(Math.max(1, joinDeadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int lost;
        int kept = 0;
        lock.lock();
        try {
            abandoned = true;
            if (backlog.durable()) {
                kept = backlog.size() + runsInFlight;
                lost = 0;
            } else {
                lost = backlog.abandon() + runsInFlight;
            }
            for (TrackerJobs.RegisterJob job : registrations) {
                job.result.completeExceptionally(new IllegalStateException("the tracker closed before registering"));
            }
            registrations.clear();
        } finally {
            lock.unlock();
        }
        writers.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
        if (kept > 0) {
            clean = false;
            LOG.info(kept + " tracking run(s) not yet written to " + backend.location()
                    + " stay in the spool and are written after the next start");
        }
        backlog.close();
        if (lost > 0) {
            clean = false;
            dropped.addAndGet(lost);
            listener.dropped("shutdown", lost);
            LOG.warning(lost + " tracking run(s) were not written to " + backend.location() + " within the "
                    + grace.toMillis() + " ms shutdown grace period");
        }
        backend.close();
        return clean;
    }

    private void runWriter() {
        while (true) {
            TrackerJobs.Job job = next();
            if (job == null) {
                return;
            }
            long start = System.nanoTime();
            long backoff = settings.initialBackoff().toNanos();
            while (true) {
                try {
                    job.advance(backend);
                    succeeded();
                    job.done(this, Duration.ofNanos(System.nanoTime() - start));
                    break;
                } catch (TrackingException e) {
                    if (!e.retryable()) {
                        job.refused(this, e);
                        break;
                    }
                    if (abandoned) {
                        return; // closed: a spooled run is written after the next start
                    }
                    failed(e);
                    if (!pause(backoff)) {
                        return;
                    }
                    backoff = Math.min(backoff * 2, settings.maxBackoff().toNanos());
                } catch (RuntimeException e) {
                    job.refused(this, new TrackingException(TrackingException.Kind.REJECTED, e.toString(), e));
                    break;
                }
            }
            finish(job);
        }
    }

    /**
     * The next job, registrations first and one at a time (two at once could both make a version);
     * null when closing with nothing left. Pings while idle.
     */
    private TrackerJobs.Job next() {
        lock.lock();
        try {
            while (true) {
                if (abandoned) {
                    return null;
                }
                if (!registering && !registrations.isEmpty()) {
                    registering = true;
                    return registrations.pollFirst();
                }
                RunBacklog.Pending pending = backlog.poll();
                if (pending != null) {
                    runsInFlight++;
                    return new TrackerJobs.RunJob(new RunWrite(pending, () -> backlog.starting(pending)));
                }
                if (closing) {
                    return null;
                }
                if (changed.awaitNanos(settings.pingInterval().toNanos()) <= 0 && backlog.size() == 0
                        && registrations.isEmpty()) {
                    lock.unlock();
                    try {
                        ping();
                    } finally {
                        lock.lock();
                    }
                }
            }
        } catch (InterruptedException e) {
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void ping() {
        try {
            backend.ping();
            succeeded();
        } catch (TrackingException e) {
            failed(e);
        } catch (RuntimeException e) {
            failed(new TrackingException(TrackingException.Kind.UNAVAILABLE, e.toString(), e));
        }
    }

    private void finish(TrackerJobs.Job job) {
        lock.lock();
        try {
            if (job instanceof TrackerJobs.RunJob run) {
                if (run.written) {
                    backlog.done(run.write.pending);
                }
                runsInFlight--;
            } else {
                registering = false;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sleeps before a retry; false when shutdown's grace period is over. Shutdown starting cuts the
     * sleep short, so the grace period is spent trying rather than waiting out a long backoff.
     */
    private boolean pause(long nanos) {
        lock.lock();
        try {
            boolean wasClosing = closing;
            long wait = nanos;
            if (closing) {
                wait = Math.min(wait, closeDeadline - System.nanoTime());
            }
            while (wait > 0 && !abandoned && closing == wasClosing) {
                wait = changed.awaitNanos(wait);
            }
            return !abandoned && !(closing && System.nanoTime() >= closeDeadline);
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void succeeded() {
        if (failing) {
            LOG.info("tracking server at " + backend.location() + " answers again");
        }
        failing = false;
        lastSuccess = Instant.now();
    }

    private void failed(TrackingException e) {
        if (!failing) {
            LOG.warning("tracking server unavailable, keeping runs and retrying with backoff: " + e.getMessage());
        }
        failing = true;
        lastError = e.getMessage();
        listener.failedAttempt(e);
    }
}
