package dev.mlportfolio.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunLimitTest {
    // A thread per task: the common pool may have a single worker (or busy ones) on a small machine.
    private static final Executor OWN_THREADS = task -> Thread.ofPlatform().start(task);

    @Test
    void aLimitOfLessThanOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RunLimit(0, "x"));
    }

    @Test
    void closeWaitsForTheRunInProgressThenReleasesOnceAndRefusesNewRuns() throws Exception {
        RunLimit limit = new RunLimit(2, "the model");
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<String> running = runUntil(limit, finish);
        AtomicInteger released = new AtomicInteger();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> limit.close(Duration.ofSeconds(30), released::incrementAndGet),
                OWN_THREADS);
        assertThrows(java.util.concurrent.TimeoutException.class, () -> closing.get(200, TimeUnit.MILLISECONDS),
                "close waits while a run is in progress");
        assertEquals(0, released.get());
        finish.countDown();
        assertEquals("done", running.get(10, TimeUnit.SECONDS));
        closing.get(10, TimeUnit.SECONDS);
        assertEquals(1, released.get(), "released once the run ended");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> limit.call(() -> "late"));
        assertEquals("the model is closed", refused.getMessage());
        limit.close(Duration.ofSeconds(1), released::incrementAndGet);
        assertEquals(1, released.get(), "a second close does nothing");
    }

    @Test
    void aRunOutlastingTheWaitLeavesItOpen() throws Exception {
        RunLimit limit = new RunLimit(1, "the model");
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<String> running = runUntil(limit, finish);
        AtomicInteger released = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> limit.close(Duration.ofMillis(50), released::incrementAndGet));
        assertEquals(0, released.get(), "not released under a run");
        finish.countDown();
        assertEquals("done", running.get(10, TimeUnit.SECONDS));
        assertFalse(running.isCompletedExceptionally());
    }

    /** A run that holds its place until {@code finish}; returns once it is inside. */
    private static CompletableFuture<String> runUntil(RunLimit limit, CountDownLatch finish) throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> limit.call(() -> {
            inside.countDown();
            await(finish);
            return "done";
        }), OWN_THREADS);
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        return running;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
