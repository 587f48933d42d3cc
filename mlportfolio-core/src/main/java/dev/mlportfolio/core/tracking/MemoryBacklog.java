package dev.mlportfolio.core.tracking;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The backlog in memory: at most {@code capacity} runs (past it the oldest run of the experiment
 * with the most waiting is dropped, so a flood of one kind pushes out its own) and at most
 * {@code maxArtifactBytes} of artifacts (past it the oldest runs lose their artifacts, the runs
 * stay). Lost at shutdown.
 */
final class MemoryBacklog implements RunBacklog {
    private final int capacity;
    private final long maxArtifactBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Lanes<Waiting> lanes = new Lanes<>();
    private long artifactBytes;

    private static final class Waiting {
        final String key;
        RunRecord run;

        Waiting(String key, RunRecord run) {
            this.key = key;
            this.run = run;
        }
    }

    MemoryBacklog(int capacity, long maxArtifactBytes) {
        this.capacity = capacity;
        this.maxArtifactBytes = maxArtifactBytes;
    }

    @Override
    public Admission add(String key, RunRecord run) {
        int pushedOut = 0;
        int stripped = 0;
        lock.lock();
        try {
            lanes.add(run.experiment(), new Waiting(key, run));
            artifactBytes += run.artifactBytes();
            while (lanes.size() > capacity) {
                Waiting old = lanes.pollOldestOfLongest();
                artifactBytes -= old.run.artifactBytes();
                pushedOut++;
            }
            Iterator<Waiting> oldest = lanes.oldestFirst();
            while (artifactBytes > maxArtifactBytes && oldest.hasNext()) {
                Waiting next = oldest.next();
                if (!next.run.artifacts().isEmpty()) {
                    artifactBytes -= next.run.artifactBytes();
                    stripped += next.run.artifacts().size();
                    next.run = next.run.withoutArtifacts();
                }
            }
        } finally {
            lock.unlock();
        }
        return pushedOut == 0 && stripped == 0 ? Admission.ACCEPTED
                : new Admission(true, pushedOut, stripped, pushedOut > 0 ? "queue_full" : null);
    }

    @Override
    public Pending poll() {
        lock.lock();
        try {
            Waiting next = lanes.pollFair();
            if (next == null) {
                return null;
            }
            artifactBytes -= next.run.artifactBytes();
            return new Pending(next.key, next.run, false, null);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void starting(Pending pending) {
    }

    @Override
    public void done(Pending pending) {
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return lanes.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long bytes() {
        lock.lock();
        try {
            return artifactBytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public int abandon() {
        lock.lock();
        try {
            int lost = lanes.size();
            lanes.clear();
            artifactBytes = 0;
            return lost;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
    }

    /**
     * Queues by experiment, taken round-robin. Not thread-safe: its owner locks.
     *
     * @param <T> what waits
     */
    static final class Lanes<T> {
        private final Map<String, Deque<T>> byExperiment = new LinkedHashMap<>();
        private final Deque<String> turn = new ArrayDeque<>();
        private int size;

        void add(String experiment, T item) {
            Deque<T> lane = byExperiment.get(experiment);
            if (lane == null) {
                lane = new ArrayDeque<>();
                byExperiment.put(experiment, lane);
                turn.addLast(experiment);
            }
            lane.addLast(item);
            size++;
        }

        /** {@return the oldest item of the experiment whose turn it is; that experiment goes to the back} */
        T pollFair() {
            while (!turn.isEmpty()) {
                String experiment = turn.pollFirst();
                Deque<T> lane = byExperiment.get(experiment);
                if (lane.isEmpty()) {
                    byExperiment.remove(experiment);
                    continue;
                }
                turn.addLast(experiment);
                size--;
                return lane.pollFirst();
            }
            return null;
        }

        T pollOldestOfLongest() {
            Deque<T> longest = null;
            for (Deque<T> lane : byExperiment.values()) {
                if (longest == null || lane.size() > longest.size()) {
                    longest = lane;
                }
            }
            if (longest == null || longest.isEmpty()) {
                return null;
            }
            size--;
            return longest.pollFirst();
        }

        /** {@return every item, the oldest of each lane first, lane by lane} */
        Iterator<T> oldestFirst() {
            return byExperiment.values().stream().flatMap(Deque::stream).iterator();
        }

        int size() {
            return size;
        }

        void clear() {
            byExperiment.clear();
            turn.clear();
            size = 0;
        }
    }
}
