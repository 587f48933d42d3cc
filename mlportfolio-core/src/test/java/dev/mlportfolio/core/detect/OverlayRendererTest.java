package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.image.DecodedImage;
import dev.mlportfolio.core.image.ImageDecoder;
import dev.mlportfolio.core.image.ImageFormat;
import dev.mlportfolio.core.testing.Scenes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class OverlayRendererTest {
    private final ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    private final OverlayRenderer renderer = new OverlayRenderer();

    @Test
    void tintsMasksDrawsBoxesAndKeepsTheRestOfThePicture() throws Exception {
        byte[] grey = Scenes.png(greyPicture(300, 200));
        byte[] bits = new byte[100 * 80];
        java.util.Arrays.fill(bits, (byte) 1);
        BinaryMask mask = new BinaryMask(300, 200, 100, 60, 100, 80, bits);
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
    void encodesJpegByDefaultChoice() throws Exception {
        try (DecodedImage image = decoder.decode(Scenes.png(greyPicture(64, 48)))) {
            byte[] jpeg = renderer.render(image, List.of(), OverlayRenderer.Format.JPEG);
            assertEquals(ImageFormat.JPEG, ImageFormat.detect(jpeg).orElseThrow());
        }
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
