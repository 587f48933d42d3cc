package dev.mlportfolio.core.detect;

/**
 * A binary mask the size of the whole image, stored only over the region that can hold ones
 * (an instance's box plus a pixel), so twenty instances on a 4000x3000 photo stay small.
 */
public final class BinaryMask {
    private final int imageWidth;
    private final int imageHeight;
    private final int left;
    private final int top;
    private final int regionWidth;
    private final int regionHeight;
    private final byte[] bits;
    private final long area;

    /**
     * @param bits {@code regionWidth * regionHeight} values, row-major, 0 or 1, for the pixels
     *             {@code [left, left + regionWidth) x [top, top + regionHeight)}; everything else is 0
     */
    public BinaryMask(int imageWidth, int imageHeight, int left, int top, int regionWidth, int regionHeight, byte[] bits) {
        if (left < 0 || top < 0 || regionWidth < 0 || regionHeight < 0
                || left + regionWidth > imageWidth || top + regionHeight > imageHeight
                || bits.length != regionWidth * regionHeight) {
            throw new IllegalArgumentException("mask region does not fit the image");
        }
        this.imageWidth = imageWidth;
        this.imageHeight = imageHeight;
        this.left = left;
        this.top = top;
        this.regionWidth = regionWidth;
        this.regionHeight = regionHeight;
        this.bits = bits;
        long ones = 0;
        for (byte bit : bits) {
            ones += bit;
        }
        this.area = ones;
    }

    public int imageWidth() {
        return imageWidth;
    }

    public int imageHeight() {
        return imageHeight;
    }

    /** Whether pixel (x, y) of the image is in the mask. */
    public boolean get(int x, int y) {
        int rx = x - left;
        int ry = y - top;
        if (rx < 0 || ry < 0 || rx >= regionWidth || ry >= regionHeight) {
            return false;
        }
        return bits[ry * regionWidth + rx] != 0;
    }

    /** Number of pixels in the mask. */
    public long area() {
        return area;
    }

    public int left() {
        return left;
    }

    public int top() {
        return top;
    }

    public int regionWidth() {
        return regionWidth;
    }

    public int regionHeight() {
        return regionHeight;
    }

    /** The stored region's values, row-major; do not modify. */
    byte[] regionBits() {
        return bits;
    }

    /** The smallest box holding every pixel of the mask, or null when it is empty. */
    public Box tightBox() {
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < regionHeight; y++) {
            for (int x = 0; x < regionWidth; x++) {
                if (bits[y * regionWidth + x] != 0) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        return maxX < 0 ? null : new Box(left + minX, top + minY, left + maxX + 1, top + maxY + 1);
    }

    /** COCO run-length encoding of this mask. */
    public CocoRle toRle() {
        return CocoRle.encode(this);
    }
}
