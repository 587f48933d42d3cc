package dev.mlportfolio.core.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Runs single requests one batch at a time, putting the requests that arrive while a batch runs
 * into the next one (dynamic batching, as model servers do). No thread of its own: a caller that
 * finds nothing running runs the oldest waiting requests, its own among them or before it, and
 * the others wait. A lone request runs at once, alone; under load a batch holds what queued
 * during the previous one, oldest first, at most {@code maxBatch}.
 *
 * <p>Why: a small model run on a few short inputs is dominated by per-run costs and by matrix
 * products too thin to use every core; one run over eight MiniLM questions on two threads cost
 * 2.0-2.2 ms per question, single-threaded runs two side by side 2.7-3.5 ms
 * (scripts/bench_embedder.sh, docs/benchmarks.md). Not part of
 * the library's API.
 *
 * @param <I> one request's input
 * @param <O> one request's output
 */
public final class BatchingRunner<I, O> {
    private final Function<List<I>, List<O>> batchRun;
    private final int maxBatch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition batchEnded = lock.newCondition();
    private final ArrayDeque<Request<I, O>> waiting = new ArrayDeque<>();
    private boolean running;

    /**
     * @param batchRun runs a batch and returns one output per input, in order; its exceptions
     *                 reach every caller of the batch
     * @param maxBatch the most requests in one batch
     */
    public BatchingRunner(Function<List<I>, List<O>> batchRun, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.batchRun = batchRun;
        this.maxBatch = maxBatch;
    }

    /** Runs {@code input} in the next batch and returns its output; uninterruptible, like the run itself. */
    public O call(I input) {
        Request<I, O> mine = new Request<>(input);
        lock.lock();
        try {
            waiting.add(mine);
            while (true) {
                while (running && !mine.done) {
                    batchEnded.awaitUninterruptibly();
                }
                if (mine.done) {
                    return mine.result();
                }
                List<Request<I, O>> batch = new ArrayList<>(Math.min(maxBatch, waiting.size()));
                while (batch.size() < maxBatch && !waiting.isEmpty()) {
                    batch.add(waiting.poll());
                }
                running = true;
                lock.unlock();
                try {
                    run(batch);
                } finally {
                    lock.lock();
                    running = false;
                    batchEnded.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@return requests waiting for a batch (tests)} */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    private void run(List<Request<I, O>> batch) {
        List<O> outputs;
        try {
            outputs = batchRun.apply(batch.stream().map(r -> r.input).toList());
            if (outputs.size() != batch.size()) {
                throw new IllegalStateException("a batch of " + batch.size() + " gave " + outputs.size() + " outputs");
            }
        } catch (RuntimeException | Error e) {
            batch.forEach(r -> r.fail(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).succeed(outputs.get(i));
        }
    }

    /**
     * Written by the leader outside the lock and read by its caller under it: the leader takes the
     * lock to signal after writing, which orders the writes before the reads.
     */
    private static final class Request<I, O> {
        final I input;
        boolean done;
        private O output;
        private Throwable error;

        Request(I input) {
            this.input = input;
        }

        void succeed(O value) {
            output = value;
            done = true;
        }

        void fail(Throwable e) {
            error = e;
            done = true;
        }

        O result() {
            if (error instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (error instanceof Error fatal) {
                throw fatal;
            }
            return output;
        }
    }
}
