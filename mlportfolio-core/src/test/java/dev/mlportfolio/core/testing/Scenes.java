package dev.mlportfolio.core.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Synthetic test pictures: solid rectangles of pure colours on black, at places given as fractions
 * of the picture, so the same scene can be drawn at any size. The test model detects exactly such
 * regions, which gives every geometry test a known truth.
 */
public final class Scenes {
    /** A rectangle in pixels, end exclusive, and its colour (0xRRGGBB). */
    public record Rect(int x0, int y0, int x1, int y1, int rgb) {
        public boolean contains(int x, int y) {
            return x >= x0 && x < x1 && y >= y0 && y < y1;
        }
    }

    /** A rectangle as fractions of the picture's width and height. */
    public record Placement(double fx0, double fy0, double fx1, double fy1, int rgb) {
        Rect at(int width, int height) {
            return new Rect((int) Math.round(fx0 * width), (int) Math.round(fy0 * height),
                    (int) Math.round(fx1 * width), (int) Math.round(fy1 * height), rgb);
        }
    }

    public static final int RED = 0xFF0000;
    public static final int GREEN = 0x00FF00;
    public static final int BLUE = 0x0000FF;
    public static final int YELLOW = 0xFFFF00;
    public static final int CYAN = 0x00FFFF;

    /** Four rectangles, none touching, of different sizes and colours. */
    public static final List<Placement> FOUR = List.of(
            new Placement(0.05, 0.10, 0.30, 0.45, RED),
            new Placement(0.40, 0.05, 0.95, 0.30, GREEN),
            new Placement(0.10, 0.60, 0.25, 0.90, BLUE),
            new Placement(0.50, 0.50, 0.80, 0.95, YELLOW));

    private Scenes() {
    }

    public static List<Rect> rects(List<Placement> placements, int width, int height) {
        List<Rect> rects = new ArrayList<>();
        for (Placement p : placements) {
            rects.add(p.at(width, height));
        }
        return rects;
    }

    public static BufferedImage draw(int width, int height, List<Rect> rects) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (Rect r : rects) {
            for (int y = r.y0(); y < r.y1(); y++) {
                for (int x = r.x0(); x < r.x1(); x++) {
                    image.setRGB(x, y, r.rgb());
                }
            }
        }
        return image;
    }

    /**
     * The stored pixels that show {@code upright} once EXIF orientation {@code orientation} is applied
     * (the inverse of PIL's exif_transpose).
     */
    public static BufferedImage storedFor(BufferedImage upright, int orientation) {
        int w = upright.getWidth();
        int h = upright.getHeight();
        boolean swap = orientation >= 5;
        BufferedImage stored = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < stored.getHeight(); y++) {
            for (int x = 0; x < stored.getWidth(); x++) {
                int[] shown = displayed(x, y, stored.getWidth(), stored.getHeight(), orientation);
                stored.setRGB(x, y, upright.getRGB(shown[0], shown[1]));
            }
        }
        return stored;
    }

    // Where stored pixel (x, y) of a w x h file appears once the orientation is applied.
    private static int[] displayed(int x, int y, int w, int h, int orientation) {
        return switch (orientation) {
            case 1 -> new int[] {x, y};
            case 2 -> new int[] {w - 1 - x, y};
            case 3 -> new int[] {w - 1 - x, h - 1 - y};
            case 4 -> new int[] {x, h - 1 - y};
            case 5 -> new int[] {y, x};
            case 6 -> new int[] {h - 1 - y, x};
            case 7 -> new int[] {h - 1 - y, w - 1 - x};
            case 8 -> new int[] {y, w - 1 - x};
            default -> throw new IllegalArgumentException("orientation " + orientation);
        };
    }

    public static byte[] png(BufferedImage image) {
        return write(image, "png");
    }

    public static byte[] write(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A JPEG at the given quality (0..1), with an EXIF orientation tag when {@code orientation != 0}. */
    public static byte[] jpeg(BufferedImage image, float quality, int orientation) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] jpeg = out.toByteArray();
        return orientation == 0 ? jpeg : withExifOrientation(jpeg, orientation);
    }

    /** Inserts an APP1 EXIF segment holding only the orientation tag right after the JPEG's SOI marker. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {
            'M', 'M', 0, 42, 0, 0, 0, 8,          // big-endian TIFF header, IFD0 at offset 8
            0, 1,                                 // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1,         // tag 0x0112 Orientation, SHORT, count 1
            0, (byte) orientation, 0, 0,          // value
            0, 0, 0, 0};                          // no next IFD
        byte[] exif = new byte[6 + tiff.length];
        System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, exif, 0, 6);
        System.arraycopy(tiff, 0, exif, 6, tiff.length);
        int segmentLength = exif.length + 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(segmentLength >> 8);
        out.write(segmentLength & 0xFF);
        out.write(exif, 0, exif.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
