package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertThrows(IllegalStateException.class, () -> detector.detect(SCENE), "the ONNX Runtime session is closed");
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
        return thread.getState() == Thread.State.WAITING && Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(CutlerDetector.class.getName())
                        && frame.getMethodName().equals("infer"));
    }
}
