package dev.mlportfolio.core.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link Tracker} that writes from background threads. Runs wait in a bounded queue; when it is
 * full the oldest run is dropped and counted. A failed write is retried with exponential backoff from
 * the step that failed (a run already created is not created again), so a server that goes away and
 * comes back loses nothing the queue could hold. Registrations go first and are never dropped.
 */
public final class AsyncTracker implements Tracker {
    private static final Logger LOG = Logger.getLogger(AsyncTracker.class.getName());

    /**
     * @param queueCapacity    runs that may wait; more push out the oldest
     * @param maxArtifactBytes artifact bytes that may wait; more strip the oldest runs' artifacts (the runs stay)
     * @param degradedBacklog  a backlog from which the state is {@code DEGRADED}
     * @param pingInterval     how often an idle writer checks that the server still answers
     * @param writers          runs written at the same time (each run is a few calls, each waits on the server)
     */
    public record Settings(int queueCapacity, long maxArtifactBytes, int degradedBacklog, Duration initialBackoff,
                           Duration maxBackoff, Duration pingInterval, int writers) {
        public Settings {
            if (queueCapacity < 1 || maxArtifactBytes < 0 || degradedBacklog < 1 || writers < 1) {
                throw new IllegalArgumentException("queueCapacity, degradedBacklog and writers must be positive, "
                        + "maxArtifactBytes not negative");
            }
        }

        public static Settings defaults() {
            return new Settings(10_000, 256L << 20, 1_000, Duration.ofMillis(250), Duration.ofSeconds(30),
                    Duration.ofSeconds(15), 4);
        }

        public Settings withQueueCapacity(int value) {
            return new Settings(value, maxArtifactBytes, Math.min(degradedBacklog, value), initialBackoff, maxBackoff,
                    pingInterval, writers);
        }

        public Settings withMaxArtifactBytes(long value) {
            return new Settings(queueCapacity, value, degradedBacklog, initialBackoff, maxBackoff, pingInterval, writers);
        }

        public Settings withDegradedBacklog(int value) {
            return new Settings(queueCapacity, maxArtifactBytes, value, initialBackoff, maxBackoff, pingInterval, writers);
        }

        public Settings withBackoff(Duration initial, Duration max) {
            return new Settings(queueCapacity, maxArtifactBytes, degradedBacklog, initial, max, pingInterval, writers);
        }

        public Settings withPingInterval(Duration value) {
            return new Settings(queueCapacity, maxArtifactBytes, degradedBacklog, initialBackoff, maxBackoff, value, writers);
        }

        public Settings withWriters(int value) {
            return new Settings(queueCapacity, maxArtifactBytes, degradedBacklog, initialBackoff, maxBackoff, pingInterval,
                    value);
        }
    }

    /** What the writer did, for meters. Called on the writer thread or the caller's; keep it cheap. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void logged(RunRecord run, Duration writeTime) {
        }

        /** @param reason {@code queue_full}, {@code shutdown} or {@code closed} */
        default void dropped(String reason, int runs) {
        }

        /** @param reason {@code memory} (the queue's byte budget) or {@code rejected} (the server refused it) */
        default void artifactsDropped(String reason, int artifacts) {
        }

        default void rejected(RunRecord run, TrackingException error) {
        }

