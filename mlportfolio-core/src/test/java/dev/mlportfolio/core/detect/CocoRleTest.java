package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CocoRleTest {

    /** Vectors written by pycocotools.mask.encode (scripts/make_test_fixtures.py). */
    @Test
    void matchesPycocotoolsByteForByte() throws IOException {
        List<String[]> vectors = vectors();
        assertEquals(31, vectors.size());
        for (String[] v : vectors) {
            int h = Integer.parseInt(v[0]);
            int w = Integer.parseInt(v[1]);
            byte[] bits = new byte[h * w];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = (byte) (v[2].charAt(i) - '0');
            }
            BinaryMask mask = new BinaryMask(w, h, 0, 0, w, h, bits);
            CocoRle rle = mask.toRle();
            assertEquals(v[3], rle.counts(), h + "x" + w);
            assertEquals(h, rle.height());
            assertEquals(w, rle.width());
            BinaryMask back = new CocoRle(h, w, v[3]).decode();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertEquals(mask.get(x, y), back.get(x, y));
                }
            }
        }
    }

    @Test
    void aMaskStoredOverARegionEncodesLikeTheSameMaskStoredWhole() {
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            int w = 1 + random.nextInt(30);
            int h = 1 + random.nextInt(30);
            int left = random.nextInt(w);
            int top = random.nextInt(h);
            int rw = random.nextInt(w - left + 1);
            int rh = random.nextInt(h - top + 1);
            byte[] region = new byte[rw * rh];
            for (int i = 0; i < region.length; i++) {
                region[i] = (byte) (random.nextInt(3) == 0 ? 1 : 0);
            }
            BinaryMask partial = new BinaryMask(w, h, left, top, rw, rh, region);
            byte[] whole = new byte[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    whole[y * w + x] = (byte) (partial.get(x, y) ? 1 : 0);
                }
            }
            BinaryMask full = new BinaryMask(w, h, 0, 0, w, h, whole);
            assertEquals(full.toRle(), partial.toRle());
            assertEquals(full.area(), partial.area());
        }
    }

    @Test
    void refusesCountsThatDoNotCoverTheImage() {
        assertThrows(IllegalArgumentException.class, () -> new CocoRle(2, 2, "1").decode());
    }

    @Test
    void decodesWhatItEncodesPixelForPixel() {
        byte[] bits = new byte[7 * 5];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = (byte) ((i * 7 + i / 3) % 4 == 0 ? 1 : 0);
        }
        BinaryMask mask = new BinaryMask(7, 5, 0, 0, 7, 5, bits);
        BinaryMask back = CocoRle.encode(mask).decode();
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                assertEquals(mask.get(x, y), back.get(x, y), "pixel " + x + "," + y);
            }
        }
        assertEquals(mask.area(), back.area());
    }

    @Test
    void refusesAStringThatEndsInsideACount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CocoRle.fromCountString("0P"));
        assertEquals("RLE string ends inside a count", e.getMessage());
    }

    private static List<String[]> vectors() throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                CocoRleTest.class.getResourceAsStream("/fixtures/rle-vectors.tsv"), StandardCharsets.US_ASCII))) {
            return in.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> l.split("\t")).toList();
        }
    }
}
