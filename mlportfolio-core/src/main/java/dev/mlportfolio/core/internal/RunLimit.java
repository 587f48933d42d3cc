package dev.mlportfolio.core.internal;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many runs of one ONNX Runtime session may proceed at once (first come, first served), and a
 * close that waits for the runs in progress: closing a session while another thread runs it
 * crashes the process. After close, new runs are refused. Used by the detector and the embedder;
 * not part of the library's API.
 */
public final class RunLimit {
    /** Work done while holding a run. */
    @FunctionalInterface
    public interface Run<T, E extends Exception> {
        T run() throws E;
    }

    private final Semaphore permits;
    private final int size;
    private final String what;
    private volatile boolean closed;

    /**
     * @param size how many runs may proceed at once
     * @param what what is running, for messages ("the detector")
     */
    public RunLimit(int size, String what) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1");
        }
        this.permits = new Semaphore(size, true);
        this.size = size;
        this.what = what;
    }

    /** Waits for a free run, then runs {@code work}; refused once closed. */
    public <T, E extends Exception> T call(Run<T, E> work) throws E {
        permits.acquireUninterruptibly();
        try {
            if (closed) {
                throw new IllegalStateException(what + " is closed");
            }
            return work.run();
        } finally {
            permits.release();
        }
    }

    /**
     * Refuses new runs, waits up to {@code wait} for those in progress, then calls {@code release}
     * (closing the session). A second close does nothing.
     *
     * @throws IllegalStateException when runs are still in progress after the wait (release is not called)
     */
    public synchronized void close(Duration wait, Runnable release) {
        if (closed) {
            return;
        }
        closed = true;
        boolean idle = false;
        try {
            idle = permits.tryAcquire(size, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!idle) {
            throw new IllegalStateException(what + ": runs still in progress after " + wait.toSeconds() + " s; not closed");
        }
        try {
            release.run();
        } finally {
            permits.release(size);   // callers still waiting wake up and are refused
        }
    }
}
