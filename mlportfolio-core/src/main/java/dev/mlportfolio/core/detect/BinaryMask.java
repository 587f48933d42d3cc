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
     * A mask from its stored region.
     *
     * @param imageWidth   the image's width
     * @param imageHeight  the image's height
     * @param left         the region's left column
     * @param top          the region's top row
     * @param regionWidth  the region's width
     * @param regionHeight the region's height
     * @param bits {@code regionWidth * regionHeight} values, row-major, 0 or 1, for the pixels
     *             {@code [left, left + regionWidth) x [top, top + regionHeight)}; everything else is 0
     * @throws IllegalArgumentException when the region does not fit the image or the bits do not fill it
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

    /**
     * The image's width.
     *
     * @return pixels
     */
    public int imageWidth() {
        return imageWidth;
    }

    /**
     * The image's height.
     *
     * @return pixels
     */
    public int imageHeight() {
        return imageHeight;
    }

    /**
     * Whether a pixel of the image is in the mask.
     *
     * @param x the column
     * @param y the row
     * @return true when the pixel is in the mask; false outside the image too
     */
    public boolean get(int x, int y) {
        int rx = x - left;
        int ry = y - top;
        if (rx < 0 || ry < 0 || rx >= regionWidth || ry >= regionHeight) {
            return false;
        }
        return bits[ry * regionWidth + rx] != 0;
    }

    /**
     * Number of pixels in the mask.
     *
     * @return the count of ones
     */
    public long area() {
        return area;
    }

    /**
     * The stored region's left column.
     *
     * @return the column
     */
    public int left() {
        return left;
    }

    /**
     * The stored region's top row.
     *
     * @return the row
     */
    public int top() {
        return top;
    }

    /**
     * The stored region's width.
     *
     * @return pixels
     */
    public int regionWidth() {
        return regionWidth;
    }

    /**
     * The stored region's height.
     *
     * @return pixels
     */
    public int regionHeight() {
        return regionHeight;
    }

    /** {@return the stored region's values, row-major; do not modify} */
    byte[] regionBits() {
        return bits;
    }

    /**
     * The smallest box holding every pixel of the mask.
     *
     * @return the box, or null when the mask is empty
     */
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

    /**
     * COCO run-length encoding of this mask.
     *
     * @return the encoding pycocotools would write
     */
    public CocoRle toRle() {
        return CocoRle.encode(this);
    }
}
