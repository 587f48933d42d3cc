package dev.mlportfolio.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlportfolio.core.testing.PillowReference;
import dev.mlportfolio.core.testing.SkipEachTest;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PillowBilinear against Pillow itself (the pinned Pillow of scripts/requirements-tools.txt):
 * every output byte of every case equal, on photo-like and adversarial pictures at the sizes
 * detectron2's shortest-edge rule gives and at sizes it never asks for.
 */
@ExtendWith(SkipEachTest.class)
class PillowBilinearTest {
    static Path cases;
    static JsonNode manifest;

    @BeforeAll
    static void writeCases() throws Exception {
        cases = PillowReference.resizeCases();
        manifest = new ObjectMapper().readTree(cases.resolve("cases.json").toFile());
    }

    @Test
    void everyCaseEqualsPillowByteForByte() throws Exception {
        List<String> failures = new ArrayList<>();
        int count = 0;
        for (JsonNode c : manifest.get("cases")) {
            String name = c.get("name").asText();
            int w = c.get("width").asInt();
            int h = c.get("height").asInt();
            int tw = c.get("target_width").asInt();
            int th = c.get("target_height").asInt();
            ByteBuffer source = ByteBuffer.wrap(Files.readAllBytes(cases.resolve(name + ".src.rgb")));
            byte[] expected = Files.readAllBytes(cases.resolve(name + ".pil.rgb"));
            ByteBuffer actual = ByteBuffer.allocate(tw * th * 3);
            PillowBilinear.resize(source, w, h, actual, tw, th);
            int worst = 0;
            int differing = 0;
            int first = -1;
            for (int i = 0; i < expected.length; i++) {
                int d = Math.abs((expected[i] & 0xff) - (actual.get(i) & 0xff));
                if (d != 0) {
                    differing++;
                    worst = Math.max(worst, d);
                    first = first < 0 ? i : first;
                }
            }
            if (differing > 0) {
                int pixel = first / 3;
                failures.add(String.format("%s %dx%d -> %dx%d: %d bytes differ, max %d, first at x=%d y=%d",
                        name, w, h, tw, th, differing, worst, pixel % tw, pixel / tw));
            }
            count++;
        }
        assertTrue(count >= 60, "expected the full case list, got " + count);
        assertEquals(List.of(), failures, "Pillow " + manifest.get("pillow").asText() + " disagrees on "
                + failures.size() + " of " + count + " cases");
    }

    @Test
    void matEntryPointReadsANonContinuousRegionAndKeepsChannelOrder() throws Exception {
        JsonNode c = manifest.get("cases").get(0);
        String name = c.get("name").asText();
        int w = c.get("width").asInt();
        int h = c.get("height").asInt();
        byte[] source = Files.readAllBytes(cases.resolve(name + ".src.rgb"));
        byte[] expected = Files.readAllBytes(cases.resolve(name + ".pil.rgb"));
        // The same pixels as the middle of a wider matrix: rows are then not contiguous.
        try (Mat wide = new Mat(h, w + 8, opencv_core.CV_8UC3)) {
            wide.data().capacity((long) h * (w + 8) * 3);
            for (int y = 0; y < h; y++) {
                wide.ptr(y, 4).put(source, y * w * 3, w * 3);
            }
            try (Mat region = new Mat(wide, new Rect(4, 0, w, h));
                 Mat resized = PillowBilinear.resize(region, c.get("target_width").asInt(), c.get("target_height").asInt())) {
                byte[] actual = new byte[expected.length];
                resized.data().get(actual);
                assertTrue(java.util.Arrays.equals(expected, actual), "Mat path differs from Pillow on " + name);
            }
        }
    }

    @Test
    void refusesAnEmptyTargetAndAWrongPixelType() {
        try (Mat rgb = new Mat(4, 4, opencv_core.CV_8UC3); Mat grey = new Mat(4, 4, opencv_core.CV_8UC1)) {
            assertThrows(IllegalArgumentException.class, () -> PillowBilinear.resize(rgb, 0, 4));
            assertThrows(IllegalArgumentException.class, () -> PillowBilinear.resize(grey, 2, 2));
        }
    }
}
