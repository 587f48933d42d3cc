package dev.mlportfolio.server.tasks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/** Tasks and records in this JVM's memory: fast, seen by this replica only, and gone when the process ends. */
public final class InMemoryTaskQueue implements TaskQueue {
    private record Waiting(String taskId, TaskPayload payload) {
    }

    private final Map<String, TaskRecord> records = new ConcurrentHashMap<>();
    private final BlockingQueue<Waiting> waiting = new LinkedBlockingQueue<>();
    private final ReentrantLock admission = new ReentrantLock();
    /** Accepted and not yet finished: waiting or running. Running is derived from it, so a task just taken off the queue already counts. */
    private final AtomicInteger unfinished = new AtomicInteger();
    private final Clock clock;

    public InMemoryTaskQueue(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean offer(TaskRecord record, TaskPayload payload, int capacity) {
        admission.lock();
        try {
            // Only offers add to the queue, so room seen under the lock is still there when adding.
            if (waiting.size() >= capacity) {
                return false;
            }
            records.put(record.taskId(), record);
            unfinished.incrementAndGet();
            waiting.add(new Waiting(record.taskId(), payload));
            return true;
        } finally {
            admission.unlock();
        }
    }

    @Override
    public Optional<Claim> claim(Duration wait) throws InterruptedException {
        Waiting next = waiting.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        if (next == null) {
            return Optional.empty();
        }
        TaskRecord queued = records.get(next.taskId());
        if (queued == null) {
            return Optional.empty();
        }
        TaskRecord processing = queued.processing(clock.instant(), queued.attempts() + 1);
        records.put(processing.taskId(), processing);
        return Optional.of(new Claim(processing, next.payload(), processing.attempts(), next));
    }

    @Override
    public boolean finish(Claim claim, TaskRecord done, Duration resultTtl) {
        records.put(done.taskId(), done);
        unfinished.decrementAndGet();
        return true;
    }

    @Override
    public void handBack(Claim claim) {
        TaskRecord back = claim.record().requeued(claim.attempt() - 1);
        records.put(back.taskId(), back);
        waiting.add((Waiting) claim.token());
    }

    @Override
    public Optional<TaskRecord> get(String taskId) {
        return Optional.ofNullable(records.get(taskId));
    }

    @Override
    public int queued() {
        return waiting.size();
    }

    @Override
    public int running() {
        return Math.max(0, unfinished.get() - waiting.size());
    }

    @Override
    public int removeFinishedBefore(Instant cutoff) {
        int[] removed = {0};
        records.values().removeIf(r -> {
            boolean expired = r.status().finished() && r.finishedAt().isBefore(cutoff);
            removed[0] += expired ? 1 : 0;
            return expired;
        });
        return removed[0];
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public List<Claim> takeUnstarted() {
        List<Waiting> left = new ArrayList<>();
        waiting.drainTo(left);
        List<Claim> claims = new ArrayList<>();
        for (Waiting w : left) {
            TaskRecord record = records.get(w.taskId());
            if (record != null) {
                claims.add(new Claim(record, w.payload(), 0, w));
            }
        }
        return claims;
    }

    @Override
    public Optional<String> problem() {
        return Optional.empty();
    }

    @Override
    public Map<String, Object> details() {
        return Map.of("backend", "memory");
    }

    @Override
    public void close() {
    }
}