        default void failedAttempt(TrackingException error) {
        }
    }

    private final TrackingBackend backend;
    private final Settings settings;
    private final Listener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<RunJob> queue = new ArrayDeque<>();
    private final Deque<RegisterJob> registrations = new ArrayDeque<>();
    private final List<Thread> writers = new ArrayList<>();
    private final AtomicLong logged = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong artifactsDropped = new AtomicLong();

    // Guarded by lock.
    private long queuedArtifactBytes;
    private int runsInFlight;
    private boolean registering;
    private boolean closing;
    private boolean abandoned;
    private long closeDeadline;

    private volatile boolean failing;
    private volatile String lastError;
    private volatile Instant lastSuccess;

    public AsyncTracker(TrackingBackend backend, Settings settings, Listener listener) {
        this.backend = backend;
        this.settings = settings;
        this.listener = listener;
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
        RunJob job = new RunJob(run);
        int pushedOut = 0;
        int stripped = 0;
        lock.lock();
        try {
            if (closing) {
                dropped.incrementAndGet();
                listener.dropped("closed", 1);
                return;
            }
            queue.addLast(job);
            queuedArtifactBytes += run.artifactBytes();
            while (queue.size() > settings.queueCapacity()) {
                RunJob old = queue.pollFirst();
                queuedArtifactBytes -= old.record.artifactBytes();
                pushedOut++;
            }
            Iterator<RunJob> oldest = queue.iterator();
            while (queuedArtifactBytes > settings.maxArtifactBytes() && oldest.hasNext()) {
                RunJob next = oldest.next();
                if (!next.record.artifacts().isEmpty()) {
                    queuedArtifactBytes -= next.record.artifactBytes();
                    stripped += next.record.artifacts().size();
                    next.record = next.record.withoutArtifacts();
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (pushedOut > 0) {
            if (dropped.getAndAdd(pushedOut) == 0) {
                LOG.warning("tracking queue is full (" + settings.queueCapacity() + " runs): dropping the oldest; "
                        + "the server at " + backend.location() + " is too slow or down");
            }
            listener.dropped("queue_full", pushedOut);
        }
        if (stripped > 0) {
            artifactsDropped.addAndGet(stripped);
            listener.artifactsDropped("memory", stripped);
        }
    }

    @Override
    public CompletableFuture<RegisteredModelVersion> register(ModelRegistration model) {
        RegisterJob job = new RegisterJob(model);
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
        long bytes;
        lock.lock();
        try {
            backlog = queue.size() + runsInFlight;
            bytes = queuedArtifactBytes;
        } finally {
            lock.unlock();
        }
        TrackerStatus.State state = failing ? TrackerStatus.State.DOWN
                : backlog >= settings.degradedBacklog() ? TrackerStatus.State.DEGRADED : TrackerStatus.State.UP;
        return new TrackerStatus(state, backend.location(), backlog, bytes, logged.get(), dropped.get(), rejected.get(),
                artifactsDropped.get(), lastError, lastSuccess);
    }

    @Override
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!queue.isEmpty() || !registrations.isEmpty() || runsInFlight > 0 || registering) {
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
        lock.lock();
        try {
            abandoned = true;
            lost = queue.size() + runsInFlight;
            queue.clear();
            queuedArtifactBytes = 0;
            for (RegisterJob job : registrations) {
                job.result.completeExceptionally(new IllegalStateException("the tracker closed before registering"));
            }
            registrations.clear();
        } finally {
            lock.unlock();
        }
        writers.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
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
            Job job = next();
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
    private Job next() {
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
                RunJob run = queue.pollFirst();
                if (run != null) {
                    queuedArtifactBytes -= run.record.artifactBytes();
                    runsInFlight++;
                    return run;
                }
                if (closing) {
                    return null;
                }
                if (changed.awaitNanos(settings.pingInterval().toNanos()) <= 0 && queue.isEmpty() && registrations.isEmpty()) {
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

    private void finish(Job job) {
        lock.lock();
        try {
            if (job instanceof RunJob) {
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

    private sealed interface Job permits RunJob, RegisterJob {
        /** Does what is left of this job; throws at the step that failed, keeping the steps before it. */
        void advance(TrackingBackend backend);

        void done(AsyncTracker tracker, Duration writeTime);

        void refused(AsyncTracker tracker, TrackingException error);
    }

    private static final class RunJob implements Job {
        private final String key = java.util.UUID.randomUUID().toString();
        private RunRecord record;
        private String experimentId;
        private TrackingBackend.StartedRun run;
        private boolean startTried;
        private boolean dataLogged;
        private int artifactsDone;
        private int artifactsRefused;

        RunJob(RunRecord record) {
            this.record = record;
        }

        @Override
        public void advance(TrackingBackend backend) {
            if (experimentId == null) {
                experimentId = backend.experimentId(record.experiment(), true).orElseThrow();
            }
            if (run == null && startTried) {
                // The last start failed without an answer (a timeout, the server stopping): it may
                // have made the run anyway, and starting another would log this record twice.
                run = backend.findRun(experimentId, key).orElse(null);
            }
            if (run == null) {
                startTried = true;
                run = backend.startRun(experimentId, record, key);
            }
            if (!dataLogged) {
                backend.logData(run, record);
                dataLogged = true;
            }
            while (artifactsDone < record.artifacts().size()) {
                try {
                    backend.uploadArtifact(run, record.artifacts().get(artifactsDone));
                } catch (TrackingException e) {
                    if (e.retryable()) {
                        throw e;
                    }
                    artifactsRefused++;
                    LOG.log(Level.WARNING, "artifact not kept: " + e.getMessage());
                }
                artifactsDone++;
            }
            backend.finishRun(run, record);
        }

        @Override
        public void done(AsyncTracker tracker, Duration writeTime) {
            tracker.logged.incrementAndGet();
            if (artifactsRefused > 0) {
                tracker.artifactsDropped.addAndGet(artifactsRefused);
                tracker.listener.artifactsDropped("rejected", artifactsRefused);
            }
            tracker.listener.logged(record, writeTime);
        }

        @Override
        public void refused(AsyncTracker tracker, TrackingException error) {
            tracker.rejected.incrementAndGet();
            LOG.warning("tracking run '" + record.runName() + "' refused and not retried: " + error.getMessage());
            tracker.listener.rejected(record, error);
        }
    }

    private static final class RegisterJob implements Job {
        private final ModelRegistration model;
        private final CompletableFuture<RegisteredModelVersion> result = new CompletableFuture<>();
        private RegisteredModelVersion version;

        RegisterJob(ModelRegistration model) {
            this.model = model;
        }

        @Override
        public void advance(TrackingBackend backend) {
            version = backend.registerModel(model);
        }

        @Override
        public void done(AsyncTracker tracker, Duration writeTime) {
            LOG.info("model " + version.name() + " version " + version.version()
                    + (version.created() ? " registered" : " already registered") + " (sha256 "
                    + model.sha256().substring(0, 12) + "...)");
            result.complete(version);
        }

        @Override
        public void refused(AsyncTracker tracker, TrackingException error) {
            LOG.warning("model " + model.name() + " not registered: " + error.getMessage());
            result.completeExceptionally(error);
        }
    }
}
