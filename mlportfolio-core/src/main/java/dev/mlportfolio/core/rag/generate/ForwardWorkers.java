package dev.mlportfolio.core.rag.generate;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits each step of a forward pass (one matrix product, one attention) over a fixed set of
 * platform threads, the caller being one of them. A generated token is about 120 such steps of
 * 50-200 µs each, so the hand-off has to cost a few microseconds: workers spin briefly for the
 * next step before parking, and the caller spins for the last part. A thread pool's queue and
 * futures (or Jlama's per-layer dispatch) cost more than the work at this model size.
 */
final class ForwardWorkers implements AutoCloseable {
    /** One step: part {@code part} of {@code parts}. */
    interface Step {
        void run(int part, int parts);
    }

    // About 50 µs of spinning (PAUSE takes about 140 cycles) before a worker parks; the next step usually comes sooner.
    private static final int SPINS = 1_000;

    private final int parts;
    private final Thread[] threads;
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile Step step;
    private volatile long round;
    private volatile boolean closed;
    private volatile Throwable failure;

    ForwardWorkers(int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be at least 1");
        }
        this.parts = parts;
        this.threads = new Thread[parts - 1];
        for (int i = 0; i < threads.length; i++) {
            int part = i + 1;
            threads[i] = Thread.ofPlatform().daemon().name("llm-forward-" + part).start(() -> work(part));
        }
    }

    int parts() {
        return parts;
    }

    /** Runs every part of the step and returns when all are done; one step at a time. */
    synchronized void run(Step next) {
        if (parts == 1) {
            next.run(0, 1);
            return;
        }
        failure = null;
        step = next;
        remaining.set(parts - 1);
        round++;
        for (Thread thread : threads) {
            LockSupport.unpark(thread);
        }
        Throwable own = null;
        try {
            next.run(0, parts);
        } catch (Throwable e) {
            own = e;
        }
        // A worker that lost its core (more runnable threads than cores) gets it back sooner if we yield.
        for (int spins = 0; remaining.get() != 0; spins++) {
            if (spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        Throwable failed = own != null ? own : failure;
        if (failed instanceof RuntimeException e) {
            throw e;
        }
        if (failed instanceof Error e) {
            throw e;
        }
        if (failed != null) {
            throw new IllegalStateException(failed);
        }
    }

    private void work(int part) {
        long seen = 0;
        while (!closed) {
            long current = round;
            if (current == seen) {
                for (int i = 0; i < SPINS && round == seen && !closed; i++) {
                    Thread.onSpinWait();
                }
                if (round == seen && !closed) {
                    LockSupport.park(this);
                }
                continue;
            }
            seen = current;
            try {
                step.run(part, parts);
            } catch (Throwable e) {
                failure = e;
            } finally {
                remaining.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread thread : threads) {
            LockSupport.unpark(thread);
        }
    }
}
