package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.Scenes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/** What the detector bounds and refuses, observed from outside on the test model. */
class CutlerDetectorLimitsTest {
    private static final byte[] SCENE = Scenes.png(Scenes.draw(320, 240, Scenes.rects(Scenes.FOUR, 320, 240)));

    /** The real model, with a gate in front that holds every run until the test opens it and counts who is inside. */
    private static final class GatedEngine implements CutlerEngine {
        final OnnxCutlerModel model;
        final CountDownLatch gate = new CountDownLatch(1);
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();

        GatedEngine(OnnxCutlerModel model) {
            this.model = model;
        }

        @Override
        public RawDetections run(ModelInput input) {
            peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                gate.await();
                return model.run(input);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                inside.decrementAndGet();
            }
        }

        @Override
        public ExecutionProvider provider() {
            return model.provider();
        }

        @Override
        public void close() {
            model.close();
        }
    }

    @Test
    void noMoreThanMaxConcurrentRunsReachTheModelAndTheOthersWaitTheirTurn() throws Exception {
        DetectorOptions options = DetectorOptions.of(CutlerDetectorTest.TEST_MODEL).withMaxConcurrentRuns(2);
        GatedEngine engine = new GatedEngine(OnnxCutlerModel.open(options.modelPath(), ExecutionProvider.CPU, 1));
        try (CutlerDetector detector = new CutlerDetector(options, engine)) {
            int callers = 5;
            AtomicReferenceArray<Detection> results = new AtomicReferenceArray<>(callers);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int slot = i;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        results.set(slot, detector.detect(SCENE));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            // Every caller has decoded and preprocessed and is now parked in the run step: two in the
            // model behind the gate, three waiting for a run. Without the bound all five would be inside.
            awaitAllParkedInRun(threads);
            assertEquals(2, engine.inside.get(), "runs inside the model while five callers wait");
            engine.gate.countDown();
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(60));
            }
            assertEquals(2, engine.peak.get());
            for (int i = 0; i < callers; i++) {
                assertEquals(4, results.get(i).instances().size(), "caller " + i + " got its answer");
            }
        }
    }

    @Test
    void closingWaitsForAnInferenceInsideTheModelAndThenRefusesNewOnes() throws Exception {
        DetectorOptions options = DetectorOptions.of(CutlerDetectorTest.TEST_MODEL);
        GatedEngine engine = new GatedEngine(OnnxCutlerModel.open(options.modelPath(), ExecutionProvider.CPU, 1));
        CutlerDetector detector = new CutlerDetector(options, engine);
        AtomicReferenceArray<Detection> result = new AtomicReferenceArray<>(1);
        Thread running = Thread.ofPlatform().start(() -> {
            try {
                result.set(0, detector.detect(SCENE));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitAllParkedInRun(List.of(running));
        Thread closing = Thread.ofPlatform().start(detector::close);
        // Closing an ONNX Runtime session under a run crashes the process: close waits instead.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!inMethod(closing, "close")) {
            assertTrue(System.nanoTime() < deadline, "close() did not start waiting");
            Thread.sleep(1);
        }
        assertEquals(1, engine.inside.get(), "the inference is still inside the model while close() waits");
        engine.gate.countDown();
        running.join(Duration.ofSeconds(60));
        closing.join(Duration.ofSeconds(60));
        assertFalse(closing.isAlive());
        assertEquals(4, result.get(0).instances().size(), "the inference in progress finished with its answer");
        assertThrows(IllegalStateException.class, () -> detector.detect(SCENE), "a closed detector refuses new work");
        detector.close();   // closing twice is harmless
    }

    @Test
    void thresholdsFromZeroToOneAreAcceptedAndOthersRefused() throws Exception {
        try (CutlerDetector detector = CutlerDetector.open(DetectorOptions.of(CutlerDetectorTest.TEST_MODEL))) {
            assertEquals(4, detector.detect(SCENE, 0f).instances().size());
            assertEquals(0, detector.detect(SCENE, 1f).instances().size(), "no score is above 1");
            assertThrows(IllegalArgumentException.class, () -> detector.detect(SCENE, -0.001f));
            assertThrows(IllegalArgumentException.class, () -> detector.detect(SCENE, 1.001f));
        }
    }

    @Test
    void theDetectorKeepsItsOptionsAndAClosedOneNoLongerRuns() throws Exception {
        DetectorOptions options = DetectorOptions.of(CutlerDetectorTest.TEST_MODEL).withMaxPixels(123_456);
        CutlerDetector detector = CutlerDetector.open(options);
        assertSame(options, detector.options());
        assertEquals(123_456, detector.decoder().maxPixels());
        assertEquals(4, detector.detect(SCENE).instances().size());
        detector.close();
        assertThrows(IllegalStateException.class, () -> detector.detect(SCENE), "a closed detector refuses new work");
    }

    /** Until every thread is parked inside the detector's run step (in its queue, or in the model behind the gate). */
    private static void awaitAllParkedInRun(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!threads.stream().allMatch(CutlerDetectorLimitsTest::parkedInRun)) {
            assertTrue(System.nanoTime() < deadline, "callers did not all reach the model or its queue");
            Thread.sleep(1);
        }
    }

    private static boolean parkedInRun(Thread thread) {
        // Parked elsewhere (a class being initialised by another caller, say) does not count.
        return thread.getState() == Thread.State.WAITING && inMethod(thread, "infer");
    }

    /** Whether the thread is parked (for good or with a timeout) with a detector method of this name on its stack. */
    private static boolean inMethod(Thread thread, String method) {
        Thread.State state = thread.getState();
        return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) && Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(CutlerDetector.class.getName())
                        && frame.getMethodName().equals(method));
    }
}
