package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The post-processor on hand-made raw detections that the test model cannot produce: scores out of
 * order, on and just above the threshold, a box entirely outside the image and one partly outside,
 * and a different mask per instance that changes along both axes. Each instance is checked against
 * an expectation computed here independently: scores filtered and sorted by hand, boxes scaled and
 * clipped by hand, and masks sampled pixel by pixel with grid_sample's formula (not the paster's
 * separable loop).
 */
class CutlerPostprocessorTest {
    private static final int S = 28;
    private static final int INPUT_W = 100;
    private static final int INPUT_H = 50;
    private static final int IMAGE_W = 200;
    private static final int IMAGE_H = 100;
    private static final float THRESHOLD = 0.35f;

    /** Boxes in input-tensor pixels, one per instance. */
    private static final float[][] BOXES = {
            {10, 5, 40, 30},      // 0: score 0.40
            {50, 10, 90, 45},     // 1: score 0.90, the best kept
            {5, 5, 20, 20},       // 2: score 0.35, on the threshold: dropped
            {60, 30, 130, 70},    // 3: score 0.351, partly outside: clipped to the image
            {120, 60, 150, 80},   // 4: score 0.95, entirely outside: empty after clipping, dropped
            {20, 20, 45, 48},     // 5: score 0.75
    };
    private static final float[] SCORES = {0.40f, 0.90f, 0.35f, 0.351f, 0.95f, 0.75f};

    @Test
    void keepsScoresAboveTheThresholdBestFirstWithBoxesScaledAndClippedAndEachItsOwnMask() {
        float[] masks = masks(BOXES.length, 7);
        RawDetections raw = new RawDetections(BOXES.length, flatten(BOXES), SCORES, masks, S, INPUT_H, INPUT_W);
        List<Instance> instances = new CutlerPostprocessor().process(raw, IMAGE_W, IMAGE_H, THRESHOLD);

        int[] expectedOrder = {1, 5, 0, 3};
        assertEquals(expectedOrder.length, instances.size(), "kept: above the threshold, not empty after clipping");
        for (int k = 0; k < expectedOrder.length; k++) {
            int i = expectedOrder[k];
            Instance instance = instances.get(k);
            assertEquals(SCORES[i], instance.score(), "instance " + k + " is raw detection " + i);
            Box expected = new Box(Math.min(IMAGE_W, BOXES[i][0] * 2), Math.min(IMAGE_H, BOXES[i][1] * 2),
                    Math.min(IMAGE_W, BOXES[i][2] * 2), Math.min(IMAGE_H, BOXES[i][3] * 2));
            assertEquals(expected, instance.box(), "the box scaled by 2 and clipped");
            assertMaskMatches(masks, i, expected, instance.mask());
        }
        assertEquals(new Box(120, 60, 200, 100), instances.get(3).box(), "the partly outside box ends at the image's edge");
    }

    @Test
    void keepsAtMostAHundredTheBestOnes() {
        int count = 150;
        float[] boxes = new float[count * 4];
        float[] scores = new float[count];
        Random random = new Random(11);
        for (int i = 0; i < count; i++) {
            boxes[i * 4] = 10;
            boxes[i * 4 + 1] = 10;
            boxes[i * 4 + 2] = 30;
            boxes[i * 4 + 3] = 30;
            scores[i] = 0.36f + random.nextFloat() * 0.6f;
        }
        RawDetections raw = new RawDetections(count, boxes, scores, new float[count * S * S], S, INPUT_H, INPUT_W);
        List<Instance> instances = new CutlerPostprocessor().process(raw, IMAGE_W, IMAGE_H, THRESHOLD);
        assertEquals(CutlerPostprocessor.MAX_DETECTIONS, instances.size());
        float[] sorted = scores.clone();
        java.util.Arrays.sort(sorted);
        for (int k = 0; k < instances.size(); k++) {
            assertEquals(sorted[count - 1 - k], instances.get(k).score(), "the " + k + "th best score");
        }
    }

    /** Each instance a different pattern: a blob whose extent depends on the instance, plus noise. */
    private static float[] masks(int count, long seed) {
        Random random = new Random(seed);
        float[] masks = new float[count * S * S];
        for (int i = 0; i < count; i++) {
            int top = 2 + i;
            int bottom = S - 3 - 2 * i;
            int left = 1 + 2 * i;
            int right = S - 2 - i;
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    boolean inside = y >= top && y < bottom && x >= left && x < right && !(x > y + i && y < S / 2);
                    masks[i * S * S + y * S + x] = inside ? 0.7f + 0.3f * random.nextFloat() : 0.3f * random.nextFloat();
                }
            }
        }
        return masks;
    }

    /**
     * Compares with grid_sample(align_corners=False), bilinear, zero padding, at every image pixel;
     * pixels whose sampled value is within 1e-4 of the 0.5 threshold may differ by float rounding.
     */
    private static void assertMaskMatches(float[] masks, int instance, Box box, BinaryMask actual) {
        List<String> wrong = new ArrayList<>();
        long area = 0;
        for (int y = 0; y < IMAGE_H; y++) {
            for (int x = 0; x < IMAGE_W; x++) {
                double u = (x + 0.5 - box.x0()) / box.width() * S - 0.5;
                double v = (y + 0.5 - box.y0()) / box.height() * S - 0.5;
                double value = sample(masks, instance, u, v);
                boolean expected = value >= 0.5;
                area += expected ? 1 : 0;
                if (expected != actual.get(x, y) && Math.abs(value - 0.5) > 1e-4) {
                    wrong.add(x + "," + y + " (" + value + ")");
                }
            }
        }
        assertTrue(wrong.isEmpty(), "instance " + instance + ": " + wrong.size() + " pixels differ, e.g. "
                + wrong.subList(0, Math.min(5, wrong.size())));
        assertTrue(area > 0 && area < (long) Math.ceil(box.width()) * (long) Math.ceil(box.height()),
                "a mask that is neither empty nor its whole box: " + area);
    }

    private static double sample(float[] masks, int instance, double u, double v) {
        int u0 = (int) Math.floor(u);
        int v0 = (int) Math.floor(v);
        double fu = u - u0;
        double fv = v - v0;
        return (1 - fu) * (1 - fv) * at(masks, instance, u0, v0) + fu * (1 - fv) * at(masks, instance, u0 + 1, v0)
                + (1 - fu) * fv * at(masks, instance, u0, v0 + 1) + fu * fv * at(masks, instance, u0 + 1, v0 + 1);
    }

    private static double at(float[] masks, int instance, int x, int y) {
        return x < 0 || y < 0 || x >= S || y >= S ? 0 : masks[instance * S * S + y * S + x];
    }

    private static float[] flatten(float[][] boxes) {
        float[] flat = new float[boxes.length * 4];
        for (int i = 0; i < boxes.length; i++) {
            System.arraycopy(boxes[i], 0, flat, i * 4, 4);
        }
        return flat;
    }
}
