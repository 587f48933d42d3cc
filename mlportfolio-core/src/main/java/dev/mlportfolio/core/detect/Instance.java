package dev.mlportfolio.core.detect;

/**
 * One detected object: its box and mask in original-image pixels and its confidence.
 *
 * @param score the model's confidence in [0, 1]
 */
public record Instance(Box box, float score, BinaryMask mask) {
    /** Pixels in the mask, as COCO counts area. */
    public long area() {
        return mask.area();
    }
}
