package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.image.DecodedImage;
import dev.mlportfolio.core.image.ImageDecoder;
import dev.mlportfolio.core.image.ImageFormat;
import dev.mlportfolio.core.testing.Scenes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class OverlayRendererTest {
    private final ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    private final OverlayRenderer renderer = new OverlayRenderer();

    @Test
    void tintsMasksDrawsBoxesAndKeepsTheRestOfThePicture() throws Exception {
        byte[] grey = Scenes.png(greyPicture(300, 200));
        BinaryMask mask = fullMask(300, 200, 100, 60, 100, 80);
        Instance instance = new Instance(new Box(100, 60, 200, 140), 0.87f, mask);
        try (DecodedImage image = decoder.decode(grey)) {
            byte[] png = renderer.render(image, List.of(instance), OverlayRenderer.Format.PNG);
            assertEquals(ImageFormat.PNG, ImageFormat.detect(png).orElseThrow());
            BufferedImage out = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(300, out.getWidth());
            assertEquals(200, out.getHeight());
            assertEquals(0x808080, out.getRGB(20, 180) & 0xFFFFFF, "outside every mask the picture is unchanged");
            int inside = out.getRGB(150, 110) & 0xFFFFFF;
            // Half grey 0x80, half the first palette colour (0, 114, 189).
            assertEquals(64, inside >> 16 & 0xFF, 2, "red of the blend");
            assertEquals(121, inside >> 8 & 0xFF, 2, "green of the blend");
            assertEquals(158, inside & 0xFF, 2, "blue of the blend");
            int outline = out.getRGB(150, 139) & 0xFFFFFF;
            assertTrue(outline != inside, "the box is outlined");
        }
    }

    @Test
    void eachInstanceTakesTheNextPaletteColourForItsMaskItsOutlineAndItsLabel() throws Exception {
        Instance first = new Instance(new Box(40, 100, 140, 200), 0.9f, fullMask(400, 300, 40, 100, 100, 100));
        Instance second = new Instance(new Box(220, 0, 340, 220), 0.5f, fullMask(400, 300, 220, 0, 120, 220));
        BufferedImage out = render(greyPicture(400, 300), List.of(first, second), OverlayRenderer.Format.PNG);

        assertColour(0xAC6A4C, out.getRGB(280, 150), 2, "the second mask blends grey with the second colour (217, 83, 25)");
        // Box edges: the outline runs on the box's last pixels (x1 - 1, y1 - 1), anti-aliased.
        assertColour(SECOND, out.getRGB(339, 160), 8, "right edge of the second box");
        assertEquals(GREY, out.getRGB(341, 160) & 0xFFFFFF, "nothing right of the second box");
        assertColour(FIRST, out.getRGB(90, 199), 8, "bottom edge of the first box");
        assertEquals(GREY, out.getRGB(90, 201) & 0xFFFFFF, "nothing below the first box");
        assertColour(FIRST, out.getRGB(40, 150), 8, "left edge of the first box");
        assertEquals(GREY, out.getRGB(38, 150) & 0xFFFFFF, "nothing left of the first box");

        // The label sits on the box's top edge, a filled patch of the box's colour with white text.
        Label above = label(out, 40, 70, 100, FIRST);
        assertTrue(above.background() > 300, "label patch above the first box: " + above);
        assertTrue(above.text() > 20, "white label text above the first box: " + above);
        assertEquals(GREY, out.getRGB(60, 78) & 0xFFFFFF, "the label is one text line high");
        // A box touching the top keeps its label inside the picture, inside the box.
        Label inside = label(out, 220, 0, 16, SECOND);
        assertTrue(inside.background() > 300, "label patch of the box at the top: " + inside);
        assertTrue(inside.text() > 20, "white label text of the box at the top: " + inside);
    }

    @Test
    void largePicturesGetThickerOutlinesAndLargerLabels() throws Exception {
        // min(width, height) / 1200 = 2 scales the font, and the line is twice that thick.
        BinaryMask nothing = new BinaryMask(2400, 2400, 400, 400, 0, 0, new byte[0]);
        Instance instance = new Instance(new Box(400, 400, 1400, 1400), 0.7f, nothing);
        BufferedImage out = render(greyPicture(2400, 2400), List.of(instance), OverlayRenderer.Format.PNG);

        for (int x = 1398; x <= 1400; x++) {
            assertColour(FIRST, out.getRGB(x, 900), 12, "a four-pixel line around x = 1399, at x = " + x);
        }
        assertEquals(GREY, out.getRGB(1395, 900) & 0xFFFFFF, "inside the line");
        assertEquals(GREY, out.getRGB(1404, 900) & 0xFFFFFF, "outside the line");
        assertEquals(GREY, out.getRGB(900, 900) & 0xFFFFFF, "an empty mask paints nothing");
        int labelRows = 0;
        for (int y = 0; y < 400; y++) {
            if ((out.getRGB(404, y) & 0xFFFFFF) != GREY) {
                labelRows++;
            }
        }
        assertTrue(labelRows >= 40 && labelRows <= 100, "a label about 50 px high at font scale 2, was " + labelRows);
    }

    @Test
    void encodesJpegAtQuality90AndNamesBothMediaTypes() throws Exception {
        try (DecodedImage image = decoder.decode(Scenes.png(greyPicture(64, 48)))) {
            byte[] jpeg = renderer.render(image, List.of(), OverlayRenderer.Format.JPEG);
            assertEquals(ImageFormat.JPEG, ImageFormat.detect(jpeg).orElseThrow());
            // libjpeg scales its standard luminance table (16, 11, ... in zig-zag order) by
            // 200 - 2 * quality percent: at quality 90 the first two entries are 3 and 2.
            int table = indexOf(jpeg, (byte) 0xFF, (byte) 0xDB);
            assertTrue(table > 0, "a quantisation table");
            assertEquals(0, jpeg[table + 4] & 0xFF, "8-bit table 0 (luminance) first");
            assertEquals(3, jpeg[table + 5] & 0xFF, "DC quantiser at quality 90");
            assertEquals(2, jpeg[table + 6] & 0xFF, "first AC quantiser at quality 90");
        }
        assertEquals("image/jpeg", OverlayRenderer.Format.JPEG.mediaType());
        assertEquals("image/png", OverlayRenderer.Format.PNG.mediaType());
    }

    private static final int GREY = 0x808080;
    private static final int FIRST = 0x0072BD;
    private static final int SECOND = 0xD95319;

    /** Pixels of a label patch (exactly the box colour) and of its text (near white) in a band of rows. */
    private record Label(int background, int text) {
    }

    private static Label label(BufferedImage out, int x0, int y0, int rows, int colour) {
        int background = 0;
        int text = 0;
        for (int y = y0; y < y0 + rows; y++) {
            for (int x = x0; x < x0 + 80; x++) {
                int rgb = out.getRGB(x, y) & 0xFFFFFF;
                if (rgb == colour) {
                    background++;
                } else if ((rgb >> 16 & 0xFF) > 0xE0 && (rgb >> 8 & 0xFF) > 0xE0 && (rgb & 0xFF) > 0xE0) {
                    text++;
                }
            }
        }
        return new Label(background, text);
    }

    private BufferedImage render(BufferedImage picture, List<Instance> instances, OverlayRenderer.Format format)
            throws Exception {
        try (DecodedImage image = decoder.decode(Scenes.png(picture))) {
            return ImageIO.read(new ByteArrayInputStream(renderer.render(image, instances, format)));
        }
    }

    private static void assertColour(int expected, int actual, int tolerance, String what) {
        for (int shift = 16; shift >= 0; shift -= 8) {
            assertEquals(expected >> shift & 0xFF, actual >> shift & 0xFF, tolerance,
                    what + String.format(": expected %06x, was %06x", expected, actual & 0xFFFFFF));
        }
    }

    private static BinaryMask fullMask(int width, int height, int left, int top, int regionWidth, int regionHeight) {
        byte[] bits = new byte[regionWidth * regionHeight];
        Arrays.fill(bits, (byte) 1);
        return new BinaryMask(width, height, left, top, regionWidth, regionHeight, bits);
    }

    private static int indexOf(byte[] data, byte first, byte second) {
        for (int i = 0; i + 1 < data.length; i++) {
            if (data[i] == first && data[i + 1] == second) {
                return i;
            }
        }
        return -1;
    }

    private static BufferedImage greyPicture(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, 0x808080);
            }
        }
        return image;
    }
}
