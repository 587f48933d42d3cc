package dev.mlportfolio.core.rag.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ForwardWorkersTest {
    @Test
    void everyPartOfEveryStepRunsOnceBeforeTheStepReturns() {
        // Three parts on a two-core machine: more threads than cores, as on a busy server.
        try (ForwardWorkers workers = new ForwardWorkers(3)) {
            int steps = 5_000;
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            for (int step = 0; step < steps; step++) {
                int[] seen = new int[3];
                workers.run((part, parts) -> {
                    assertEquals(3, parts);
                    seen[part]++;
                    runs.incrementAndGet(part);
                });
                // Visible here because run() waits for each part.
                assertArrayEquals(new int[] {1, 1, 1}, seen, "step " + step);
            }
            assertEquals(steps, runs.get(0));
            assertEquals(steps, runs.get(1));
            assertEquals(steps, runs.get(2));
        }
    }

    @Test
    void aFailingPartFailsTheStepAndTheWorkersKeepServing() {
        try (ForwardWorkers workers = new ForwardWorkers(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> workers.run((part, parts) -> {
                if (part == 1) {
                    throw new IllegalStateException("part one broke");
                }
            }));
            assertEquals("part one broke", e.getMessage());
            long[] sums = new long[2];
            workers.run((part, parts) -> sums[part] = part + 10);
            assertEquals("[10, 11]", Arrays.toString(sums));
        }
    }

    @Test
    void oneThreadRunsTheStepOnTheCaller() {
        try (ForwardWorkers workers = new ForwardWorkers(1)) {
            Thread[] ran = new Thread[1];
            workers.run((part, parts) -> ran[part] = Thread.currentThread());
            assertEquals(Thread.currentThread(), ran[0]);
        }
        assertThrows(IllegalArgumentException.class, () -> new ForwardWorkers(0));
    }
}
