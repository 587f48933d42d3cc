package dev.mlportfolio.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatchingRunnerTest {
    @Test
    void aLoneRequestRunsAtOnceAlone() {
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        BatchingRunner<Integer, Integer> runner = new BatchingRunner<>(inputs -> {
            batches.add(inputs);
            return inputs.stream().map(i -> i * 10).toList();
        }, 8);
        assertEquals(70, runner.call(7));
        assertEquals(List.of(List.of(7)), batches);
    }

    @Test
    void requestsArrivingDuringARunShareTheNextOneInOrderUpToTheLimit() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        BatchingRunner<Integer, Integer> runner = new BatchingRunner<>(inputs -> {
            batches.add(inputs);
            if (inputs.contains(0)) {
                firstRunning.countDown();
                await(releaseFirst);
            }
            return inputs.stream().map(i -> -i).toList();
        }, 3);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            answers.add(pool.submit(() -> runner.call(0)));
            assertTrue(firstRunning.await(5, TimeUnit.SECONDS));
            for (int i = 1; i <= 5; i++) {
                int input = i;
                answers.add(pool.submit(() -> runner.call(input)));
                // Queued one after the other, so the order of the next batches is known.
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (runner.waiting() < i && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertEquals(i, runner.waiting());
            }
            releaseFirst.countDown();
            for (int i = 0; i <= 5; i++) {
                assertEquals(-i, answers.get(i).get(5, TimeUnit.SECONDS), "each caller gets its own output");
            }
            assertEquals(List.of(List.of(0), List.of(1, 2, 3), List.of(4, 5)), batches);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedRunFailsEveryRequestInItAndTheNextRunStillRuns() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        IllegalStateException broken = new IllegalStateException("the model broke");
        BatchingRunner<String, String> runner = new BatchingRunner<>(inputs -> {
            if (runs.incrementAndGet() == 1) {
                throw broken;
            }
            return inputs;
        }, 4);
        assertSame(broken, assertThrows(IllegalStateException.class, () -> runner.call("a")));
        assertEquals("b", runner.call("b"));
    }

    @Test
    void aRunThatReturnsTheWrongNumberOfOutputsIsAnError() {
        BatchingRunner<String, String> runner = new BatchingRunner<>(inputs -> List.of(), 4);
        assertThrows(IllegalStateException.class, () -> runner.call("a"));
        assertThrows(IllegalArgumentException.class, () -> new BatchingRunner<String, String>(inputs -> inputs, 0));
    }

    @Test
    void manyCallersEachGetTheirOwnAnswer() throws Exception {
        BatchingRunner<Integer, Integer> runner = new BatchingRunner<>(inputs -> inputs.stream().map(i -> i + 1).toList(), 5);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                int input = i;
                answers.add(pool.submit(() -> runner.call(input)));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertEquals(i + 1, answers.get(i).get(10, TimeUnit.SECONDS));
            }
            assertEquals(0, runner.waiting());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
