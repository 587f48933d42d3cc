package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResizePlanTest {
    // Expected sizes worked out with detectron2's ResizeShortestEdge.get_output_shape(h, w, 800, 1333).
    @ParameterizedTest
    @CsvSource({
            "1920, 1080, 1333, 750",
            "1080, 1920, 750, 1333",
            "4000, 3000, 1067, 800",
            "640, 480, 1067, 800",
            "800, 800, 800, 800",
            "100, 100, 800, 800",
            "1, 1, 800, 800",
            "3000, 1000, 1333, 444",
            "1000, 3000, 444, 1333",
            "5000, 1, 1333, 1",
            "1, 5000, 1, 1333",
            "1333, 750, 1333, 750",
            "1333, 749, 1333, 749"})
    void matchesDetectronsShortestEdgeRule(int w, int h, int expectedW, int expectedH) {
        ResizePlan plan = ResizePlan.of(w, h);
        assertEquals(expectedW, plan.width(), "width");
        assertEquals(expectedH, plan.height(), "height");
    }
}
