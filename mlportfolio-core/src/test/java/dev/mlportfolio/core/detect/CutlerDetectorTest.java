package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.image.InvalidImageException;
import dev.mlportfolio.core.image.PngBomb;
import dev.mlportfolio.core.testing.Scenes;
import dev.mlportfolio.core.testing.Scenes.Rect;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole detector on the generated test model (models/test-cutler-colors.onnx), which finds
 * solid colour regions: every box and mask can be checked against the rectangles drawn.
 */
class CutlerDetectorTest {
    static final Path TEST_MODEL = Path.of(System.getProperty("mlportfolio.testModel", "../models/test-cutler-colors.onnx"));
    private static final float BOX_TOLERANCE = 2f;
    private static final double MIN_IOU = 0.9;
    private static CutlerDetector detector;

    @BeforeAll
    static void open() {
        detector = CutlerDetector.open(DetectorOptions.of(TEST_MODEL));
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"640, 480", "1920, 1080", "1080, 1920", "800, 800", "333, 999", "3000, 2000", "2000, 700", "150, 100"})
    void findsEveryRectangleAtAnySizeAndAspect(int width, int height) throws Exception {
        List<Rect> truth = Scenes.rects(Scenes.FOUR, width, height);
        Detection found = detector.detect(Scenes.png(Scenes.draw(width, height, truth)));
        assertEquals(width, found.width());
        assertEquals(height, found.height());
        assertMatches(truth, found);
    }

    @ParameterizedTest(name = "orientation {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void answersInUprightCoordinatesForEveryExifOrientation(int orientation) throws Exception {
        int width = 900;
        int height = 600;
        List<Rect> truth = Scenes.rects(Scenes.FOUR, width, height);
        BufferedImage upright = Scenes.draw(width, height, truth);
        byte[] jpeg = Scenes.jpeg(Scenes.storedFor(upright, orientation), 0.95f, orientation);
        Detection found = detector.detect(jpeg);
        assertEquals(width, found.width(), "width after orientation");
        assertEquals(height, found.height());
        assertMatches(truth, found);
    }

    @Test
    void aBlackImageHasNoInstances() throws Exception {
        Detection found = detector.detect(Scenes.png(Scenes.draw(640, 480, List.of())));
        assertEquals(0, found.instances().size());
        assertEquals(ExecutionProvider.CPU, found.executionProvider());
    }

    @Test
    void theThresholdDropsLowScores() throws Exception {
        // The test model scores a region by its brightness: R=150 gives 150/255 = 0.59.
        List<Rect> scene = List.of(new Rect(50, 50, 200, 150, 0x960000), new Rect(300, 200, 500, 400, Scenes.GREEN));
        byte[] png = Scenes.png(Scenes.draw(640, 480, scene));
        Detection both = detector.detect(png, 0.35f);
        assertEquals(2, both.instances().size());
        // Resizing softens edges, so a pure colour scores a little under 1.
        assertEquals(1.0f, both.instances().get(0).score(), 0.02, "best first");
        assertEquals(150 / 255f, both.instances().get(1).score(), 0.01);
        Detection strict = detector.detect(png, 0.6f);
        assertEquals(1, strict.instances().size());
        assertEquals(0.6f, strict.threshold());
        assertEquals(0, detector.detect(png, 1.0f).instances().size(), "scores must be above the threshold");
    }

    @Test
    void scoresStayProbabilitiesOnALargeBrightRegion() throws Exception {
        // The test model once summed a million pixels in float32 and scored this 1.002.
        Detection found = detector.detect(Scenes.png(Scenes.draw(1333, 800, List.of(new Rect(0, 0, 1333, 800, Scenes.RED)))));
        assertEquals(1, found.instances().size());
        float score = found.instances().get(0).score();
        assertTrue(score > 0.99f && score <= 1f, "score " + score);
    }

    @Test
    void oneByOneAndExtremeAspectRatiosWork() throws Exception {
        assertEquals(1, detector.detect(Scenes.png(Scenes.draw(1, 1, List.of(new Rect(0, 0, 1, 1, Scenes.RED)))))
                .instances().size());
        Detection thin = detector.detect(Scenes.png(Scenes.draw(1, 5000, List.of(new Rect(0, 1000, 1, 3000, Scenes.BLUE)))));
        assertEquals(1, thin.width());
        assertEquals(5000, thin.height());
        assertEquals(1, thin.instances().size());
        Box box = thin.instances().get(0).box();
        assertEquals(1000, box.y0(), 4);
        assertEquals(3000, box.y1(), 4);
        Detection wide = detector.detect(Scenes.png(Scenes.draw(5000, 1, List.of(new Rect(1000, 0, 3000, 1, Scenes.GREEN)))));
        assertEquals(5000, wide.width());
        assertEquals(1, wide.height());
        assertEquals(1, wide.instances().size());
        Box across = wide.instances().get(0).box();
        assertEquals(1000, across.x0(), 4);
        assertEquals(3000, across.x1(), 4);
    }

    @Test
    void timingsAreReportedPerStage() throws Exception {
        byte[] png = Scenes.png(Scenes.draw(640, 480, Scenes.rects(Scenes.FOUR, 640, 480)));
        long start = System.nanoTime();
        Detection found = detector.detect(png);
        double wallMs = (System.nanoTime() - start) / 1e6;
        StageTimings t = found.timings();
        assertTrue(t.decodeMs() > 0 && t.preprocessMs() > 0 && t.inferenceMs() > 0 && t.postprocessMs() > 0, t.toString());
        assertEquals(t.decodeMs() + t.preprocessMs() + t.inferenceMs() + t.postprocessMs(), t.totalMs(), 1e-9);
        // Each stage is a part of the call, in milliseconds: together no longer than the call itself.
        assertTrue(t.totalMs() <= wallMs, t + " within " + wallMs + " ms");
    }

    @Test
    void oneDetectorServesManyThreadsAtOnce() throws Exception {
        byte[] png = Scenes.png(Scenes.draw(700, 500, Scenes.rects(Scenes.FOUR, 700, 500)));
        Detection alone = detector.detect(png);
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            List<Future<Detection>> results = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                results.add(pool.submit(() -> detector.detect(png)));
            }
            for (Future<Detection> result : results) {
                Detection d = result.get();
                assertEquals(alone.instances().size(), d.instances().size());
                for (int i = 0; i < d.instances().size(); i++) {
                    assertEquals(alone.instances().get(i).box(), d.instances().get(i).box());
                    assertEquals(alone.instances().get(i).mask().toRle(), d.instances().get(i).mask().toRle());
                }
            }
        }
    }

    @Test
    void badImagesAreRefusedWithAReason() {
        assertEquals(InvalidImageException.Reason.TOO_MANY_PIXELS,
                assertThrows(InvalidImageException.class, () -> detector.detect(PngBomb.declaring(30_000, 30_000))).reason());
        assertEquals(InvalidImageException.Reason.EMPTY,
                assertThrows(InvalidImageException.class, () -> detector.detect(new byte[0])).reason());
        assertThrows(IllegalArgumentException.class, () -> detector.detect(Scenes.png(Scenes.draw(4, 4, List.of())), 1.5f));
    }

    @Test
    void autoFallsBackToCpuWhenThisBuildHasNoCuda() {
        try (CutlerDetector auto = CutlerDetector.open(DetectorOptions.of(TEST_MODEL).withProvider(ExecutionProvider.AUTO))) {
            assertEquals(ExecutionProvider.CPU, auto.executionProvider());
        }
        try (CutlerDetector cpu = CutlerDetector.open(DetectorOptions.of(TEST_MODEL).withProvider(ExecutionProvider.CPU))) {
            assertEquals(ExecutionProvider.CPU, cpu.executionProvider());
        }
    }

    @Test
    void requiringCudaOnACpuBuildFailsClearly() {
        DetectorException e = assertThrows(DetectorException.class,
                () -> CutlerDetector.open(DetectorOptions.of(TEST_MODEL).withProvider(ExecutionProvider.CUDA)));
        assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());
    }

    @Test
    void aMissingOrBrokenModelFileFailsClearly(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        DetectorException missing = assertThrows(DetectorException.class,
                () -> CutlerDetector.open(DetectorOptions.of(dir.resolve("nope.onnx"))));
        assertTrue(missing.getMessage().contains("no model file"));
        Path junk = java.nio.file.Files.writeString(dir.resolve("junk.onnx"), "not a model");
        assertThrows(DetectorException.class, () -> CutlerDetector.open(DetectorOptions.of(junk)));
    }

    /** Each true rectangle has exactly one instance whose box is within 2 px and whose mask has IoU >= 0.9. */
    static void assertMatches(List<Rect> truth, Detection found) {
        assertEquals(truth.size(), found.instances().size(), "instances: " + found.instances().stream().map(Instance::box).toList());
        List<Instance> unmatched = new ArrayList<>(found.instances());
        for (Rect rect : truth) {
            Instance best = unmatched.stream()
                    .min(Comparator.comparingDouble(i -> boxError(rect, i.box())))
                    .orElseThrow();
            unmatched.remove(best);
            assertTrue(boxError(rect, best.box()) <= BOX_TOLERANCE, "box " + best.box() + " vs " + rect);
            double iou = iou(rect, best.mask());
            assertTrue(iou >= MIN_IOU, "mask IoU " + iou + " for " + rect);
            assertFalse(best.area() == 0);
        }
    }

    static double boxError(Rect rect, Box box) {
        return Math.max(Math.max(Math.abs(box.x0() - rect.x0()), Math.abs(box.y0() - rect.y0())),
                Math.max(Math.abs(box.x1() - rect.x1()), Math.abs(box.y1() - rect.y1())));
    }

    static double iou(Rect rect, BinaryMask mask) {
        long inter = 0;
        long union = 0;
        int x0 = Math.min(rect.x0(), mask.left());
        int y0 = Math.min(rect.y0(), mask.top());
        int x1 = Math.max(rect.x1(), mask.left() + mask.regionWidth());
        int y1 = Math.max(rect.y1(), mask.top() + mask.regionHeight());
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                boolean a = rect.contains(x, y);
                boolean b = mask.get(x, y);
                inter += a && b ? 1 : 0;
                union += a || b ? 1 : 0;
            }
        }
        return union == 0 ? 0 : inter / (double) union;
    }
}
