package dev.mlportfolio.core.detect;

/**
 * One detected object: its box and mask in original-image pixels and its confidence.
 *
 * @param box   the box around the mask, in original-image pixels
 * @param score the model's confidence in [0, 1]
 * @param mask  the mask at the original image's size
 */
public record Instance(Box box, float score, BinaryMask mask) {
    /**
     * Pixels in the mask, as COCO counts area.
     *
     * @return the mask's pixel count
     */
    public long area() {
        return mask.area();
    }
}
