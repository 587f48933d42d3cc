package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.image.DecodedImage;
import dev.mlportfolio.core.image.ImageDecoder;
import dev.mlportfolio.core.testing.Scenes;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CutlerPreprocessorTest {
    private final ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    private final CutlerPreprocessor preprocessor = new CutlerPreprocessor();

    @Test
    void writesRgbPlanesOfRawPixelValues() throws Exception {
        // 800x800 needs no resize, so every value can be checked exactly.
        BufferedImage picture = Scenes.draw(800, 800, List.of());
        picture.setRGB(5, 7, 0x102030);
        picture.setRGB(799, 799, 0xFF8001);
        try (DecodedImage image = decoder.decode(Scenes.png(picture))) {
            ModelInput input = preprocessor.prepare(image);
            assertEquals(800, input.width());
            assertEquals(800, input.height());
            assertTrue(input.chw().isDirect(), "ONNX Runtime reads a direct buffer without copying");
            assertEquals(3L * 800 * 800, input.chw().capacity());
            assertPixel(input, 5, 7, 0x10, 0x20, 0x30);
            assertPixel(input, 799, 799, 0xFF, 0x80, 0x01);
            assertPixel(input, 0, 0, 0, 0, 0);
        }
    }

    @Test
    void resizesToTheShortestEdgePlanAndKeepsColours() throws Exception {
        BufferedImage picture = Scenes.draw(400, 200, List.of(new Scenes.Rect(0, 0, 200, 200, Scenes.GREEN)));
        try (DecodedImage image = decoder.decode(Scenes.png(picture))) {
            ModelInput input = preprocessor.prepare(image);
            assertEquals(1333, input.width());
            assertEquals(667, input.height());
            assertPixel(input, 100, 300, 0, 255, 0);
            assertPixel(input, 1300, 300, 0, 0, 0);
        }
    }

    @Test
    void resizesWhenOnlyOneSideChanges() throws Exception {
        // Green on the left half; black on the right. A plan that keeps one side must still resample the other.
        BufferedImage picture = Scenes.draw(64, 48, List.of(new Scenes.Rect(0, 0, 32, 48, Scenes.GREEN)));
        try (DecodedImage image = decoder.decode(Scenes.png(picture))) {
            try (ModelInput taller = preprocessor.prepare(image, new ResizePlan(64, 48, 64, 96))) {
                assertEquals(64, taller.width());
                assertEquals(96, taller.height());
                assertPixel(taller, 10, 90, 0, 255, 0);
                assertPixel(taller, 50, 90, 0, 0, 0);
            }
            try (ModelInput wider = preprocessor.prepare(image, new ResizePlan(64, 48, 128, 48))) {
                assertEquals(128, wider.width());
                assertPixel(wider, 60, 40, 0, 255, 0);
                assertPixel(wider, 70, 40, 0, 0, 0);
            }
        }
    }

    @Test
    void shrinkingAveragesInsteadOfSkippingPixels() throws Exception {
        // Alternating black and white columns: an area-aware filter gives grey, point sampling would not.
        BufferedImage stripes = new BufferedImage(4000, 1000, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 4000; x += 2) {
            for (int y = 0; y < 1000; y++) {
                stripes.setRGB(x, y, 0xFFFFFF);
            }
        }
        try (DecodedImage image = decoder.decode(Scenes.png(stripes))) {
            ModelInput input = preprocessor.prepare(image);
            assertEquals(1333, input.width());
            float value = input.chw().get(100 * input.width() + 600);
            assertTrue(value > 100 && value < 155, "about half grey, was " + value);
        }
    }

    @Test
    void aReusedBufferHoldsOnlyTheNewImage() throws Exception {
        BufferedImage white = Scenes.draw(800, 800, List.of(new Scenes.Rect(0, 0, 800, 800, 0xFFFFFF)));
        BufferedImage red = Scenes.draw(800, 800, List.of(new Scenes.Rect(0, 0, 800, 800, Scenes.RED)));
        try (DecodedImage first = decoder.decode(Scenes.png(white)); DecodedImage second = decoder.decode(Scenes.png(red))) {
            assertEquals(0, preprocessor.pooled());
            preprocessor.prepare(first).close();
            assertEquals(1, preprocessor.pooled(), "closing the input gives its buffer back");
            try (ModelInput input = preprocessor.prepare(second)) {
                assertEquals(0, preprocessor.pooled(), "the second image took the first one's buffer");
                assertPixel(input, 400, 400, 255, 0, 0);
                assertPixel(input, 0, 799, 255, 0, 0);
            }
        }
    }

    @Test
    void thePoolKeepsAtMostFourBuffers() throws Exception {
        try (DecodedImage image = decoder.decode(Scenes.png(Scenes.draw(800, 800, List.of())))) {
            List<ModelInput> open = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                open.add(preprocessor.prepare(image));
            }
            open.forEach(ModelInput::close);
            assertEquals(4, preprocessor.pooled(), "six inputs closed at once, four buffers kept for reuse");
        }
    }

    @Test
    void aPlanLargerThanDetectronsFitsAnUnpooledBuffer() throws Exception {
        // A caller's own plan may exceed 1333x800; it gets a buffer of its own, which is not pooled.
        BufferedImage picture = Scenes.draw(100, 100, List.of(new Scenes.Rect(0, 0, 50, 100, Scenes.GREEN)));
        try (DecodedImage image = decoder.decode(Scenes.png(picture))) {
            try (ModelInput input = preprocessor.prepare(image, new ResizePlan(100, 100, 1400, 1400))) {
                assertEquals(3L * 1400 * 1400, input.chw().capacity());
                assertPixel(input, 100, 1399, 0, 255, 0);
                assertPixel(input, 1399, 0, 0, 0, 0);
            }
            assertEquals(0, preprocessor.pooled());
        }
    }

    private static void assertPixel(ModelInput input, int x, int y, int r, int g, int b) {
        FloatBuffer chw = input.chw();
        int plane = input.width() * input.height();
        int at = y * input.width() + x;
        assertEquals(List.of((float) r, (float) g, (float) b), List.of(chw.get(at), chw.get(plane + at), chw.get(2 * plane + at)),
                "R, G, B planes at " + x + "," + y);
    }
}
