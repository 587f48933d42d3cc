package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.Scenes;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the loader finds the model's input and outputs, on variants of the test model written by
 * {@code scripts/make_test_model_variants.py} (each changes one thing): outputs found by name in
 * any order, by position when the export named none, and models it cannot read refused with a
 * message saying what was expected.
 */
class OnnxCutlerModelTest {
    private static final Path VARIANTS = CutlerDetectorTest.TEST_MODEL.resolveSibling("test-variants");
    private static final byte[] SCENE = Scenes.png(Scenes.draw(480, 360, Scenes.rects(Scenes.FOUR, 480, 360)));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"outputs-unnamed.onnx", "outputs-reordered.onnx"})
    void outputsAreFoundByNameOrElseByPosition(String variant) throws Exception {
        try (CutlerDetector reference = CutlerDetector.open(DetectorOptions.of(CutlerDetectorTest.TEST_MODEL));
             CutlerDetector other = CutlerDetector.open(DetectorOptions.of(VARIANTS.resolve(variant)))) {
            Detection expected = reference.detect(SCENE);
            Detection found = other.detect(SCENE);
            assertEquals(4, expected.instances().size());
            assertEquals(expected.instances().size(), found.instances().size());
            for (int i = 0; i < expected.instances().size(); i++) {
                Instance a = expected.instances().get(i);
                Instance b = found.instances().get(i);
                assertEquals(a.box(), b.box(), variant + " instance " + i);
                assertEquals(a.score(), b.score(), variant + " instance " + i);
                assertEquals(a.mask().toRle(), b.mask().toRle(), variant + " instance " + i);
            }
        }
    }

    @Test
    void modelsItCannotReadAreRefusedSayingWhatWasExpected() {
        assertRefused("outputs-four.onnx", "expected [pred_boxes, pred_classes, pred_masks, scores, image_size]");
        assertRefused("inputs-two.onnx", "expected one input (the image tensor)");
        assertRefused("input-rank4.onnx", "has rank 4; CutLER's exported graph takes [3, H, W]");
    }

    private static void assertRefused(String variant, String says) {
        DetectorException e = assertThrows(DetectorException.class,
                () -> CutlerDetector.open(DetectorOptions.of(VARIANTS.resolve(variant))).close(), variant);
        assertTrue(e.getMessage().contains(says), variant + ": " + e.getMessage());
    }
}
